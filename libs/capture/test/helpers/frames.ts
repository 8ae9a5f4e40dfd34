/**
 * Builders for synthetic frames and capture files, written from the format specifications and
 * independent of the library's own writer, so reader and decoder tests are not circular.
 */

export function ipv4Bytes(address: string): Buffer {
  return Buffer.from(address.split('.').map(Number));
}

export function ipv6Bytes(address: string): Buffer {
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : new Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  const groups = [...headGroups, ...zeros, ...tailGroups];
  const out = Buffer.alloc(16);
  groups.forEach((group, i) => out.writeUInt16BE(parseInt(group, 16), i * 2));
  return out;
}

export interface TcpOptions {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack?: number;
  flags: number;
  window?: number;
  payload?: Buffer | string;
  /** Extra header bytes (TCP options), a multiple of 4. */
  options?: Buffer;
}

export function tcpSegment(o: TcpOptions): Buffer {
  const options = o.options ?? Buffer.alloc(0);
  const payload = typeof o.payload === 'string' ? Buffer.from(o.payload) : (o.payload ?? Buffer.alloc(0));
  const header = Buffer.alloc(20 + options.length);
  header.writeUInt16BE(o.srcPort, 0);
  header.writeUInt16BE(o.dstPort, 2);
  header.writeUInt32BE(o.seq >>> 0, 4);
  header.writeUInt32BE((o.ack ?? 0) >>> 0, 8);
  header[12] = ((20 + options.length) / 4) << 4;
  header[13] = o.flags;
  header.writeUInt16BE(o.window ?? 65535, 14);
  options.copy(header, 20);
  return Buffer.concat([header, payload]);
}

export function udpDatagram(srcPort: number, dstPort: number, payload: Buffer | string): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(8);
  header.writeUInt16BE(srcPort, 0);
  header.writeUInt16BE(dstPort, 2);
  header.writeUInt16BE(8 + data.length, 4);
  return Buffer.concat([header, data]);
}

export interface Ipv4Options {
  src: string;
  dst: string;
  protocol: number;
  id?: number;
  /** Fragment offset in bytes (a multiple of 8). */
  fragmentOffset?: number;
  moreFragments?: boolean;
  /** IP options, a multiple of 4 bytes. */
  options?: Buffer;
  /** Total length to write in the header (default: the real one). */
  totalLength?: number;
}

export function ipv4(o: Ipv4Options, payload: Buffer): Buffer {
  const options = o.options ?? Buffer.alloc(0);
  const header = Buffer.alloc(20 + options.length);
  header[0] = 0x40 | ((20 + options.length) / 4);
  header.writeUInt16BE(o.totalLength ?? header.length + payload.length, 2);
  header.writeUInt16BE(o.id ?? 0, 4);
  header.writeUInt16BE(((o.moreFragments ? 0x2000 : 0) | ((o.fragmentOffset ?? 0) / 8)) >>> 0, 6);
  header[8] = 64;
  header[9] = o.protocol;
  ipv4Bytes(o.src).copy(header, 12);
  ipv4Bytes(o.dst).copy(header, 16);
  options.copy(header, 20);
  return Buffer.concat([header, payload]);
}

/** IPv6 header + optional extension headers (each given as [type, body]; body padded to 8n-2). */
export function ipv6(src: string, dst: string, nextHeader: number, payload: Buffer, extensions: { type: number; body: Buffer }[] = []): Buffer {
  const chain: Buffer[] = [];
  let first = nextHeader;
  for (let i = extensions.length - 1; i >= 0; i--) {
    const { type, body } = extensions[i];
    const total = Math.ceil((body.length + 2) / 8) * 8;
    const ext = Buffer.alloc(total);
    ext[0] = first;
    ext[1] = total / 8 - 1;
    body.copy(ext, 2);
    chain.unshift(ext);
    first = type;
  }
  const rest = Buffer.concat([...chain, payload]);
  const header = Buffer.alloc(40);
  header[0] = 0x60;
  header.writeUInt16BE(rest.length, 4);
  header[6] = first;
  header[7] = 64;
  ipv6Bytes(src).copy(header, 8);
  ipv6Bytes(dst).copy(header, 24);
  return Buffer.concat([header, rest]);
}

/** IPv6 fragment header (8 bytes) for `protocol`, offset in bytes. */
export function ipv6FragmentHeader(protocol: number, offset: number, more: boolean, id: number): Buffer {
  const header = Buffer.alloc(8);
  header[0] = protocol;
  header.writeUInt16BE(offset | (more ? 1 : 0), 2);
  header.writeUInt32BE(id, 4);
  return header;
}

/** IPv6 header whose payload starts with the given raw bytes (already containing a fragment header). */
export function ipv6Raw(src: string, dst: string, firstHeader: number, rest: Buffer): Buffer {
  const header = Buffer.alloc(40);
  header[0] = 0x60;
  header.writeUInt16BE(rest.length, 4);
  header[6] = firstHeader;
  header[7] = 64;
  ipv6Bytes(src).copy(header, 8);
  ipv6Bytes(dst).copy(header, 24);
  return Buffer.concat([header, rest]);
}

const MAC_A = Buffer.from([0x02, 0, 0, 0, 0, 0x0a]);
const MAC_B = Buffer.from([0x02, 0, 0, 0, 0, 0x0b]);

export function ethernet(etherType: number, payload: Buffer, vlanTags: { tpid: number; vid: number }[] = []): Buffer {
  const tags = vlanTags.map(({ tpid, vid }) => {
    const tag = Buffer.alloc(4);
    tag.writeUInt16BE(tpid, 0);
    tag.writeUInt16BE(vid, 2);
    return tag;
  });
  const type = Buffer.alloc(2);
  type.writeUInt16BE(etherType, 0);
  return Buffer.concat([MAC_B, MAC_A, ...tags, type, payload]);
}

export function sll(protocol: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt16BE(0, 0); // packet type: to us
  header.writeUInt16BE(1, 2); // ARPHRD_ETHER
  header.writeUInt16BE(6, 4);
  MAC_A.copy(header, 6);
  header.writeUInt16BE(protocol, 14);
  return Buffer.concat([header, payload]);
}

export function sll2(protocol: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(20);
  header.writeUInt16BE(protocol, 0);
  header.writeUInt32BE(2, 4); // interface index
  header.writeUInt16BE(1, 8); // ARPHRD_ETHER
  header[10] = 0; // packet type
  header[11] = 6;
  MAC_A.copy(header, 12);
  return Buffer.concat([header, payload]);
}

/** BSD loopback header: the address family in host (`le`) or network order. */
export function nullHeader(family: number, payload: Buffer, littleEndian: boolean): Buffer {
  const header = Buffer.alloc(4);
  if (littleEndian) header.writeUInt32LE(family, 0);
  else header.writeUInt32BE(family, 0);
  return Buffer.concat([header, payload]);
}

// ---- capture files ----

export interface PcapRecordSpec {
  frame: Buffer;
  seconds: number;
  /** Microseconds or nanoseconds, by the file's magic. */
  fraction: number;
  length?: number;
}

export function pcapFile(records: PcapRecordSpec[], opts: { linkType: number; nanos?: boolean; bigEndian?: boolean; snapLength?: number }): Buffer {
  const be = opts.bigEndian === true;
  const u32 = (value: number): Buffer => {
    const b = Buffer.alloc(4);
    if (be) b.writeUInt32BE(value >>> 0, 0);
    else b.writeUInt32LE(value >>> 0, 0);
    return b;
  };
  const u16 = (value: number): Buffer => {
    const b = Buffer.alloc(2);
    if (be) b.writeUInt16BE(value, 0);
    else b.writeUInt16LE(value, 0);
    return b;
  };
  const parts: Buffer[] = [u32(opts.nanos ? 0xa1b23c4d : 0xa1b2c3d4), u16(2), u16(4), u32(0), u32(0), u32(opts.snapLength ?? 262144), u32(opts.linkType)];
  for (const r of records) {
    parts.push(u32(r.seconds), u32(r.fraction), u32(r.frame.length), u32(r.length ?? r.frame.length), r.frame);
  }
  return Buffer.concat(parts);
}

/** Writes pcapng blocks in one byte order. */
export class PcapngBuilder {
  private readonly parts: Buffer[] = [];

  constructor(private bigEndian = false) {}

  private u32(value: number): Buffer {
    const b = Buffer.alloc(4);
    if (this.bigEndian) b.writeUInt32BE(value >>> 0, 0);
    else b.writeUInt32LE(value >>> 0, 0);
    return b;
  }

  private u16(value: number): Buffer {
    const b = Buffer.alloc(2);
    if (this.bigEndian) b.writeUInt16BE(value, 0);
    else b.writeUInt16LE(value, 0);
    return b;
  }

  private option(code: number, value: Buffer): Buffer {
    const padded = Buffer.alloc((value.length + 3) & ~3);
    value.copy(padded);
    return Buffer.concat([this.u16(code), this.u16(value.length), padded]);
  }

  block(type: number, body: Buffer): this {
    const padded = Buffer.alloc((body.length + 3) & ~3);
    body.copy(padded);
    const total = 12 + padded.length;
    this.parts.push(this.u32(type), this.u32(total), padded, this.u32(total));
    return this;
  }

  /** Starts a section; `bigEndian` switches the byte order from here on. */
  section(bigEndian = this.bigEndian): this {
    this.bigEndian = bigEndian;
    const body = Buffer.concat([this.u32(0x1a2b3c4d), this.u16(1), this.u16(0), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])]);
    return this.block(0x0a0d0d0a, body);
  }

  /** `tsresol` raw option byte (e.g. 9 = ns, 0x80|10 = 2^-10 s); `tsoffset` seconds. */
  interface(linkType: number, opts: { snapLength?: number; tsresol?: number; tsoffset?: number } = {}): this {
    const options: Buffer[] = [];
    if (opts.tsresol !== undefined) options.push(this.option(9, Buffer.from([opts.tsresol])));
    if (opts.tsoffset !== undefined) {
      const v = Buffer.alloc(8);
      if (this.bigEndian) v.writeBigInt64BE(BigInt(opts.tsoffset), 0);
      else v.writeBigInt64LE(BigInt(opts.tsoffset), 0);
      options.push(this.option(14, v));
    }
    if (options.length > 0) options.push(this.u32(0));
    return this.block(1, Buffer.concat([this.u16(linkType), this.u16(0), this.u32(opts.snapLength ?? 262144), ...options]));
  }

  /** Enhanced packet block; `units` is the timestamp in the interface's resolution. */
  enhanced(interfaceId: number, units: bigint, frame: Buffer, length = frame.length): this {
    const high = Number(units >> 32n);
    const low = Number(units & 0xffffffffn);
    return this.block(6, Buffer.concat([this.u32(interfaceId), this.u32(high), this.u32(low), this.u32(frame.length), this.u32(length), frame]));
  }

  simple(frame: Buffer, length = frame.length): this {
    return this.block(3, Buffer.concat([this.u32(length), frame]));
  }

  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}
