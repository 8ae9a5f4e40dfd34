import type { DecodedPacket, Endpoint, StreamCloseReason, StreamDirection, StreamSink, TcpStreamInfo } from '../../src';

export type SinkEvent =
  | { kind: 'data'; stream: number; direction: StreamDirection; text: string; timestamp: number }
  | { kind: 'gap'; stream: number; direction: StreamDirection; missing: number; timestamp: number }
  | { kind: 'close'; stream: number; reason: StreamCloseReason; timestamp: number }
  | { kind: 'datagram'; stream: number | undefined; text: string };

/** A StreamSink that records every call (data copied as latin1 text) and sums bytes per stream and direction. */
export class RecordingSink implements StreamSink {
  readonly events: SinkEvent[] = [];
  readonly streams = new Map<number, TcpStreamInfo>();
  readonly bytes = new Map<number, { c2s: number; s2c: number }>();
  readonly closes = new Map<number, StreamCloseReason>();
  keepText = true;

  onStreamData(stream: TcpStreamInfo, direction: StreamDirection, data: Buffer, timestamp: number): void {
    this.see(stream);
    const totals = this.bytes.get(stream.id) as { c2s: number; s2c: number };
    if (direction === 'client-to-server') totals.c2s += data.length;
    else totals.s2c += data.length;
    if (this.keepText) this.events.push({ kind: 'data', stream: stream.id, direction, text: data.toString('latin1'), timestamp });
  }

  onStreamGap(stream: TcpStreamInfo, direction: StreamDirection, missing: number, timestamp: number): void {
    this.see(stream);
    this.events.push({ kind: 'gap', stream: stream.id, direction, missing, timestamp });
  }

  onStreamClose(stream: TcpStreamInfo, reason: StreamCloseReason, timestamp: number): void {
    this.see(stream);
    if (this.closes.has(stream.id)) throw new Error(`stream ${stream.id} closed twice`);
    this.closes.set(stream.id, reason);
    this.events.push({ kind: 'close', stream: stream.id, reason, timestamp });
  }

  onDatagram(packet: DecodedPacket): void {
    this.events.push({ kind: 'datagram', stream: packet.streamId, text: packet.payload.toString('latin1') });
  }

  /** Everything delivered in one direction of one stream, gaps as `[gap N]`. */
  text(stream: number, direction: StreamDirection): string {
    let out = '';
    for (const e of this.events) {
      if (e.kind === 'data' && e.stream === stream && e.direction === direction) out += e.text;
      if (e.kind === 'gap' && e.stream === stream && e.direction === direction) out += `[gap ${e.missing}]`;
    }
    return out;
  }

  private see(stream: TcpStreamInfo): void {
    if (!this.streams.has(stream.id)) {
      this.streams.set(stream.id, stream);
      this.bytes.set(stream.id, { c2s: 0, s2c: 0 });
    }
  }
}

export const CLIENT: Endpoint = { ip: '10.0.0.1', port: 40000 };
export const SERVER: Endpoint = { ip: '10.0.0.2', port: 80 };

/** A TCP packet as the decoder would give it. */
export function tcpPacket(
  from: Endpoint,
  to: Endpoint,
  seq: number,
  flags: number,
  payload: string | Buffer = '',
  timestamp = 1_000,
  payloadLength?: number,
): DecodedPacket {
  const data = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload;
  return {
    timestamp,
    interfaceId: 0,
    linkType: 1,
    captureLength: 54 + data.length,
    length: 54 + (payloadLength ?? data.length),
    truncated: payloadLength !== undefined && payloadLength > data.length,
    fragmented: false,
    ipVersion: 4,
    src: { ...from },
    dst: { ...to },
    transport: 'tcp',
    tcp: { seq: seq >>> 0, ack: 0, flags, window: 65535 },
    payload: data,
    frame: Buffer.alloc(54 + data.length),
    payloadLength: payloadLength ?? data.length,
    streamId: undefined,
  };
}

export function udpPacket(from: Endpoint, to: Endpoint, payload: string, timestamp = 1_000): DecodedPacket {
  const data = Buffer.from(payload);
  return {
    timestamp,
    interfaceId: 0,
    linkType: 1,
    captureLength: 42 + data.length,
    length: 42 + data.length,
    truncated: false,
    fragmented: false,
    ipVersion: 4,
    src: { ...from },
    dst: { ...to },
    transport: 'udp',
    tcp: undefined,
    payload: data,
    frame: Buffer.alloc(42 + data.length),
    payloadLength: data.length,
    streamId: undefined,
  };
}
