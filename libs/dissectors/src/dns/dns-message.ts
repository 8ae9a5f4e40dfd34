import type { DnsQuestion, DnsResourceRecord } from '@wirehook/contracts';

/** A whole DNS message (RFC 1035 §4), as the dissector needs it. */
export interface DnsMessage {
  id: number;
  isResponse: boolean;
  opCode: string;
  authoritative: boolean;
  truncated: boolean;
  recursionDesired: boolean;
  recursionAvailable: boolean;
  /** Response code name: NOERROR, NXDOMAIN, … (RCODEn when unknown). */
  code: string;
  questions: DnsQuestion[];
  answers: DnsResourceRecord[];
  authorities: DnsResourceRecord[];
  additionals: DnsResourceRecord[];
}

export class DnsParseError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at byte ${offset}`);
  }
}

const OPCODES = ['QUERY', 'IQUERY', 'STATUS', 'OPCODE3', 'NOTIFY', 'UPDATE', 'DSO'];
const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE', 'DSOTYPENI'];

const TYPES: Record<number, string> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 13: 'HINFO', 15: 'MX', 16: 'TXT', 17: 'RP', 18: 'AFSDB',
  24: 'SIG', 25: 'KEY', 28: 'AAAA', 29: 'LOC', 33: 'SRV', 35: 'NAPTR', 36: 'KX', 37: 'CERT', 39: 'DNAME', 41: 'OPT',
  42: 'APL', 43: 'DS', 44: 'SSHFP', 45: 'IPSECKEY', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY', 49: 'DHCID', 50: 'NSEC3',
  51: 'NSEC3PARAM', 52: 'TLSA', 53: 'SMIMEA', 55: 'HIP', 59: 'CDS', 60: 'CDNSKEY', 61: 'OPENPGPKEY', 62: 'CSYNC',
  63: 'ZONEMD', 64: 'SVCB', 65: 'HTTPS', 99: 'SPF', 108: 'EUI48', 109: 'EUI64', 249: 'TKEY', 250: 'TSIG', 251: 'IXFR',
  252: 'AXFR', 253: 'MAILB', 254: 'MAILA', 255: 'ANY', 256: 'URI', 257: 'CAA', 32768: 'TA', 32769: 'DLV',
};
const CLASSES: Record<number, string> = { 1: 'IN', 3: 'CH', 4: 'HS', 254: 'NONE', 255: 'ANY' };

export function typeName(type: number): string {
  return TYPES[type] ?? `TYPE${type}`;
}

export function className(cls: number): string {
  return CLASSES[cls] ?? `CLASS${cls}`;
}

const MAX_RECORDS = 4096;
/** Pointers followed while reading one name; more means a loop. */
const MAX_POINTER_HOPS = 64;

/** Parses `buf[start, end)` as one DNS message. Throws DnsParseError on malformed input. */
export function parseDnsMessage(buf: Buffer, start = 0, end = buf.length): DnsMessage {
  const msg = buf.subarray(start, end);
  if (msg.length < 12) throw new DnsParseError('message shorter than the 12-byte header', start + msg.length);
  const flags = msg.readUInt16BE(2);
  const counts = [msg.readUInt16BE(4), msg.readUInt16BE(6), msg.readUInt16BE(8), msg.readUInt16BE(10)];
  // Each question takes >= 5 bytes and each record >= 11: counts beyond that are not DNS.
  if (counts[0] * 5 + (counts[1] + counts[2] + counts[3]) * 11 > msg.length - 12) {
    throw new DnsParseError('section counts exceed the message length', start + 4);
  }
  const reader = new Reader(msg);
  reader.pos = 12;
  const questions: DnsQuestion[] = [];
  for (let i = 0; i < counts[0]; i++) {
    const name = reader.name();
    const type = reader.u16();
    const cls = reader.u16();
    questions.push({ name, type: typeName(type), class: className(cls & 0x7fff) });
  }
  const answers = readRecords(reader, counts[1]);
  const authorities = readRecords(reader, counts[2]);
  const additionals = readRecords(reader, counts[3]);
  return {
    id: msg.readUInt16BE(0),
    isResponse: (flags & 0x8000) !== 0,
    opCode: OPCODES[(flags >> 11) & 0xf] ?? `OPCODE${(flags >> 11) & 0xf}`,
    authoritative: (flags & 0x0400) !== 0,
    truncated: (flags & 0x0200) !== 0,
    recursionDesired: (flags & 0x0100) !== 0,
    recursionAvailable: (flags & 0x0080) !== 0,
    code: RCODES[flags & 0xf] ?? `RCODE${flags & 0xf}`,
    questions,
    answers,
    authorities,
    additionals,
  };
}

function readRecords(reader: Reader, count: number): DnsResourceRecord[] {
  const records: DnsResourceRecord[] = [];
  if (count > MAX_RECORDS) throw new DnsParseError(`more than ${MAX_RECORDS} records`, reader.pos);
  for (let i = 0; i < count; i++) records.push(readRecord(reader));
  return records;
}

function readRecord(reader: Reader): DnsResourceRecord {
  const name = reader.name();
  const type = reader.u16();
  const cls = reader.u16();
  const ttl = reader.u32();
  const length = reader.u16();
  const rdataStart = reader.pos;
  const rdataEnd = rdataStart + length;
  if (rdataEnd > reader.buf.length) throw new DnsParseError(`RDATA of ${length} bytes runs past the end`, rdataStart);
  // OPT (EDNS) reuses CLASS as the UDP payload size: not a class.
  const record: DnsResourceRecord = { name, type: typeName(type), class: type === 41 ? `UDP${cls}` : className(cls), ttl };
  const r = reader.view(rdataEnd);
  switch (type) {
    case 1:
      if (length !== 4) throw new DnsParseError('A record RDATA is not 4 bytes', rdataStart);
      record.ip = `${r.u8()}.${r.u8()}.${r.u8()}.${r.u8()}`;
      break;
    case 28:
      if (length !== 16) throw new DnsParseError('AAAA record RDATA is not 16 bytes', rdataStart);
      record.ip = ipv6Text(reader.buf, rdataStart);
      break;
    case 5:
      record.cname = r.name();
      break;
    case 2:
      record.ns = r.name();
      break;
    case 12:
      record.ptr = r.name();
      break;
    case 15:
      record.preference = r.u16();
      record.mx = r.name();
      break;
    case 16: {
      const txts: string[] = [];
      while (r.pos < rdataEnd) {
        const n = r.u8();
        txts.push(r.bytes(n).toString('utf8'));
      }
      record.txts = txts;
      break;
    }
    case 33:
      record.srv = { priority: r.u16(), weight: r.u16(), port: r.u16(), target: r.name() };
      break;
    case 6:
      record.soa = { mname: r.name(), rname: r.name(), serial: r.u32(), refresh: r.u32(), retry: r.u32(), expire: r.u32(), minimum: r.u32() };
      break;
    default:
      record.data = reader.buf.toString('hex', rdataStart, rdataEnd);
  }
  reader.pos = rdataEnd;
  return record;
}

/** Bounds-checked reads over one message; names may point anywhere earlier in it. */
class Reader {
  pos = 0;

  constructor(
    readonly buf: Buffer,
    private readonly limit = buf.length,
  ) {}

  /** A reader over the same message that may not read past `limit` (one record's RDATA). */
  view(limit: number): Reader {
    const r = new Reader(this.buf, limit);
    r.pos = this.pos;
    return r;
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A domain name with compression (RFC 1035 §4.1.4); pointers must go backwards, hops are capped. */
  name(): string {
    const labels: string[] = [];
    let pos = this.pos;
    let resumeAt = -1;
    let hops = 0;
    let total = 0;
    for (;;) {
      if (pos >= this.buf.length || (resumeAt < 0 && pos >= this.limit)) throw new DnsParseError('name runs past the end', pos);
      const len = this.buf[pos];
      if (len === 0) {
        pos++;
        break;
      }
      const kind = len & 0xc0;
      if (kind === 0xc0) {
        if (pos + 1 >= this.buf.length || (resumeAt < 0 && pos + 1 >= this.limit)) throw new DnsParseError('compression pointer cut', pos);
        const target = ((len & 0x3f) << 8) | this.buf[pos + 1];
        if (resumeAt < 0) resumeAt = pos + 2;
        if (target >= pos || ++hops > MAX_POINTER_HOPS) throw new DnsParseError('compression pointer loop', pos);
        pos = target;
        continue;
      }
      if (kind !== 0) throw new DnsParseError(`unsupported label type 0x${kind.toString(16)}`, pos);
      const labelEnd = pos + 1 + len;
      if (labelEnd > this.buf.length || (resumeAt < 0 && labelEnd > this.limit)) throw new DnsParseError('label runs past the end', pos);
      total += len + 1;
      if (total > 255) throw new DnsParseError('name longer than 255 bytes', pos);
      labels.push(labelText(this.buf, pos + 1, labelEnd));
      pos = labelEnd;
    }
    this.pos = resumeAt >= 0 ? resumeAt : pos;
    return labels.length === 0 ? '<Root>' : labels.join('.');
  }

  private need(n: number): void {
    if (this.pos + n > this.limit) throw new DnsParseError(`needs ${n} more bytes`, this.pos);
  }
}

/** Printable ASCII as is; dots and other bytes escaped as in zone files (`\.`, `\DDD`). */
function labelText(buf: Buffer, start: number, end: number): string {
  let plain = true;
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c <= 32 || c >= 127 || c === 46 || c === 92) {
      plain = false;
      break;
    }
  }
  if (plain) return buf.toString('latin1', start, end);
  let out = '';
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c === 46 || c === 92) out += '\\' + String.fromCharCode(c);
    else if (c <= 32 || c >= 127) out += '\\' + String(c).padStart(3, '0');
    else out += String.fromCharCode(c);
  }
  return out;
}

/** RFC 5952 text: lowercase, longest run of zero groups as `::`. */
export function ipv6Text(buf: Buffer, at: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(buf.readUInt16BE(at + i * 2));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
