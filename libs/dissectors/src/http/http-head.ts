import { utf8Text } from '../buffer-text';
import { StringCache, sameBytes } from '../string-cache';

/** Parses the head (start line + header fields) of an HTTP/1.x message from bytes. */

export interface HttpHead {
  isRequest: boolean;
  /** Request only. */
  method: string;
  /** Request target as sent (origin-form, absolute-form, `*`, authority-form). */
  target: string;
  /** Response only. */
  status: number;
  statusText: string;
  /** `HTTP/1.0` or `HTTP/1.1`. */
  httpVersion: string;
  /** Header fields with canonical names (`Content-Type`); repeats joined by `, ` (Set-Cookie by `\n`). */
  headers: Record<string, string>;
  /** -1 when absent or invalid. */
  contentLength: number;
  chunked: boolean;
  /** Some Transfer-Encoding other than just chunked (framing then runs to close for responses). */
  otherTransferEncoding: boolean;
  connectionClose: boolean;
  keepAlive: boolean;
  expectContinue: boolean;
  upgrade: boolean;
  contentType: string;
  contentEncoding: string;
  /** Bytes of the head including the blank line. */
  size: number;
}

export class HttpHeadError extends Error {}

const canonicalNames = new Map<string, string>();
const MAX_CANONICAL_CACHE = 2048;

/** Go's CanonicalMIMEHeaderKey: `content-type` → `Content-Type`, as Kubeshark agents expect. */
export function canonicalHeaderName(raw: string): string {
  const cached = canonicalNames.get(raw);
  if (cached !== undefined) return cached;
  let out = '';
  let upper = true;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    out += upper ? ch.toUpperCase() : ch.toLowerCase();
    upper = ch === '-';
  }
  if (canonicalNames.size < MAX_CANONICAL_CACHE) canonicalNames.set(raw, out);
  return out;
}

const TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Known request methods, checked first so the common case skips the token regex. */
const KNOWN_METHODS = new Set([
  'GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT',
  'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'REPORT', 'SEARCH', 'PURGE',
]);

export function isKnownMethod(method: string): boolean {
  return KNOWN_METHODS.has(method);
}

/** Header fields whose values decide framing or semantics, recognised once per distinct name. */
const enum Field {
  Other,
  Expect,
  Upgrade,
  Connection,
  ContentType,
  ContentLength,
  ContentEncoding,
  TransferEncoding,
  SetCookie,
}

function fieldOf(canonical: string): Field {
  switch (canonical) {
    case 'Expect':
      return Field.Expect;
    case 'Upgrade':
      return Field.Upgrade;
    case 'Connection':
      return Field.Connection;
    case 'Content-Type':
      return Field.ContentType;
    case 'Content-Length':
      return Field.ContentLength;
    case 'Content-Encoding':
      return Field.ContentEncoding;
    case 'Transfer-Encoding':
      return Field.TransferEncoding;
    case 'Set-Cookie':
      return Field.SetCookie;
    default:
      return Field.Other;
  }
}

/** A field name as sent (`raw`), its canonical form and what it means to the parser. */
class HeaderName {
  constructor(
    readonly raw: string,
    readonly canonical: string,
    readonly field: Field,
    /** Shared by every spelling of the name (`host`, `Host`): whether this head has set it yet. */
    readonly seen: SeenMark,
  ) {}
}

/**
 * `head === heads` when the current head has set the field: a repeated field is then joined,
 * and the usual first occurrence needs no lookup in the (megamorphic) headers object.
 */
class SeenMark {
  head = 0;
}

/** Heads parsed so far (wrapping): the value SeenMark.head is compared with. */
let heads = 0;
const seenMarks = new Map<string, SeenMark>();
const MAX_SEEN_MARKS = 4096;

function seenMarkFor(canonical: string): SeenMark {
  let mark = seenMarks.get(canonical);
  if (mark === undefined) {
    mark = new SeenMark();
    seenMarks.set(canonical, mark);
  }
  return mark;
}

/**
 * Starts a head. The marks are bounded between heads: past the cap they are all dropped, with
 * the cached names holding them, so every spelling of a name keeps sharing one mark.
 */
function nextHead(): number {
  if (seenMarks.size >= MAX_SEEN_MARKS) {
    seenMarks.clear();
    names.fill(EMPTY_NAME);
  }
  heads = (heads + 1) | 0;
  return heads;
}

const NAME_SLOTS = 1024;
const MAX_CACHED_NAME = 64;
const EMPTY_NAME = new HeaderName('', '', Field.Other, new SeenMark());
/** Direct-mapped like StringCache, but keeping the canonical name and field with the raw name. */
const names: HeaderName[] = new Array<HeaderName>(NAME_SLOTS).fill(EMPTY_NAME);

function headerName(buf: Buffer, start: number, end: number, hash: number): HeaderName {
  const length = end - start;
  const slot = hash & (NAME_SLOTS - 1);
  const cached = names[slot];
  if (cached.raw.length === length && sameBytes(cached.raw, buf, start, length)) return cached;
  const raw = utf8Text(buf, start, end);
  const canonical = canonicalHeaderName(raw);
  const name = new HeaderName(raw, canonical, fieldOf(canonical), seenMarkFor(canonical));
  if (length <= MAX_CACHED_NAME && raw.length === length) names[slot] = name;
  return name;
}

/** Values, request targets, methods and reason phrases. */
const values = new StringCache(12, 256);

const CR = 13;
const LF = 10;
const SP = 32;
const TAB = 9;
const COLON = 58;

/**
 * Parses `buf[start, end)`, which holds the whole head including its terminating blank line.
 * Throws HttpHeadError on anything that is not an HTTP/1.x head.
 *
 * Works on the bytes: only field values (and the start line's parts) become strings, each through
 * the string cache, so a head that repeats earlier ones allocates no text. Decoding each part
 * alone gives the same text as decoding the whole head: UTF-8 never folds an ASCII delimiter
 * into a neighbouring sequence.
 */
export function parseHttpHead(buf: Buffer, start: number, end: number): HttpHead {
  return parseHead(buf, start, end, false) as HttpHead;
}

/**
 * The head that starts at `start` and ends within `buf[start, limit)` with CR LF CR LF, found while
 * parsing it (one pass over the bytes instead of a search for its end, then a parse); null when
 * there is none, it ends otherwise (bare LFs), or it does not parse: the caller then takes the
 * general way, which decides those cases as before.
 */
export function parseHttpHeadAt(buf: Buffer, start: number, limit: number): HttpHead | null {
  try {
    return parseHead(buf, start, limit, true);
  } catch (error) {
    if (error instanceof HttpHeadError) return null;
    throw error;
  }
}

/** `open`: `end` only bounds the search, the head ends at its first blank line (see parseHttpHeadAt). */
function parseHead(buf: Buffer, start: number, end: number, open: boolean): HttpHead | null {
  let lf = start;
  while (lf < end && buf[lf] !== LF) lf++;
  if (lf >= end) throw new HttpHeadError('no line end in head');
  const lineEnd = lf > start && buf[lf - 1] === CR ? lf - 1 : lf;

  const head: HttpHead = {
    isRequest: false,
    method: '',
    target: '',
    status: 0,
    statusText: '',
    httpVersion: '',
    headers: {},
    contentLength: -1,
    chunked: false,
    otherTransferEncoding: false,
    connectionClose: false,
    keepAlive: false,
    expectContinue: false,
    upgrade: false,
    contentType: '',
    contentEncoding: '',
    size: end - start,
  };

  if (isHttp1(buf, start, lineEnd)) {
    // status-line = HTTP-version SP status-code SP [ reason-phrase ]
    const lineLength = lineEnd - start;
    if (lineLength < 12 || buf[start + 8] !== SP) throw new HttpHeadError(`bad status line: ${lineText(buf, start, lineEnd)}`);
    const minor = buf[start + 7];
    if (minor !== 48 && minor !== 49) throw new HttpHeadError(`unsupported HTTP version: ${lineText(buf, start, lineEnd)}`);
    const status = parseStatusCode(buf, start + 9, lineEnd);
    if (status < 0) throw new HttpHeadError(`bad status code: ${lineText(buf, start, lineEnd)}`);
    head.httpVersion = minor === 49 ? 'HTTP/1.1' : 'HTTP/1.0';
    head.status = status;
    if (lineLength > 13) head.statusText = values.get(buf, start + 13, lineEnd, sampleHash(buf, start + 13, lineEnd) ^ status);
  } else {
    // request-line = method SP request-target SP HTTP-version
    let sp1 = start;
    while (sp1 < lineEnd && buf[sp1] !== SP) sp1++;
    let sp2 = lineEnd - 1;
    while (sp2 >= start && buf[sp2] !== SP) sp2--;
    if (sp1 >= lineEnd || sp1 === start || sp2 <= sp1 + 1) throw new HttpHeadError(`bad request line: ${lineText(buf, start, lineEnd)}`);
    let method = commonMethod(buf, start, sp1);
    if (method === '') {
      method = values.get(buf, start, sp1, sampleHash(buf, start, sp1));
      if (!KNOWN_METHODS.has(method) && !TOKEN_RE.test(method)) throw new HttpHeadError(`bad method: ${lineText(buf, start, lineEnd)}`);
    }
    const version = lineEnd - sp2 === 9 && isHttp1(buf, sp2 + 1, lineEnd) ? buf[sp2 + 8] : 0;
    if (version !== 49 && version !== 48) throw new HttpHeadError(`unsupported HTTP version: ${lineText(buf, start, lineEnd)}`);
    head.isRequest = true;
    head.method = method;
    head.target = values.get(buf, sp1 + 1, sp2, sampleHash(buf, sp1 + 1, sp2));
    head.httpVersion = version === 49 ? 'HTTP/1.1' : 'HTTP/1.0';
  }

  const headers = head.headers;
  const headId = nextHead();
  let last: HeaderName | null = null;
  let blankLine = -1;
  let blankLf = -1;
  let pos = lf + 1;
  while (pos < end) {
    // The first colon, then the line end. No hashing here: a running hash over every byte is
    // a serial multiply chain, several times the cost of the scan; the caches sample a few bytes.
    let i = pos;
    for (; i < end; i++) {
      const c = buf[i];
      if (c === COLON || c === LF) break;
    }
    const colon = i < end && buf[i] === COLON ? i : -1;
    for (; i < end; i++) if (buf[i] === LF) break;
    const lineEnd = i;
    const contentEnd = i > pos && buf[i - 1] === CR ? i - 1 : i;
    if (contentEnd === pos) {
      // The blank line.
      blankLine = pos;
      blankLf = i;
      break;
    }
    const first = buf[pos];
    // obs-fold: continuation of the previous field value (a field with an empty name, from a
    // line like ` : x`, takes none).
    if ((first === SP || first === TAB) && last !== null && last.canonical !== '') {
      const key = last.canonical;
      headers[key] += ' ' + utf8Text(buf, pos, contentEnd).trim();
      noteField(head, last.field, headers[key]);
      pos = lineEnd + 1;
      continue;
    }
    if (colon < 0 || colon >= contentEnd || colon === pos) {
      throw new HttpHeadError(`bad header line: ${lineText(buf, pos, contentEnd)}`);
    }
    let nameEnd = colon;
    while (nameEnd > pos && isBlank(buf[nameEnd - 1])) nameEnd--;
    const name = headerName(buf, pos, nameEnd, sampleHash(buf, pos, nameEnd));
    let valueStart = colon + 1;
    let valueEnd = contentEnd;
    while (valueStart < valueEnd && isBlank(buf[valueStart])) valueStart++;
    while (valueEnd > valueStart && isBlank(buf[valueEnd - 1])) valueEnd--;
    const value = values.get(buf, valueStart, valueEnd, sampleHash(buf, valueStart, valueEnd));

    const key = name.canonical;
    const mark = name.seen;
    const previous = mark.head === headId ? headers[key] : undefined;
    mark.head = headId;
    const joined = previous === undefined ? value : previous + (name.field === Field.SetCookie ? '\n' : ', ') + value;
    headers[key] = joined;
    if (name.field !== Field.Other) noteField(head, name.field, joined);
    last = name;
    pos = lineEnd + 1;
  }
  if (open) {
    // Only CR LF CR LF here, the ending the general search (findHeadEnd) takes first.
    const crlf = blankLf < end && blankLf === blankLine + 1 && buf[blankLine] === CR && buf[blankLine - 1] === LF && buf[blankLine - 2] === CR;
    if (blankLf < 0 || !crlf) return null;
    head.size = blankLf + 1 - start;
  }
  return head;
}

/** The most common methods straight from the bytes (no lookup, no string made); '' for the others. */
function commonMethod(buf: Buffer, start: number, end: number): string {
  switch (end - start) {
    case 3:
      if (buf[start + 1] === 69 && buf[start + 2] === 84) return buf[start] === 71 ? 'GET' : '';
      return buf[start] === 80 && buf[start + 1] === 85 && buf[start + 2] === 84 ? 'PUT' : '';
    case 4:
      if (buf[start] === 80 && buf[start + 1] === 79 && buf[start + 2] === 83 && buf[start + 3] === 84) return 'POST';
      return buf[start] === 72 && buf[start + 1] === 69 && buf[start + 2] === 65 && buf[start + 3] === 68 ? 'HEAD' : '';
    default:
      return '';
  }
}

function isBlank(c: number): boolean {
  return c === SP || c === TAB;
}

/** `buf[start, end)` begins with `HTTP/1.`. */
function isHttp1(buf: Buffer, start: number, end: number): boolean {
  return (
    end - start >= 7 &&
    buf[start] === 72 && buf[start + 1] === 84 && buf[start + 2] === 84 && buf[start + 3] === 80 &&
    buf[start + 4] === 47 && buf[start + 5] === 49 && buf[start + 6] === 46
  );
}

/**
 * A cache key from the length and five bytes of `buf[start, end)`: constant time, and distinct
 * enough for the direct-mapped caches, whose hits are verified byte for byte anyway.
 */
function sampleHash(buf: Buffer, start: number, end: number): number {
  const length = end - start;
  if (length <= 0) return 0;
  const h = (length * 31 + buf[start]) * 31 + buf[end - 1];
  const m = buf[start + (length >> 1)] * 961 + buf[start + (length >> 2)] * 31 + buf[end - 1 - (length >> 2)];
  const x = Math.imul(h ^ (m << 7), 0x9e3779b1);
  return x ^ (x >>> 16);
}

/** The last Connection value seen and its tokens (1 close, 2 keep-alive, 4 upgrade). */
let lastConnection = '';
let connectionTokens = 0;
/** The last Content-Length text and its value. */
let lastContentLengthText = '';
let lastContentLength = -1;

/** Reads the fields that decide framing and semantics as they are parsed, so later code does no lookups. */
function noteField(head: HttpHead, field: Field, value: string): void {
  switch (field) {
    case Field.Expect:
      head.expectContinue = value.toLowerCase() === '100-continue';
      return;
    case Field.Upgrade:
      head.upgrade = head.upgrade || head.headers['Connection']?.toLowerCase().includes('upgrade') === true;
      return;
    case Field.Connection: {
      // Values come from the string cache: the same `keep-alive` string object, message after message.
      if (value !== lastConnection) {
        const lower = value.toLowerCase();
        lastConnection = value;
        connectionTokens = (lower.includes('close') ? 1 : 0) | (lower.includes('keep-alive') ? 2 : 0) | (lower.includes('upgrade') ? 4 : 0);
      }
      head.connectionClose = (connectionTokens & 1) !== 0;
      head.keepAlive = (connectionTokens & 2) !== 0;
      head.upgrade = (connectionTokens & 4) !== 0 && head.headers['Upgrade'] !== undefined;
      return;
    }
    case Field.ContentType:
      head.contentType = value;
      return;
    case Field.ContentLength: {
      if (value !== lastContentLengthText) {
        // Repeated identical values ("10, 10") are allowed; anything else is invalid.
        const comma = value.indexOf(',');
        const first = comma < 0 ? value : value.slice(0, comma).trim();
        lastContentLengthText = value;
        lastContentLength = isDecimal(first) ? Number(first) : -1;
      }
      head.contentLength = lastContentLength;
      return;
    }
    case Field.ContentEncoding:
      head.contentEncoding = value.trim().toLowerCase();
      return;
    case Field.TransferEncoding: {
      const codings = value.toLowerCase().split(',').map((c) => c.trim()).filter((c) => c !== '');
      head.chunked = codings.length > 0 && codings[codings.length - 1] === 'chunked';
      head.otherTransferEncoding = !head.chunked && codings.length > 0;
      return;
    }
    default:
      return;
  }
}

function isDecimal(text: string): boolean {
  if (text.length === 0 || text.length > 15) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Three digits at `at`, followed by SP or the end of the line; -1 otherwise. */
function parseStatusCode(buf: Buffer, at: number, lineEnd: number): number {
  let code = 0;
  for (let i = at; i < at + 3; i++) {
    const c = buf[i] - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    code = code * 10 + c;
  }
  if (at + 3 < lineEnd && buf[at + 3] !== SP) return -1;
  return code;
}

/** A line for an error message: decoded, quoted and clipped. */
function lineText(buf: Buffer, start: number, end: number): string {
  const text = utf8Text(buf, start, end);
  return JSON.stringify(text.length > 80 ? text.slice(0, 80) + '…' : text);
}
