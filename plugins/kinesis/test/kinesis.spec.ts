import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { CreateStreamCommand, DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import kinesalite from 'kinesalite';
import { Registry } from 'prom-client';
import { createPluginTestKit, type PluginHost, type PluginTestKit } from '@wirehook/plugin-sdk';
import { eventually } from '@wirehook/testing';
import * as plugin from '../src';
import { agent, startAgentHost, type AgentHost } from '@wirehook/testing/agent-host';
import { SigningProxy } from './signing-proxy';

const KEY_ID = 'AKIDWIREHOOKTEST';
const SECRET = 'wirehook-test-secret-key';
const STREAM = 'wirehook-items';
const item = (n: number) => ({ json: [JSON.stringify({ index: n, request: { path: `/pay/${n}` }, response: { status: 502 } })] });

describe('@wirehook/plugin-kinesis', () => {
  let kinesis: Server;
  let proxy: SigningProxy;
  let reader: KinesisClient;
  let kit: PluginTestKit;
  let plugins: PluginHost;
  let agents: AgentHost;

  /** Every record on the stream's only shard, read back with the AWS SDK. */
  async function readBack(): Promise<Array<{ sequence: string; data: string; partitionKey: string }>> {
    const description = await reader.send(new DescribeStreamCommand({ StreamName: STREAM }));
    const shardId = description.StreamDescription?.Shards?.[0]?.ShardId;
    const iterator = await reader.send(new GetShardIteratorCommand({ StreamName: STREAM, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }));
    const records = await reader.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator }));
    return (records.Records ?? []).map((r) => ({ sequence: r.SequenceNumber ?? '', data: Buffer.from(r.Data ?? []).toString('utf8'), partitionKey: r.PartitionKey ?? '' }));
  }

  beforeAll(async () => {
    kinesis = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0 });
    await new Promise<void>((resolve) => kinesis.listen(0, '127.0.0.1', resolve));
    const port = (kinesis.address() as AddressInfo).port;
    proxy = new SigningProxy(port, { [KEY_ID]: SECRET });
    await proxy.start();
    reader = new KinesisClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: 'reader', secretAccessKey: 'reader' }, maxAttempts: 1, requestHandler: new NodeHttpHandler() });
    await reader.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: 1 }));
    await eventually(async () => expect((await reader.send(new DescribeStreamCommand({ StreamName: STREAM }))).StreamDescription?.StreamStatus).toBe('ACTIVE'));
    kit = createPluginTestKit({
      packageJson: join(__dirname, '..', 'package.json'),
      module: plugin,
      settings: { endpoint: proxy.url, delivery: { timeoutMs: 3000, retries: 3, backoffMs: 10, maxBackoffMs: 50 } },
    });
    plugins = await kit.host({ metrics: new Registry() });
    agents = startAgentHost(plugins);
  });

  afterAll(async () => {
    await agents.close();
    await kit.close();
    reader.destroy();
    await proxy.stop();
    await new Promise((resolve) => kinesis.close(resolve));
  });

  it('has a manifest the host accepts; both AWS keys are secret parameters', () => {
    expect(kit.compatibility({ version: '0.1.0' })).toEqual([]);
    expect(kit.manifest.helpers[0].parameters.filter((p) => p.secret).map((p) => p.name)).toEqual(['keyId', 'secret']);
    expect(kit.validate('vendor.kinesis.put', [STREAM, {}, 'US East', KEY_ID, SECRET])).toMatchObject({ ok: false, problems: [expect.stringContaining('argument 3 (region)')] });
  });

  it('an agent puts a record: a SigV4-signed AWS JSON 1.1 PutRecord, the sequence number comes back, the record reads back', async () => {
    await agents.runtime.load(
      agent('To Kinesis', `function onItemCaptured(data) {
        var sequence = vendor.kinesis.put('${STREAM}', { path: data.request.path, status: data.response.status }, 'us-east-1', '${KEY_ID}', '${SECRET}');
        console.log(sequence);
      }`),
    );
    await agents.runtime.onItemsCaptured(item(1));
    const [call] = proxy.calls;
    expect(call).toMatchObject({ target: 'Kinesis_20131202.PutRecord', contentType: 'application/x-amz-json-1.1', keyId: KEY_ID, region: 'us-east-1', service: 'kinesis', signatureValid: true });
    expect(call.body.StreamName).toBe(STREAM);
    expect(Buffer.from(String(call.body.Data), 'base64').toString('utf8')).toBe('{"path":"/pay/1","status":502}');
    const records = await readBack();
    expect(records).toHaveLength(1);
    expect(records[0].data).toBe('{"path":"/pay/1","status":502}');
    expect(agents.console('To Kinesis')).toEqual([records[0].sequence]);
    expect(records[0].sequence).toMatch(/^\d{20,}$/);
    await agents.runtime.unload('To-Kinesis.js');
  });

  it('retries a throttled put and returns the sequence of the record that landed once', async () => {
    proxy.throttleNext = 2;
    const sequence = await plugins.helpers()['kinesis.put']([STREAM, 'throttled payload', 'us-east-1', KEY_ID, SECRET], {
      agentId: 'throttled',
      agentTitle: 'Throttled',
      nodeName: 'test',
      signal: new AbortController().signal,
    });
    const records = await readBack();
    expect(records.filter((r) => r.data === 'throttled payload').map((r) => r.sequence)).toEqual([sequence]);
    expect(plugins.stats()[0].agents.find((a) => a.agent === 'Throttled')).toMatchObject({ sent: 1, retried: 2, failed: 0 });
  });

  it('does not retry what cannot succeed (bad signature, unknown stream) and never shows the secret', async () => {
    await agents.runtime.load(
      agent('Bad keys', `function onItemCaptured(data) {
        try { vendor.kinesis.put('${STREAM}', 'x', 'us-east-1', '${KEY_ID}', 'wrong-secret-value'); } catch (e) { console.log(e.message); }
        try { vendor.kinesis.put('no-such-stream', 'x', 'us-east-1', '${KEY_ID}', '${SECRET}'); } catch (e) { console.log(e.message); }
      }`),
    );
    const before = proxy.calls.length;
    await agents.runtime.onItemsCaptured(item(2));
    const lines = agents.console('Bad keys');
    expect(lines).toEqual([
      expect.stringMatching(/^vendor\.kinesis\.put: Kinesis PutRecord on wirehook-items: InvalidSignatureException: The request signature we calculated/),
      expect.stringMatching(/^vendor\.kinesis\.put: Kinesis PutRecord on no-such-stream: ResourceNotFoundException: /),
    ]);
    expect(proxy.calls.length - before).toBe(2);
    expect(lines.join('\n')).not.toContain('wrong-secret-value');
    await agents.runtime.unload('Bad-keys.js');
  });
});
