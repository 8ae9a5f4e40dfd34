import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { BusBlobError, NatsBus, type Bus } from '../src';
import { freePort, waitForPort } from '@wirehook/testing';
import { bothTransports } from './transports';

/** Blob storage must behave the same on both transports: one suite against each. */
const { transports, nats: server } = bothTransports('blobs-test');

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe.each(transports)('$name bus blobs', (transport) => {
  let bus: Bus;
  const bucket = `test-blobs-${transport.name}`;
  beforeEach(async () => {
    bus = await transport.open();
  });
  afterEach(async () => {
    await bus.close();
  });

  it('stores, replaces, reads back and deletes a blob; an absent one is undefined', async () => {
    expect(await bus.getBlob(bucket, '@acme+echo@1.0.0.tgz')).toBeUndefined();
    expect(await bus.blobInfo(bucket, '@acme+echo@1.0.0.tgz')).toBeUndefined();

    const first = new TextEncoder().encode('first version');
    await bus.putBlob(bucket, '@acme+echo@1.0.0.tgz', first);
    expect(Buffer.from((await bus.getBlob(bucket, '@acme+echo@1.0.0.tgz')) as Uint8Array).toString()).toBe('first version');

    const second = randomBytes(3000);
    await bus.putBlob(bucket, '@acme+echo@1.0.0.tgz', second);
    expect(Buffer.from((await bus.getBlob(bucket, '@acme+echo@1.0.0.tgz')) as Uint8Array).equals(second)).toBe(true);
    expect(await bus.blobInfo(bucket, '@acme+echo@1.0.0.tgz')).toEqual({ size: 3000, sha256: sha256(second) });

    // What the caller keeps is its own: changing it afterwards changes nothing stored.
    second[0] ^= 0xff;
    expect(sha256((await bus.getBlob(bucket, '@acme+echo@1.0.0.tgz')) as Uint8Array)).not.toBe(sha256(second));

    await bus.deleteBlob(bucket, '@acme+echo@1.0.0.tgz');
    expect(await bus.getBlob(bucket, '@acme+echo@1.0.0.tgz')).toBeUndefined();
    expect(await bus.blobInfo(bucket, '@acme+echo@1.0.0.tgz')).toBeUndefined();
    await expect(bus.deleteBlob(bucket, 'never-stored')).resolves.toBeUndefined();
  });

  it('keeps an empty blob apart from an absent one', async () => {
    await bus.putBlob(bucket, 'empty', new Uint8Array(0));
    expect(await bus.getBlob(bucket, 'empty')).toEqual(new Uint8Array(0));
  });

  it('stores a blob larger than a NATS message (5 MB; max_payload is 1 MB)', async () => {
    const large = randomBytes(5 * 1024 * 1024 + 17);
    await bus.putBlob(bucket, 'large.tgz', large);
    const read = (await bus.getBlob(bucket, 'large.tgz')) as Uint8Array;
    expect(read.length).toBe(large.length);
    expect(sha256(read)).toBe(sha256(large));
  }, 30_000);
});

describe('NATS blobs: damage is an error, never data', () => {
  let bus: NatsBus;
  let raw: NatsConnection;
  const bucket = 'test-blobs-damage';
  beforeAll(async () => {
    bus = await NatsBus.connect({ url: server().url, name: 'blobs-damage-test', blobIdleTimeoutMs: 1_000 });
    raw = await connect({ servers: server().url });
  });
  afterAll(async () => {
    await bus.close();
    await raw.close();
  });

  it('refuses an object whose chunks do not match its SHA-256 digest, naming bucket, object and server', async () => {
    await bus.putBlob(bucket, 'plugin@1.0.0.tgz', randomBytes(300 * 1024));
    // Another writer adds a chunk behind the object store's back: the bytes no longer hash to the digest.
    const os = await raw.jetstream().views.os(bucket);
    const info = await os.info('plugin@1.0.0.tgz');
    await raw.jetstream().publish(`$O.${bucket}.C.${info?.nuid}`, randomBytes(100));
    const read = bus.getBlob(bucket, 'plugin@1.0.0.tgz');
    await expect(read).rejects.toBeInstanceOf(BusBlobError);
    await expect(read).rejects.toThrow(`cannot get ${bucket}/plugin@1.0.0.tgz on ${server().url}: received a corrupt object, digests do not match`);
  });

  it('fails, rather than waiting forever, when the chunks of an object are gone', async () => {
    await bus.putBlob(bucket, 'lost@1.0.0.tgz', randomBytes(1000));
    const os = await raw.jetstream().views.os(bucket);
    const info = await os.info('lost@1.0.0.tgz');
    const jsm = await raw.jetstreamManager();
    await jsm.streams.purge(`OBJ_${bucket}`, { filter: `$O.${bucket}.C.${info?.nuid}` });
    await expect(bus.getBlob(bucket, 'lost@1.0.0.tgz')).rejects.toThrow(`cannot get ${bucket}/lost@1.0.0.tgz on ${server().url}: no data for 1000 ms after 0 of 1000 bytes`);
  });

  it('says so when the server has no JetStream', async () => {
    const port = await freePort();
    const plain = spawn(process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server', ['-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    try {
      await waitForPort(port, 10_000);
      const noJs = await NatsBus.connect({ url: `nats://127.0.0.1:${port}`, name: 'blobs-no-jetstream-test' });
      await expect(noJs.putBlob(bucket, 'x.tgz', new Uint8Array(1))).rejects.toThrow(`cannot put ${bucket}/x.tgz on nats://127.0.0.1:${port}: JetStream is not enabled on this NATS server`);
      await expect(noJs.getBlob(bucket, 'x.tgz')).rejects.toBeInstanceOf(BusBlobError);
      await noJs.close();
    } finally {
      await new Promise((resolve) => {
        plain.once('exit', resolve);
        plain.kill('SIGTERM');
      });
    }
  });
});
