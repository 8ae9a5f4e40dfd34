import { TcpFlags, TcpReassembler, type DecodedPacket } from '@wirehook/capture';
import type { HttpRequest, HttpResponse, Item } from '@wirehook/contracts';
import { createDissectionPipeline, resolveLimits } from '../src';
import { Harness, http } from './support/driver';

const GET = (path: string): Buffer => http([`GET ${path} HTTP/1.1`, 'Host: shop.test']);
const OK = (body: string): Buffer => http(['HTTP/1.1 200 OK', 'Content-Type: text/plain', `Content-Length: ${body.length}`], body);

/** TCP packets of one connection as capture's decoder delivers them, for the real reassembler. */
class TcpPackets {
  private clientSeq = 1000;
  private serverSeq = 5000;
  time = 1_700_000_000_000;

  constructor(
    private readonly client = { ip: '10.1.0.1', port: 41000 },
    private readonly server = { ip: '10.1.0.2', port: 18081 },
  ) {}

  handshake(): DecodedPacket[] {
    const syn = this.packet(true, Buffer.alloc(0), TcpFlags.SYN, this.clientSeq++);
    const synAck = this.packet(false, Buffer.alloc(0), TcpFlags.SYN | TcpFlags.ACK, this.serverSeq++);
    const ack = this.packet(true, Buffer.alloc(0), TcpFlags.ACK, this.clientSeq);
    return [syn, synAck, ack];
  }

  /** Segments of `data` from one side, `size` bytes each, in sequence order. */
  segments(fromClient: boolean, data: Buffer, size: number): DecodedPacket[] {
    const out: DecodedPacket[] = [];
    for (let i = 0; i < data.length; i += size) {
      const piece = data.subarray(i, i + size);
      const seq = fromClient ? this.clientSeq : this.serverSeq;
      out.push(this.packet(fromClient, piece, TcpFlags.ACK | TcpFlags.PSH, seq));
      if (fromClient) this.clientSeq += piece.length;
      else this.serverSeq += piece.length;
    }
    return out;
  }

  fin(fromClient: boolean): DecodedPacket {
    const seq = fromClient ? this.clientSeq++ : this.serverSeq++;
    return this.packet(fromClient, Buffer.alloc(0), TcpFlags.FIN | TcpFlags.ACK, seq);
  }

  private packet(fromClient: boolean, payload: Buffer, flags: number, seq: number): DecodedPacket {
    this.time += 0.1;
    return {
      timestamp: this.time,
      interfaceId: 0,
      linkType: 1,
      captureLength: payload.length + 54,
      length: payload.length + 54,
      truncated: false,
      fragmented: false,
      ipVersion: 4,
      src: fromClient ? this.client : this.server,
      dst: fromClient ? this.server : this.client,
      transport: 'tcp',
      tcp: { seq, ack: 0, flags, window: 65535 },
      payload: Buffer.from(payload),
      frame: Buffer.from(payload),
    };
  }
}

function summary(items: Item[]): string[] {
  return items.map((i) => `${(i.request as HttpRequest | null)?.url ?? '-'} ${(i.response as HttpResponse | null)?.status ?? '-'}${i.error ? ` !${i.error.type}` : ''}`);
}

describe('pipeline with capture’s TCP reassembler', () => {
  it('dissects segments that arrive out of order and duplicated, once reassembled in order', () => {
    const items: Item[] = [];
    const pipeline = createDissectionPipeline({ worker: 'w1', onItem: (i) => items.push(i) });
    const reassembler = new TcpReassembler(pipeline);
    const tcp = new TcpPackets();
    const handshake = tcp.handshake();
    const request = tcp.segments(true, Buffer.concat([GET('/one'), GET('/two')]), 7);
    const response = tcp.segments(false, Buffer.concat([OK('first'), OK('second')]), 11);
    const shuffled = [...request].reverse();
    const responseOrder = [response[2], response[0], response[1], response[1], ...response.slice(3).reverse()];
    for (const p of [...handshake, ...shuffled, ...responseOrder, tcp.fin(true), tcp.fin(false)]) reassembler.push(p);
    reassembler.closeAll();
    pipeline.close();
    expect(summary(items)).toEqual(['/one 200', '/two 200']);
    expect(items.map((i) => (i.response as HttpResponse).content.text)).toEqual(['first', 'second']);
    expect(items[0].id).toMatch(/^w1\/\d+-0$/);
  });

  it('reports a hole the reassembler gives up on as a dissection error, and keeps going', () => {
    const items: Item[] = [];
    const pipeline = createDissectionPipeline({ worker: 'w1', onItem: (i) => items.push(i) });
    const reassembler = new TcpReassembler(pipeline, { maxStreamBufferedBytes: 256 });
    const tcp = new TcpPackets();
    const handshake = tcp.handshake();
    const first = tcp.segments(true, GET('/a'), 1000);
    const lostResponse = tcp.segments(false, OK('lost response'), 1000);
    const second = tcp.segments(true, GET('/b'), 1000);
    const later = tcp.segments(false, Buffer.concat([OK('b'), Buffer.alloc(600, 0x20)]), 100);
    for (const p of [...handshake, ...first, ...second, ...later]) reassembler.push(p); // lostResponse never captured
    reassembler.closeAll();
    pipeline.close();
    expect(lostResponse).toHaveLength(1);
    expect(items.some((i) => i.error?.type === 'dissection')).toBe(true);
    expect(pipeline.stats().desyncs).toBeGreaterThan(0);
  });
});

describe('pipeline behaviour', () => {
  it('a throwing onItem is counted and reported; dissection goes on', () => {
    const seen: string[] = [];
    const errors: string[] = [];
    const pipeline = createDissectionPipeline({
      worker: 'w',
      onItem: (item) => {
        seen.push(item.id);
        if (seen.length === 1) throw new Error('agent bug');
      },
      onError: (error, context) => errors.push(`${context}: ${(error as Error).message}`),
    });
    const h = new Harness();
    const info = h.connection().info;
    pipeline.onStreamData(info, 'client-to-server', GET('/1'), 1);
    pipeline.onStreamData(info, 'server-to-client', OK('1'), 2);
    pipeline.onStreamData(info, 'client-to-server', GET('/2'), 3);
    pipeline.onStreamData(info, 'server-to-client', OK('2'), 4);
    expect(seen).toHaveLength(2);
    expect(errors).toEqual([`onItem threw for item w/${info.id}-0: agent bug`]);
    expect(pipeline.stats().callbackErrors).toBe(1);
  });

  it('names endpoints from the resolver (workload, namespace, pod); top-level namespace repeats dst', () => {
    const items: Item[] = [];
    const pipeline = createDissectionPipeline({
      worker: 'node-1',
      nodeIp: '10.0.0.1',
      onItem: (i) => items.push(i),
      resolveEndpoint: (ip) => (ip === '192.168.1.20' ? { name: 'checkout', namespace: 'shop', pod: 'checkout-7d9f' } : undefined),
    });
    const info = new Harness().connection().info;
    pipeline.onStreamData(info, 'client-to-server', GET('/'), 1);
    pipeline.onStreamData(info, 'server-to-client', OK(''), 2);
    expect(items[0].dst).toEqual({ ip: '192.168.1.20', port: '18080', name: 'checkout', namespace: 'shop', pod: 'checkout-7d9f' });
    expect(items[0].src).toEqual({ ip: '192.168.1.10', port: String(info.client.port), name: '', namespace: '' });
    expect(items[0].namespace).toBe('shop');
    expect(items[0].node).toEqual({ ip: '10.0.0.1', name: 'node-1' });
  });

  it('beyond maxConnections the oldest connection is closed: its pending request is reported', () => {
    const h = new Harness({ maxConnections: 2 });
    const a = h.connection();
    const b = h.connection();
    const c = h.connection();
    a.client(GET('/a'));
    b.client(GET('/b'));
    c.client(GET('/c'));
    expect(summary(h.items)).toEqual(['/a - !timeout']);
    expect(h.items[0].error?.msg).toMatch(/evicted/);
    expect(h.pipeline.stats()).toMatchObject({ openConnections: 2, evictedConnections: 1, pending: 2 });
  });

  it('forgets connections idle past the idle timeout (capture time)', () => {
    const h = new Harness({ idleTimeoutMs: 10_000, pairTimeoutMs: 1000 });
    h.connection().client(GET('/x'), 1_000).server(OK('x'), 1_001);
    h.pipeline.flush(5_000);
    expect(h.pipeline.stats().openConnections).toBe(1);
    h.pipeline.flush(11_002);
    expect(h.pipeline.stats().openConnections).toBe(0);
    expect(h.items).toHaveLength(1);
  });

  it('after close() it accepts nothing and reports nothing more', () => {
    const h = new Harness();
    const c = h.connection();
    h.pipeline.close();
    c.client(GET('/late')).server(OK('late'));
    expect(h.items).toEqual([]);
    expect(h.pipeline.stats().streams).toBe(0);
  });

  it('counts streams, recognised protocols, items per protocol and errors per type', () => {
    const h = new Harness();
    h.connection().client(GET('/ok')).server(OK('ok'));
    h.connection().client(GET('/lost')).close('rst');
    // A TLS ClientHello start: neither HTTP, nor Redis, nor a plausible DNS-over-TCP header.
    h.connection().client(Buffer.from('160301020001000001fc0303' + '00'.repeat(40), 'hex'));
    const stats = h.pipeline.stats();
    expect(stats).toMatchObject({
      streams: 3,
      recognised: { http: 2 },
      ignoredStreams: 1,
      items: 2,
      itemsByProtocol: { http: 2 },
      errors: { dissection: 0, connection: 1, timeout: 0, 'pair-not-found': 0 },
      internalErrors: 0,
    });
  });

  it('bounds the bytes held by all streams still being detected', () => {
    const h = new Harness({ maxDetectBytes: 1000, maxDetectTotalBytes: 2500 });
    // Each sends the start of a long request line: undecided until the line ends.
    for (let i = 0; i < 5; i++) h.connection().client(`GET /${'x'.repeat(900)}`);
    expect(h.pipeline.stats().ignoredStreams).toBe(3);
  });

  it('refuses limits that would disable a bound', () => {
    expect(() => resolveLimits({ maxBodyBytes: -1 })).toThrow(/maxBodyBytes/);
    expect(() => resolveLimits({ pairTimeoutMs: Number.NaN })).toThrow(/pairTimeoutMs/);
    expect(resolveLimits({ maxBodyBytes: 10 }).maxBodyBytes).toBe(10);
  });
});
