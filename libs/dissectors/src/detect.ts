import { parseDnsDatagram } from './dns/dns-udp';
import { isRedisCommand } from './redis/redis-commands';

/**
 * Protocol detection from the first bytes one side of a TCP connection sent. Ports are
 * never consulted: services run anywhere. The result also says which side is the client,
 * because a capture that starts mid-connection does not know who opened it.
 */
export type TcpProtocolName = 'http' | 'redis' | 'dns';

export type Detection =
  | { kind: 'match'; protocol: TcpProtocolName; senderIsClient: boolean }
  /** Not enough bytes to decide yet. */
  | { kind: 'more' }
  | { kind: 'none' };

export interface DetectionContext {
  /** Whether the sender opened the connection (SYN seen), or null when roles are unknown. */
  senderOpened: boolean | null;
  /** Nothing was sent on the connection before these bytes. */
  firstOnConnection: boolean;
  /** Bytes we are willing to buffer before giving up. */
  maxBytes: number;
}

const MORE: Detection = { kind: 'more' };
const NONE: Detection = { kind: 'none' };
const HTTP_VERSION_PREFIX = Buffer.from('HTTP/1.');

export function detectTcp(data: Buffer, ctx: DetectionContext): Detection {
  if (data.length === 0) return MORE;
  const http = detectHttp(data, ctx);
  if (http.kind !== 'none') return http;
  const redis = detectRedis(data, ctx);
  if (redis.kind !== 'none') return redis;
  return detectDnsTcp(data, ctx);
}

function match(protocol: TcpProtocolName, senderIsClient: boolean, ctx: DetectionContext): Detection {
  // With the handshake seen, content that contradicts it is believed only for clear cases
  // (a request line, a DNS QR bit); a server never speaks first in these protocols.
  if (ctx.senderOpened === false && ctx.firstOnConnection) return NONE;
  return { kind: 'match', protocol, senderIsClient };
}

function detectHttp(data: Buffer, ctx: DetectionContext): Detection {
  const n = Math.min(data.length, HTTP_VERSION_PREFIX.length);
  let isResponse = true;
  for (let i = 0; i < n; i++) {
    if (data[i] !== HTTP_VERSION_PREFIX[i]) {
      isResponse = false;
      break;
    }
  }
  if (isResponse) {
    if (data.length < 12) return data.length >= ctx.maxBytes ? NONE : MORE;
    const minor = data[7];
    const digitsOk = data[8] === 0x20 && isDigit(data[9]) && isDigit(data[10]) && isDigit(data[11]);
    return (minor === 0x30 || minor === 0x31) && digitsOk ? match('http', false, ctx) : NONE;
  }
  // request-line: METHOD SP target SP HTTP/1.x CRLF
  let i = 0;
  while (i < data.length && i < 24 && ((data[i] >= 65 && data[i] <= 90) || data[i] === 45 || data[i] === 95)) i++;
  if (i === data.length) return i < 24 ? MORE : NONE;
  if (i === 0 || data[i] !== 0x20) return NONE;
  const lineEnd = data.indexOf(10, i);
  if (lineEnd < 0) {
    if (data.length >= ctx.maxBytes) return NONE;
    // Keep waiting only while the target has no control bytes.
    for (let k = i + 1; k < data.length; k++) if (data[k] < 0x20 && data[k] !== 13) return NONE;
    return MORE;
  }
  const end = data[lineEnd - 1] === 13 ? lineEnd - 1 : lineEnd;
  const tail = data.toString('latin1', Math.max(i, end - 9), end);
  if (tail !== ' HTTP/1.1' && tail !== ' HTTP/1.0') return NONE;
  return { kind: 'match', protocol: 'http', senderIsClient: true };
}

function detectRedis(data: Buffer, ctx: DetectionContext): Detection {
  const first = data[0];
  const lineEnd = data.indexOf(10);
  if (lineEnd < 0) {
    if (data.length >= 64 || !isRedisStartByte(first)) return NONE;
    return MORE;
  }
  if (data[lineEnd - 1] !== 13) return NONE; // RESP lines end in CRLF
  const line = data.toString('latin1', 0, lineEnd - 1);
  const rest = line.slice(1);
  switch (first) {
    case 0x2a: {
      // * array: a command (array of bulk strings with a known name) or an array reply
      if (rest === '-1' || rest === '0') return match('redis', false, ctx);
      if (!/^\d{1,7}$/.test(rest)) return NONE;
      const second = data.indexOf(10, lineEnd + 1);
      if (second < 0) return data.length >= 256 ? NONE : MORE;
      const header = data.toString('latin1', lineEnd + 1, second);
      const bulk = /^\$(\d{1,9})\r$/.exec(header);
      if (bulk === null) return /^[*+:$%~_,#(!=-]/.test(header) ? match('redis', false, ctx) : NONE;
      const length = Number(bulk[1]);
      if (data.length < second + 1 + length) return length > 64 ? decideArray(ctx, null) : MORE;
      const word = data.toString('latin1', second + 1, second + 1 + length);
      return decideArray(ctx, isRedisCommand(word));
    }
    case 0x2b: // + simple string
    case 0x2d: // - error
      return /^[\x20-\x7e]*$/.test(rest) && rest.length > 0 ? reply(ctx) : NONE;
    case 0x3a: // : integer
    case 0x28: // ( big number
      return /^-?\d{1,20}$/.test(rest) ? reply(ctx) : NONE;
    case 0x24: // $ bulk
    case 0x21: // ! bulk error
    case 0x3d: // = verbatim
      return /^(-1|\d{1,9})$/.test(rest) ? reply(ctx) : NONE;
    case 0x25: // % map
    case 0x7e: // ~ set
    case 0x3e: // > push
    case 0x7c: // | attribute
      return /^\d{1,7}$/.test(rest) ? reply(ctx) : NONE;
    case 0x5f: // _ null
      return rest === '' ? reply(ctx) : NONE;
    case 0x2c: // , double
      return /^([-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?|inf|-inf|nan)$/.test(rest) ? reply(ctx) : NONE;
    case 0x23: // # boolean
      return rest === 't' || rest === 'f' ? reply(ctx) : NONE;
    default: {
      // An inline command typed by hand: `PING`, `GET key`.
      const word = line.split(' ', 1)[0];
      if (!/^[A-Za-z][A-Za-z._]*$/.test(word) || !isRedisCommand(word)) return NONE;
      if (ctx.senderOpened === false) return NONE;
      return { kind: 'match', protocol: 'redis', senderIsClient: true };
    }
  }
}

/** A command array names a known command; otherwise it is a reply unless the handshake says client. */
function decideArray(ctx: DetectionContext, knownCommand: boolean | null): Detection {
  if (knownCommand === true) return { kind: 'match', protocol: 'redis', senderIsClient: true };
  if (ctx.senderOpened === true) return { kind: 'match', protocol: 'redis', senderIsClient: true };
  return reply(ctx);
}

/** Reply-shaped bytes: the sender is the server, which a client never is. */
function reply(ctx: DetectionContext): Detection {
  if (ctx.senderOpened === true) return NONE;
  return match('redis', false, ctx);
}

function isRedisStartByte(b: number): boolean {
  return b === 0x2a || b === 0x2b || b === 0x2d || b === 0x3a || b === 0x24 || b === 0x5f || b === 0x2c || b === 0x23 ||
    b === 0x21 || b === 0x3d || b === 0x28 || b === 0x25 || b === 0x7e || b === 0x3e || b === 0x7c ||
    (b >= 65 && b <= 90) || (b >= 97 && b <= 122);
}

function detectDnsTcp(data: Buffer, ctx: DetectionContext): Detection {
  if (data.length < 2) return MORE;
  const length = data.readUInt16BE(0);
  if (length < 17) return NONE;
  if (data.length < length + 2) {
    if (length + 2 > ctx.maxBytes) return NONE;
    // Header plausibility first, so other protocols (TLS: 16 03 …) are not held waiting.
    return data.length < 14 || plausibleDnsHeader(data.subarray(2), length) ? MORE : NONE;
  }
  const message = parseDnsDatagram(data.subarray(2, 2 + length));
  if (message === null) return NONE;
  // The QR bit says who sent it, whatever the handshake said.
  return { kind: 'match', protocol: 'dns', senderIsClient: !message.isResponse };
}

/** The 12-byte header of a message of `length` bytes could be DNS. */
function plausibleDnsHeader(header: Buffer, length: number): boolean {
  const flags = header.readUInt16BE(2);
  const opcode = (flags >> 11) & 0xf;
  const isResponse = (flags & 0x8000) !== 0;
  if (opcode === 3 || opcode > 6 || (flags & 0x0040) !== 0) return false; // unassigned opcodes, Z bit
  const qd = header.readUInt16BE(4);
  const an = header.readUInt16BE(6);
  const ns = header.readUInt16BE(8);
  const ar = header.readUInt16BE(10);
  if (qd === 0 || qd > 16) return false;
  if (!isResponse && opcode === 0 && ((flags & 0x000f) !== 0 || an !== 0)) return false; // a query carries no rcode or answers
  return 12 + qd * 5 + (an + ns + ar) * 11 <= length;
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}
