import type { DecodedPacket, StreamCloseReason, TcpStreamInfo } from '@wirehook/capture';
import type { Item } from '@wirehook/contracts';
import { createDissectionPipeline, type DissectionLimits, type DissectionPipeline } from '../../src';

/** A pipeline that collects its items, plus helpers to play synthetic TCP conversations into it. */
export class Harness {
  readonly items: Item[] = [];
  readonly errors: string[] = [];
  readonly pipeline: DissectionPipeline;
  private nextStream = 1;

  constructor(limits: Partial<DissectionLimits> = {}, worker = 'test') {
    this.pipeline = createDissectionPipeline({
      worker,
      nodeIp: '10.0.0.9',
      limits,
      onItem: (item) => this.items.push(item),
      onError: (error, context) => this.errors.push(`${context}: ${String(error)}`),
    });
  }

  /** A TCP connection client → server; `rolesKnown` false plays a capture that began mid-way. */
  connection(options: { rolesKnown?: boolean; clientPort?: number; serverPort?: number; ipVersion?: 4 | 6 } = {}): Conversation {
    const ipVersion = options.ipVersion ?? 4;
    const info: TcpStreamInfo = {
      id: this.nextStream++,
      client: { ip: ipVersion === 6 ? 'fd00::1' : '192.168.1.10', port: options.clientPort ?? 40000 + this.nextStream },
      server: { ip: ipVersion === 6 ? 'fd00::2' : '192.168.1.20', port: options.serverPort ?? 18080 },
      rolesKnown: options.rolesKnown ?? true,
      ipVersion,
    };
    return new Conversation(this.pipeline, info);
  }

  /** One UDP datagram as capture's decoder would deliver it. */
  datagram(src: string, dst: string, payload: Buffer, timestamp: number): void {
    const [srcIp, srcPort] = splitEndpoint(src);
    const [dstIp, dstPort] = splitEndpoint(dst);
    const packet: DecodedPacket = {
      timestamp,
      interfaceId: 0,
      linkType: 1,
      captureLength: payload.length + 42,
      length: payload.length + 42,
      truncated: false,
      fragmented: false,
      ipVersion: srcIp.includes(':') ? 6 : 4,
      src: { ip: srcIp, port: srcPort },
      dst: { ip: dstIp, port: dstPort },
      transport: 'udp',
      payload,
      frame: payload,
    };
    this.pipeline.onDatagram(packet);
  }
}

function splitEndpoint(text: string): [string, number] {
  const at = text.lastIndexOf(':');
  return [text.slice(0, at), Number(text.slice(at + 1))];
}

/** Plays one connection; every call advances capture time by 1 ms unless a time is given. */
export class Conversation {
  private clock = 1_700_000_000_000;

  constructor(
    private readonly pipeline: DissectionPipeline,
    readonly info: TcpStreamInfo,
  ) {}

  at(timestamp: number): this {
    this.clock = timestamp;
    return this;
  }

  get now(): number {
    return this.clock;
  }

  client(data: string | Buffer, timestamp = (this.clock += 1)): this {
    this.clock = timestamp;
    const bytes = toBuffer(data);
    this.pipeline.onStreamData(this.info, 'client-to-server', bytes, timestamp);
    scribble(bytes);
    return this;
  }

  server(data: string | Buffer, timestamp = (this.clock += 1)): this {
    this.clock = timestamp;
    const bytes = toBuffer(data);
    this.pipeline.onStreamData(this.info, 'server-to-client', bytes, timestamp);
    scribble(bytes);
    return this;
  }

  /** Sends `data` in pieces of `size` bytes (1 = byte by byte). */
  clientPieces(data: string | Buffer, size: number): this {
    const bytes = toBuffer(data);
    for (let i = 0; i < bytes.length; i += size) this.client(bytes.subarray(i, i + size));
    return this;
  }

  serverPieces(data: string | Buffer, size: number): this {
    const bytes = toBuffer(data);
    for (let i = 0; i < bytes.length; i += size) this.server(bytes.subarray(i, i + size));
    return this;
  }

  /** Sends `data` cut at the given offsets. */
  serverCuts(data: string | Buffer, cuts: number[]): this {
    const bytes = toBuffer(data);
    let start = 0;
    for (const cut of [...cuts, bytes.length]) {
      if (cut > start) this.server(bytes.subarray(start, cut));
      start = cut;
    }
    return this;
  }

  clientGap(missing: number): this {
    this.pipeline.onStreamGap(this.info, 'client-to-server', missing, (this.clock += 1));
    return this;
  }

  serverGap(missing: number): this {
    this.pipeline.onStreamGap(this.info, 'server-to-client', missing, (this.clock += 1));
    return this;
  }

  close(reason: StreamCloseReason = 'fin'): this {
    this.pipeline.onStreamClose(this.info, reason, (this.clock += 1));
    return this;
  }
}

/** Each call gets a fresh copy that is scribbled over after the call: capture's buffers may be reused. */
function toBuffer(data: string | Buffer): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
}

/** Overwrites a buffer after the call, to prove the dissector copied what it keeps. */
export function scribble(buf: Buffer): void {
  buf.fill(0x58);
}

export const CRLF = '\r\n';

/** `lines` joined by CRLF, plus the blank line, plus a body. */
export function http(lines: string[], body: string | Buffer = ''): Buffer {
  const head = Buffer.from(lines.join(CRLF) + CRLF + CRLF, 'latin1');
  return Buffer.concat([head, typeof body === 'string' ? Buffer.from(body, 'utf8') : body]);
}

/** A chunked body: each piece as one chunk, then the last chunk and optional trailers. */
export function chunked(pieces: Array<string | Buffer>, trailers: string[] = []): Buffer {
  const parts: Buffer[] = [];
  for (const piece of pieces) {
    const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    parts.push(Buffer.from(`${bytes.length.toString(16)}${CRLF}`), bytes, Buffer.from(CRLF));
  }
  parts.push(Buffer.from(`0${CRLF}${trailers.map((t) => t + CRLF).join('')}${CRLF}`));
  return Buffer.concat(parts);
}
