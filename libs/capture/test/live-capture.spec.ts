import { createConnection, createServer, type Server } from 'node:net';
import { freePort } from '@wirehook/testing';
import { LiveCapture, LiveCaptureError, LiveCaptureSource, TcpFlags, TcpReassembler, type DecodedPacket } from '../src';
import { RecordingSink } from './helpers/sink';

/** Runs `check` after every packet until it returns true. */
function waitFor(packets: DecodedPacket[], check: () => boolean): { onPacket: (p: DecodedPacket) => void; done: Promise<void> } {
  let resolve: () => void = () => undefined;
  const done = new Promise<void>((r) => (resolve = r));
  return {
    onPacket: (p) => {
      packets.push(p);
      if (check()) resolve();
    },
    done,
  };
}

describe('LiveCapture (libpcap through cap, on lo)', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    server = createServer((socket) => {
      socket.on('data', (data) => {
        if (data.toString().includes('hello')) socket.end('world');
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('captures, filters and decodes our own loopback TCP exchange', async () => {
    const capture = new LiveCapture({ device: 'lo', filter: `tcp port ${port}`, snapLength: 65535, bufferSize: 4 * 1024 * 1024 });
    const sink = new RecordingSink();
    const reassembler = new TcpReassembler(sink);
    const packets: DecodedPacket[] = [];
    const { onPacket, done } = waitFor(packets, () => sink.closes.size > 0);
    const running = capture.start((p) => {
      reassembler.push(p);
      onPacket(p);
    });

    const client = createConnection({ host: '127.0.0.1', port }, () => client.write('hello'));
    client.on('data', () => client.end());
    await done;
    await capture.stop();
    await running;

    expect(packets.length).toBeGreaterThanOrEqual(7);
    for (const p of packets) {
      expect(p.linkType).toBe(1);
      expect(p.transport).toBe('tcp');
      expect(p.src.ip).toBe('127.0.0.1');
      expect([p.src.port, p.dst.port]).toContain(port);
    }
    const syn = packets[0];
    expect(syn.tcp && syn.tcp.flags & (TcpFlags.SYN | TcpFlags.ACK)).toBe(TcpFlags.SYN);
    expect(syn.dst.port).toBe(port);
    const [stream] = [...sink.streams.values()];
    expect(stream).toMatchObject({ rolesKnown: true, server: { ip: '127.0.0.1', port } });
    expect(sink.text(stream.id, 'client-to-server')).toBe('hello');
    expect(sink.text(stream.id, 'server-to-client')).toBe('world');
    expect(sink.closes.get(stream.id)).toBe('fin');
    const stats = capture.stats();
    expect(stats.state).toBe('stopped');
    expect(stats.packets).toBe(packets.length);
    expect(stats.decodeErrors).toBe(0);
    expect(capture.describe()).toBe(`live lo filter "tcp port ${port}" snaplen 65535`);
  });

  it('cuts packets at the snap length and marks them truncated', async () => {
    const capture = await LiveCaptureSource.open({ interface: 'lo', filter: `tcp port ${port}`, snapLength: 80 });
    const packets: DecodedPacket[] = [];
    const { onPacket, done } = waitFor(packets, () => packets.some((p) => p.truncated));
    const running = capture.start(onPacket);
    const client = createConnection({ host: '127.0.0.1', port }, () => client.write('hello ' + 'x'.repeat(500)));
    client.on('data', () => client.end());
    await done;
    await capture.stop();
    await running;
    const cut = packets.find((p) => p.truncated) as DecodedPacket;
    expect(cut.captureLength).toBe(80);
    expect(cut.length).toBeGreaterThan(500);
    expect(cut.payloadLength).toBeGreaterThan(cut.payload.length);
  });

  it('lists the loopback interface', () => {
    const lo = LiveCapture.devices().find((d) => d.name === 'lo');
    expect(lo).toMatchObject({ loopback: true });
    expect(lo?.addresses).toContain('127.0.0.1');
  });

  it('fails with a clear error for a bad BPF filter', async () => {
    const error = await LiveCapture.open({ device: 'lo', filter: 'tcp port banana' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LiveCaptureError);
    expect((error as LiveCaptureError).message).toMatch(/^cannot open lo for capture: .*banana/);
  });

  it('fails with a clear error for an interface that does not exist', async () => {
    const error = await LiveCapture.open({ device: 'nosuchdev0' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LiveCaptureError);
    expect((error as LiveCaptureError).message).toMatch(/^cannot open nosuchdev0 for capture: /);
    expect((error as LiveCaptureError).device).toBe('nosuchdev0');
  });
});

describe('LiveCapture without the cap package', () => {
  it('explains that the optional native module is missing', async () => {
    let error: unknown;
    await jest.isolateModulesAsync(async () => {
      jest.doMock('cap', () => {
        throw new Error("Cannot find module 'cap'");
      });
      const isolated = await import('../src/live-capture');
      error = await isolated.LiveCapture.open({ device: 'lo' }).catch((e: unknown) => e);
    });
    jest.dontMock('cap');
    expect((error as Error).name).toBe('LiveCaptureError');
    expect((error as Error).message).toContain('live capture needs the optional package "cap"');
    expect((error as Error).message).toContain('libpcap-dev');
  });
});
