import { utf8Text } from '../buffer-text';

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

/**
 * Parses `buf[start, end)`, which holds the whole head including its terminating blank line.
 * Throws HttpHeadError on anything that is not an HTTP/1.x head.
 */
export function parseHttpHead(buf: Buffer, start: number, end: number): HttpHead {
  // UTF-8 decoding has an ASCII fast path (faster than latin1 here) and keeps UTF-8 values right.
  const text = utf8Text(buf, start, end);

  let lineEnd = text.indexOf('\n');
  if (lineEnd < 0) throw new HttpHeadError('no line end in head');
  const startLine = text.charCodeAt(lineEnd - 1) === 13 ? text.slice(0, lineEnd - 1) : text.slice(0, lineEnd);

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

  if (startLine.startsWith('HTTP/1.')) {
    // status-line = HTTP-version SP status-code SP [ reason-phrase ]
    if (startLine.length < 12 || startLine.charCodeAt(8) !== 32) throw new HttpHeadError(`bad status line: ${clip(startLine)}`);
    const minor = startLine.charCodeAt(7);
    if (minor !== 48 && minor !== 49) throw new HttpHeadError(`unsupported HTTP version: ${clip(startLine)}`);
    const status = parseStatusCode(startLine, 9);
    if (status < 0) throw new HttpHeadError(`bad status code: ${clip(startLine)}`);
    head.httpVersion = minor === 49 ? 'HTTP/1.1' : 'HTTP/1.0';
    head.status = status;
    head.statusText = startLine.length > 13 ? startLine.slice(13) : '';
  } else {
    // request-line = method SP request-target SP HTTP-version
    const sp1 = startLine.indexOf(' ');
    const sp2 = startLine.lastIndexOf(' ');
    if (sp1 <= 0 || sp2 <= sp1 + 1) throw new HttpHeadError(`bad request line: ${clip(startLine)}`);
    const method = startLine.slice(0, sp1);
    if (!KNOWN_METHODS.has(method) && !TOKEN_RE.test(method)) throw new HttpHeadError(`bad method: ${clip(startLine)}`);
    const version = startLine.length - sp2 === 9 && startLine.startsWith('HTTP/1.', sp2 + 1) ? startLine.charCodeAt(sp2 + 8) : 0;
    if (version !== 49 && version !== 48) throw new HttpHeadError(`unsupported HTTP version: ${clip(startLine)}`);
    head.isRequest = true;
    head.method = method;
    head.target = startLine.slice(sp1 + 1, sp2);
    head.httpVersion = version === 49 ? 'HTTP/1.1' : 'HTTP/1.0';
  }

  const headers = head.headers;
  let lastName = '';
  let pos = lineEnd + 1;
  const length = text.length;
  while (pos < length) {
    lineEnd = text.indexOf('\n', pos);
    if (lineEnd < 0) lineEnd = length;
    const contentEnd = lineEnd > pos && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
    if (contentEnd === pos) break; // the blank line
    const first = text.charCodeAt(pos);
    if ((first === 32 || first === 9) && lastName !== '') {
      // obs-fold: continuation of the previous field value
      headers[lastName] += ' ' + text.slice(pos, contentEnd).trim();
      noteFramingHeader(head, lastName, headers[lastName]);
    } else {
      const colon = text.indexOf(':', pos);
      if (colon < 0 || colon >= contentEnd || colon === pos) {
        throw new HttpHeadError(`bad header line: ${clip(text.slice(pos, contentEnd))}`);
      }
      let nameEnd = colon;
      while (nameEnd > pos && isBlank(text.charCodeAt(nameEnd - 1))) nameEnd--;
      const name = canonicalHeaderName(text.slice(pos, nameEnd));
      let valueStart = colon + 1;
      let valueEnd = contentEnd;
      while (valueStart < valueEnd && isBlank(text.charCodeAt(valueStart))) valueStart++;
      while (valueEnd > valueStart && isBlank(text.charCodeAt(valueEnd - 1))) valueEnd--;
      const value = text.slice(valueStart, valueEnd);
      const previous = headers[name];
      const joined = previous === undefined ? value : previous + (name === 'Set-Cookie' ? '\n' : ', ') + value;
      headers[name] = joined;
      noteFramingHeader(head, name, joined);
      lastName = name;
    }
    pos = lineEnd + 1;
  }
  return head;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/** Reads the fields that decide framing and semantics as they are parsed, so later code does no lookups. */
function noteFramingHeader(head: HttpHead, name: string, value: string): void {
  switch (name.length) {
    case 6:
      if (name === 'Expect') head.expectContinue = value.toLowerCase() === '100-continue';
      return;
    case 7:
      if (name === 'Upgrade') head.upgrade = head.upgrade || head.headers['Connection']?.toLowerCase().includes('upgrade') === true;
      return;
    case 10:
      if (name === 'Connection') {
        const lower = value.toLowerCase();
        head.connectionClose = lower.includes('close');
        head.keepAlive = lower.includes('keep-alive');
        head.upgrade = lower.includes('upgrade') && head.headers['Upgrade'] !== undefined;
      }
      return;
    case 12:
      if (name === 'Content-Type') head.contentType = value;
      return;
    case 14:
      if (name === 'Content-Length') {
        // Repeated identical values ("10, 10") are allowed; anything else is invalid.
        const comma = value.indexOf(',');
        const first = comma < 0 ? value : value.slice(0, comma).trim();
        head.contentLength = isDecimal(first) ? Number(first) : -1;
      }
      return;
    case 16:
      if (name === 'Content-Encoding') head.contentEncoding = value.trim().toLowerCase();
      return;
    case 17:
      if (name === 'Transfer-Encoding') {
        const codings = value.toLowerCase().split(',').map((c) => c.trim()).filter((c) => c !== '');
        head.chunked = codings.length > 0 && codings[codings.length - 1] === 'chunked';
        head.otherTransferEncoding = !head.chunked && codings.length > 0;
      }
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

function parseStatusCode(line: string, at: number): number {
  let code = 0;
  for (let i = at; i < at + 3; i++) {
    const c = line.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    code = code * 10 + c;
  }
  const after = line.charCodeAt(at + 3);
  if (!Number.isNaN(after) && after !== 32) return -1;
  return code;
}

function clip(text: string): string {
  return JSON.stringify(text.length > 80 ? text.slice(0, 80) + '…' : text);
}
