import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import type { HttpRequest, HttpResponse, Item } from '@wirehook/contracts';
import { Harness, chunked, http } from './support/driver';

const GET = (path: string, extra: string[] = []): Buffer => http([`GET ${path} HTTP/1.1`, 'Host: shop.test', ...extra]);
const OK = (body: string, extra: string[] = []): Buffer =>
  http(['HTTP/1.1 200 OK', 'Content-Type: text/plain', `Content-Length: ${Buffer.byteLength(body)}`, ...extra], body);

function req(item: Item): HttpRequest {
  return item.request as HttpRequest;
}
function res(item: Item): HttpResponse {
  return item.response as HttpResponse;
}
function summary(items: Item[]): string[] {
  return items.map((i) => `${req(i)?.method ?? '-'} ${req(i)?.url ?? '-'} → ${res(i)?.status ?? '-'}${i.error ? ` !${i.error.type}` : ''}`);
}

describe('HTTP/1.x: one exchange', () => {
  it('fills every item field: ids, endpoints, times, sizes, headers, cookies, query, path segments', () => {
    const h = new Harness({}, 'node-a');
    const request = http(['GET /api/v1/users/%C3%A9t%C3%A9?q=search%20term&page=2&tag=a&tag=b&flag HTTP/1.1', 'host: shop.test', 'cookie: session=abc123; theme="dark"', 'X-Custom-Header:   spaced value  ']);
    const response = http(['HTTP/1.1 200 OK', 'content-type: application/json; charset=utf-8', 'Set-Cookie: id=42; Path=/; HttpOnly', 'Set-Cookie: lang=fr', 'Content-Length: 11'], '{"ok":true}');
    const c = h.connection({ clientPort: 51000, serverPort: 18080 });
    c.client(request, 1_700_000_000_000.5).server(response, 1_700_000_000_012.75);

    expect(h.items).toHaveLength(1);
    const item = h.items[0];
    expect(item.id).toBe(`node-a/${c.info.id}-0`);
    expect(item.index).toBe(0);
    expect(item.stream).toBe(String(c.info.id));
    expect(item.worker).toBe('node-a');
    expect(item.node).toEqual({ ip: '10.0.0.9', name: 'node-a' });
    expect(item.protocol).toEqual({ name: 'http', version: '1.1', abbr: 'HTTP', longName: 'Hypertext Transfer Protocol -- HTTP/1.1', layer3: 'ipv4', layer4: 'tcp' });
    expect(item.src).toEqual({ ip: '192.168.1.10', port: '51000', name: '', namespace: '' });
    expect(item.dst).toEqual({ ip: '192.168.1.20', port: '18080', name: '', namespace: '' });
    expect(item.timestamp).toBe(1_700_000_000_000.5);
    expect(item.startTime).toBe('2023-11-14T22:13:20.000Z');
    expect(item.elapsedTime).toBe(12.25);
    expect(item.requestSize).toBe(request.length);
    expect(item.responseSize).toBe(response.length);
    expect(item.error).toBeUndefined();

    const q = req(item);
    expect(q.method).toBe('GET');
    expect(q.url).toBe('/api/v1/users/%C3%A9t%C3%A9?q=search%20term&page=2&tag=a&tag=b&flag');
    expect(q.path).toBe('/api/v1/users/%C3%A9t%C3%A9');
    expect(q.pathSegments).toEqual(['api', 'v1', 'users', 'été']);
    expect(q.queryString).toEqual({ q: 'search term', page: '2', tag: 'a,b', flag: '' });
    expect(q.httpVersion).toBe('HTTP/1.1');
    expect(q.headers).toEqual({ Host: 'shop.test', Cookie: 'session=abc123; theme="dark"', 'X-Custom-Header': 'spaced value' });
    expect(q.cookies).toEqual({ session: 'abc123', theme: 'dark' });
    expect(q.headersSize).toBe(request.length);
    expect(q.bodySize).toBe(0);
    expect(q.postData).toEqual({ mimeType: '', text: '', truncated: false });

    const r = res(item);
    expect(r.status).toBe(200);
    expect(r.statusText).toBe('OK');
    expect(r.headers['Content-Type']).toBe('application/json; charset=utf-8');
    expect(r.headers['Set-Cookie']).toBe('id=42; Path=/; HttpOnly\nlang=fr');
    expect(r.cookies).toEqual({ id: '42', lang: 'fr' });
    expect(r.headersSize).toBe(response.length - 11);
    expect(r.bodySize).toBe(11);
    expect(r.redirectURL).toBe('');
    expect(r.content).toEqual({ mimeType: 'application/json; charset=utf-8', encoding: '', size: 11, text: '{"ok":true}', truncated: false });
  });

  it('gives the same item whatever the chunking: byte by byte, 3-byte pieces, or whole', () => {
    const request = http(['POST /submit?x=1 HTTP/1.1', 'Content-Type: application/json', 'Content-Length: 13'], '{"name":"ab"}');
    const response = http(['HTTP/1.1 201 Created', 'Location: /submit/7', 'Content-Type: text/plain', 'Transfer-Encoding: chunked'], chunked(['made ', 'it']));
    const views: unknown[] = [];
    for (const size of [1, 3, 1000]) {
      const h = new Harness();
      h.connection().clientPieces(request, size).serverPieces(response, size);
      expect(h.items).toHaveLength(1);
      const { id, timestamp, startTime, elapsedTime, ...rest } = h.items[0];
      expect([id, timestamp, startTime, elapsedTime].every((v) => v !== undefined)).toBe(true);
      views.push(rest);
    }
    expect(views[0]).toEqual(views[2]);
    expect(views[1]).toEqual(views[2]);
    const item = views[2] as Item;
    expect(req(item).postData).toEqual({ mimeType: 'application/json', text: '{"name":"ab"}', truncated: false });
    expect(res(item).redirectURL).toBe('/submit/7');
    expect(res(item).content.text).toBe('made it');
  });

  it('records an IPv6 connection with layer3 ipv6', () => {
    const h = new Harness();
    h.connection({ ipVersion: 6 }).client(GET('/')).server(OK('x'));
    expect(h.items[0].protocol.layer3).toBe('ipv6');
    expect(h.items[0].src.ip).toBe('fd00::1');
  });
});

describe('HTTP/1.x: keep-alive and pipelining', () => {
  it('pairs several exchanges on one connection in order, with increasing indexes', () => {
    const h = new Harness();
    const c = h.connection();
    c.client(GET('/a')).server(OK('A')).client(GET('/b')).server(OK('BB')).client(GET('/c')).server(OK('CCC'));
    expect(summary(h.items)).toEqual(['GET /a → 200', 'GET /b → 200', 'GET /c → 200']);
    expect(h.items.map((i) => i.index)).toEqual([0, 1, 2]);
    expect(h.items.map((i) => res(i).content.text)).toEqual(['A', 'BB', 'CCC']);
  });

  it('pairs three requests pipelined in one segment with three responses in one segment', () => {
    const h = new Harness();
    const c = h.connection();
    c.client(Buffer.concat([GET('/json'), GET('/chunked'), GET('/status/418', ['Connection: close'])]));
    const teapot = http(['HTTP/1.1 418 I\'m a Teapot', 'Content-Length: 10', 'Connection: close'], 'status 418');
    c.server(Buffer.concat([OK('{"a":1}'), http(['HTTP/1.1 200 OK', 'Transfer-Encoding: chunked'], chunked(['chunk-0\n', 'chunk-1\n'])), teapot]));
    c.close('fin');
    expect(summary(h.items)).toEqual(['GET /json → 200', 'GET /chunked → 200', 'GET /status/418 → 418']);
    expect(res(h.items[1]).content.text).toBe('chunk-0\nchunk-1\n');
    expect(res(h.items[2]).statusText).toBe("I'm a Teapot");
  });

  it('pairs pipelined requests whose responses arrive split at every byte', () => {
    const h = new Harness();
    const c = h.connection();
    c.client(Buffer.concat([GET('/1'), GET('/2'), GET('/3')]));
    c.serverPieces(Buffer.concat([OK('one'), OK('two'), OK('three')]), 1);
    expect(summary(h.items)).toEqual(['GET /1 → 200', 'GET /2 → 200', 'GET /3 → 200']);
    expect(h.items.map((i) => res(i).content.text)).toEqual(['one', 'two', 'three']);
  });

  it('ignores empty lines between messages (RFC 9112 §2.2)', () => {
    const h = new Harness();
    const c = h.connection();
    const post = http(['POST /p HTTP/1.1', 'Content-Length: 2'], 'hi');
    c.client(Buffer.concat([post, Buffer.from('\r\n'), GET('/next')]));
    c.server(Buffer.concat([OK('1'), OK('2')]));
    expect(summary(h.items)).toEqual(['POST /p → 200', 'GET /next → 200']);
  });
});

describe('HTTP/1.x: body framing', () => {
  it('reassembles a chunked body split anywhere (inside sizes, data and CRLFs), with extensions and trailers', () => {
    const body = Buffer.concat([
      Buffer.from('5;name=value\r\nHello\r\n'),
      Buffer.from('7\r\n, world\r\n'),
      Buffer.from('0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n'),
    ]);
    const response = http(['HTTP/1.1 200 OK', 'Content-Type: text/plain', 'Transfer-Encoding: chunked'], body);
    const head = response.length - body.length;
    for (const cuts of [[head + 1], [head + 3, head + 9], [head + 13, head + 14, head + 20, head + 40], [response.length - 1]]) {
      const h = new Harness();
      h.connection().client(GET('/')).serverCuts(response, cuts);
      expect(h.items).toHaveLength(1);
      const r = res(h.items[0]);
      expect(r.content.text).toBe('Hello, world');
      expect(r.bodySize).toBe(12);
      expect(r.headers['X-Checksum']).toBe('abc');
      expect(r.headers['X-Other']).toBe('1');
      expect(h.items[0].responseSize).toBe(response.length);
    }
  });

  it('reads a body of Content-Length across many segments, and the next message after it', () => {
    const big = 'x'.repeat(50_000);
    const h = new Harness();
    h.connection().client(GET('/big')).client(GET('/after')).serverPieces(Buffer.concat([OK(big), OK('after')]), 1460);
    expect(summary(h.items)).toEqual(['GET /big → 200', 'GET /after → 200']);
    expect(res(h.items[0]).content.size).toBe(50_000);
    expect(res(h.items[1]).content.text).toBe('after');
    expect(res(h.items[0]).content.text).toBe(big);
  });

  it('ends an HTTP/1.0 response without length at the close (close-delimited)', () => {
    const h = new Harness();
    const c = h.connection();
    c.client(http(['GET /json HTTP/1.0']));
    c.server(http(['HTTP/1.0 200 OK', 'Content-Type: application/json'], '{"id":'));
    c.server('42}');
    expect(h.items).toHaveLength(0);
    c.close('fin');
    expect(h.items).toHaveLength(1);
    expect(h.items[0].protocol.version).toBe('1.0');
    expect(res(h.items[0]).content.text).toBe('{"id":42}');
    expect(res(h.items[0]).bodySize).toBe(9);
    expect(h.items[0].error).toBeUndefined();
  });

  it('reads no body after HEAD even with Content-Length, and goes on with the next exchange', () => {
    const h = new Harness();
    const c = h.connection();
    c.client(http(['HEAD /file HTTP/1.1']));
    c.server(http(['HTTP/1.1 200 OK', 'Content-Length: 1234', 'Content-Type: text/plain']));
    c.client(GET('/next')).server(OK('next'));
    expect(summary(h.items)).toEqual(['HEAD /file → 200', 'GET /next → 200']);
    expect(res(h.items[0]).bodySize).toBe(0);
    expect(res(h.items[0]).headers['Content-Length']).toBe('1234');
    expect(res(h.items[1]).content.text).toBe('next');
  });

  it('reads no body on 204 and 304 even when they carry Content-Length or Transfer-Encoding', () => {
    const h = new Harness();
    const c = h.connection();
    c.client(http(['DELETE /item/1 HTTP/1.1'])).server(http(['HTTP/1.1 204 No Content', 'Content-Length: 10']));
    c.client(GET('/cached', ['If-None-Match: "v1"'])).server(http(['HTTP/1.1 304 Not Modified', 'Transfer-Encoding: chunked', 'ETag: "v1"']));
    c.client(GET('/fresh')).server(OK('fresh'));
    expect(summary(h.items)).toEqual(['DELETE /item/1 → 204', 'GET /cached → 304', 'GET /fresh → 200']);
    expect(res(h.items[2]).content.text).toBe('fresh');
  });

  it('treats Content-Length: 0 and a bodyless request as complete at once', () => {
    const h = new Harness();
    h.connection().client(http(['POST /empty HTTP/1.1', 'Content-Length: 0'])).server(http(['HTTP/1.1 200 OK', 'Content-Length: 0']));
    expect(summary(h.items)).toEqual(['POST /empty → 200']);
    expect(req(h.items[0]).bodySize).toBe(0);
  });
});

describe('HTTP/1.x: interim responses and protocol switches', () => {
  it('Expect: 100-continue: the interim 100 does not take the pair; the final response does', () => {
    const h = new Harness();
    const c = h.connection();
    c.client(http(['POST /upload HTTP/1.1', 'Content-Type: text/plain', 'Content-Length: 11', 'Expect: 100-continue']));
    c.server(http(['HTTP/1.1 100 Continue']));
    c.client('hello world');
    c.server(OK('stored'));
    expect(summary(h.items)).toEqual(['POST /upload → 200']);
    expect(req(h.items[0]).postData.text).toBe('hello world');
    expect(h.pipeline.stats().interimResponses).toBe(1);
  });

  it('103 Early Hints before the final response is skipped too', () => {
    const h = new Harness();
    h.connection().client(GET('/page')).server(Buffer.concat([http(['HTTP/1.1 103 Early Hints', 'Link: </style.css>; rel=preload']), OK('page')]));
    expect(summary(h.items)).toEqual(['GET /page → 200']);
  });

  it('after 101 Switching Protocols the connection is no longer parsed as HTTP', () => {
    const h = new Harness();
    const c = h.connection();
    c.client(GET('/chat', ['Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==']));
    c.server(http(['HTTP/1.1 101 Switching Protocols', 'Connection: Upgrade', 'Upgrade: websocket']));
    c.server(Buffer.from([0x81, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f]));
    c.client(GET('/looks-like-http-but-is-websocket-payload'));
    c.server(OK('nope'));
    c.close('fin');
    expect(summary(h.items)).toEqual(['GET /chat → 101']);
    expect(h.pipeline.stats().desyncs).toBe(0);
  });

  it('a request pipelined behind an upgrade gets a dissection error, not a websocket frame as response', () => {
    const h = new Harness();
    const c = h.connection();
    c.client(Buffer.concat([GET('/chat', ['Connection: Upgrade', 'Upgrade: websocket']), GET('/behind')]));
    c.server(http(['HTTP/1.1 101 Switching Protocols', 'Connection: Upgrade', 'Upgrade: websocket']));
    expect(summary(h.items)).toEqual(['GET /chat → 101', 'GET /behind → - !dissection']);
    expect(h.items[1].error?.msg).toMatch(/switched protocols \(101\)/);
  });

  it('after a successful CONNECT the tunnel bytes are not parsed', () => {
    const h = new Harness();
    const c = h.connection();
    c.client(http(['CONNECT db.internal:443 HTTP/1.1', 'Host: db.internal:443']));
    c.server(http(['HTTP/1.1 200 Connection Established']));
    c.client(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5]));
    c.close('fin');
    expect(summary(h.items)).toEqual(['CONNECT db.internal:443 → 200']);
    expect(res(h.items[0]).bodySize).toBe(0);
  });
});

describe('HTTP/1.x: body decoding', () => {
  const json = JSON.stringify({ msg: 'compressed '.repeat(50) });

  it.each([
    ['gzip', gzipSync(json)],
    ['deflate', deflateSync(json)],
    ['deflate', deflateRawSync(json)],
    ['br', brotliCompressSync(json)],
  ])('decodes Content-Encoding %s', (encoding, encoded) => {
    const h = new Harness();
    const response = http(['HTTP/1.1 200 OK', 'Content-Type: application/json', `Content-Encoding: ${encoding}`, `Content-Length: ${encoded.length}`], encoded);
    h.connection().client(GET('/z')).serverPieces(response, 7);
    const r = res(h.items[0]);
    expect(r.content).toEqual({ mimeType: 'application/json', encoding, size: json.length, text: json, truncated: false });
    expect(r.bodySize).toBe(encoded.length);
  });

  it('decodes a gzip body sent chunked', () => {
    const encoded = gzipSync(json);
    const response = http(['HTTP/1.1 200 OK', 'Content-Type: application/json', 'Content-Encoding: gzip', 'Transfer-Encoding: chunked'], chunked([encoded.subarray(0, 10), encoded.subarray(10)]));
    const h = new Harness();
    h.connection().client(GET('/z')).serverPieces(response, 5);
    expect(res(h.items[0]).content.text).toBe(json);
  });

  it('cuts decoded text at the body cap and reports it (truncated, size of what was decoded)', () => {
    const big = 'abcdefghij'.repeat(10_000); // 100 kB, compresses to little: a small zip bomb
    const encoded = gzipSync(big);
    const h = new Harness({ maxBodyBytes: 1000 });
    h.connection().client(GET('/bomb')).server(http(['HTTP/1.1 200 OK', 'Content-Type: text/plain', 'Content-Encoding: gzip', `Content-Length: ${encoded.length}`], encoded));
    const content = res(h.items[0]).content;
    expect(content.truncated).toBe(true);
    expect(content.text).toBe(big.slice(0, 1000));
    expect(content.size).toBeGreaterThanOrEqual(1000);
    expect(h.pipeline.stats().truncatedBodies).toBe(1);
  });

  it('cuts a plain body at the cap without breaking a UTF-8 sequence, and counts all of it in bodySize', () => {
    const body = 'é'.repeat(600); // 1200 bytes
    const h = new Harness({ maxBodyBytes: 1001 });
    h.connection().client(GET('/u')).server(OK(body, ['Content-Type: text/plain; charset=utf-8']));
    const r = res(h.items[0]);
    expect(r.content.truncated).toBe(true);
    expect(r.content.text).toBe('é'.repeat(500));
    expect(r.bodySize).toBe(1200);
    expect(r.content.size).toBe(1200);
  });

  it('caps request bodies too (postData.truncated)', () => {
    const h = new Harness({ maxBodyBytes: 4 });
    h.connection().client(http(['PUT /p HTTP/1.1', 'Content-Type: text/plain', 'Content-Length: 10'], '0123456789')).server(OK('ok'));
    expect(req(h.items[0]).postData).toEqual({ mimeType: 'text/plain', text: '0123', truncated: true });
    expect(req(h.items[0]).bodySize).toBe(10);
  });

  it('does not inline binary bodies: image types and sniffed binary are omitted with their size', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    const h = new Harness();
    const c = h.connection();
    c.client(GET('/logo.png')).server(http(['HTTP/1.1 200 OK', 'Content-Type: image/png', `Content-Length: ${png.length}`], png));
    c.client(GET('/blob')).server(http(['HTTP/1.1 200 OK', `Content-Length: ${png.length}`], png));
    c.client(GET('/text')).server(http(['HTTP/1.1 200 OK', 'Content-Length: 5'], 'plain'));
    expect(res(h.items[0]).content).toEqual({ mimeType: 'image/png', encoding: '', size: 16, text: '', truncated: false });
    expect(res(h.items[1]).content).toEqual({ mimeType: '', encoding: '', size: 16, text: '', truncated: false });
    expect(res(h.items[2]).content.text).toBe('plain');
  });

  it('keeps the body empty (and counts it) when the encoding is unknown or the data is corrupt', () => {
    const h = new Harness();
    const c = h.connection();
    c.client(GET('/a')).server(http(['HTTP/1.1 200 OK', 'Content-Type: text/plain', 'Content-Encoding: zstd', 'Content-Length: 4'], 'abcd'));
    c.client(GET('/b')).server(http(['HTTP/1.1 200 OK', 'Content-Type: text/plain', 'Content-Encoding: gzip', 'Content-Length: 4'], 'abcd'));
    expect(h.items.map((i) => res(i).content.text)).toEqual(['', '']);
    expect(h.items.map((i) => res(i).content.encoding)).toEqual(['zstd', 'gzip']);
    expect(h.pipeline.stats().undecodableBodies).toBe(2);
  });
});

describe('HTTP/1.x: incomplete pairs', () => {
  it('a request left unanswered when the connection closes becomes a connection error item', () => {
    const h = new Harness();
    h.connection().client(GET('/slow')).close('fin');
    expect(summary(h.items)).toEqual(['GET /slow → - !connection']);
    expect(h.items[0].error?.msg).toMatch(/FIN/);
    expect(h.items[0].elapsedTime).toBe(0);
  });

  it('a response cut by a reset keeps what arrived and says the connection was reset', () => {
    const h = new Harness();
    const c = h.connection();
    c.client(GET('/big')).server(http(['HTTP/1.1 200 OK', 'Content-Type: text/plain', 'Content-Length: 100'], 'only this much')).close('rst');
    expect(summary(h.items)).toEqual(['GET /big → 200 !connection']);
    expect(h.items[0].error?.msg).toMatch(/reset \(RST\) before the response completed/);
    expect(res(h.items[0]).content.text).toBe('only this much');
    expect(res(h.items[0]).content.truncated).toBe(true);
  });

  it('a truncated capture (end of capture mid-body) becomes a timeout item, not a connection error', () => {
    const h = new Harness();
    h.connection().client(GET('/x')).server(http(['HTTP/1.1 200 OK', 'Content-Length: 100'], 'partial')).close('end-of-capture');
    expect(summary(h.items)).toEqual(['GET /x → 200 !timeout']);
    expect(h.items[0].error?.msg).toMatch(/capture ended/);
  });

  it('an unanswered request becomes a timeout item after the pair timeout (capture time), and a late response is reported on its own', () => {
    const h = new Harness({ pairTimeoutMs: 5000 });
    const c = h.connection();
    c.client(GET('/slow'), 1_000_000);
    h.pipeline.flush(1_004_999);
    expect(h.items).toHaveLength(0);
    h.pipeline.flush(1_005_000);
    expect(summary(h.items)).toEqual(['GET /slow → - !timeout']);
    expect(h.items[0].error?.msg).toBe('no response within 5000 ms');
    c.server(OK('late'), 1_009_000);
    expect(summary(h.items)).toEqual(['GET /slow → - !timeout', '- - → 200 !pair-not-found']);
    expect(h.items[1].error?.msg).toMatch(/after its GET request timed out/);
    // The connection goes on normally afterwards.
    c.client(GET('/next'), 1_010_000).server(OK('n'), 1_010_001);
    expect(summary(h.items).slice(2)).toEqual(['GET /next → 200']);
  });

  it('timeouts also run as packets of any stream advance capture time', () => {
    const h = new Harness({ pairTimeoutMs: 1000 });
    h.connection().client(GET('/waiting'), 2_000_000);
    h.connection().client(GET('/other'), 2_001_500);
    expect(summary(h.items)).toEqual(['GET /waiting → - !timeout']);
  });

  it('close() at the end flushes outstanding requests', () => {
    const h = new Harness();
    h.connection().client(GET('/pending'));
    h.pipeline.close();
    expect(summary(h.items)).toEqual(['GET /pending → - !timeout']);
    expect(h.items[0].error?.msg).toMatch(/capture ended/);
  });

  it('a response with no request (capture began mid-connection) is a pair-not-found item; later pairs are fine', () => {
    const h = new Harness();
    const c = h.connection({ rolesKnown: false });
    c.server(OK('tail of an earlier exchange'));
    c.client(GET('/after')).server(OK('ok'));
    expect(summary(h.items)).toEqual(['- - → 200 !pair-not-found', 'GET /after → 200']);
    expect(h.items[0].src.port).toBe(String(c.info.client.port));
  });

  it('decides roles from content when the first side seen is the server (roles unknown)', () => {
    const h = new Harness();
    // Capture's guess: the first sender is the client. Content says it is the server.
    const c = h.connection({ rolesKnown: false });
    c.client(OK('reply first'));
    c.server(GET('/real-request'));
    c.client(OK('answer'));
    expect(summary(h.items)).toEqual(['- - → 200 !pair-not-found', 'GET /real-request → 200']);
    expect(h.items[1].src).toMatchObject({ ip: c.info.server.ip, port: String(c.info.server.port) });
    expect(h.items[1].dst).toMatchObject({ ip: c.info.client.ip, port: String(c.info.client.port) });
  });

  it('a capture starting inside a body skips bytes until a message starts', () => {
    const h = new Harness();
    const c = h.connection({ rolesKnown: false });
    c.client('rest of a previous POST body that is not HTTP');
    c.server('more body bytes of an earlier response');
    c.client(GET('/first-full'));
    c.server(OK('ok'));
    expect(summary(h.items)).toEqual(['GET /first-full → 200']);
  });

  it('more outstanding requests than the cap: the oldest are reported, memory stays bounded', () => {
    const h = new Harness({ maxPendingPerConnection: 3 });
    const c = h.connection();
    for (let i = 0; i < 5; i++) c.client(GET(`/r${i}`));
    expect(summary(h.items)).toEqual(['GET /r0 → - !timeout', 'GET /r1 → - !timeout']);
    expect(h.items[0].error?.msg).toMatch(/more than 3 requests outstanding/);
    expect(h.pipeline.stats().pending).toBe(3);
  });
});

describe('HTTP/1.x: capture gaps', () => {
  it('a gap inside a Content-Length body keeps the pair, with a dissection error and a truncated body', () => {
    const h = new Harness();
    const c = h.connection();
    c.client(GET('/file')).server(http(['HTTP/1.1 200 OK', 'Content-Type: text/plain', 'Content-Length: 20'], 'first'));
    c.serverGap(10).server('last5');
    c.client(GET('/next')).server(OK('fine'));
    expect(summary(h.items)).toEqual(['GET /file → 200 !dissection', 'GET /next → 200']);
    expect(res(h.items[0]).bodySize).toBe(20);
    expect(res(h.items[0]).content.truncated).toBe(true);
  });

  it('a gap in a response head loses that response: its request gets a dissection error and parsing resumes at the next response', () => {
    const h = new Harness();
    const c = h.connection();
    c.client(GET('/a')).server('HTTP/1.1 200 OK\r\nContent-Le').serverGap(30);
    c.server('ngth: 3\r\n\r\nabc'); // the rest of the lost response: skipped
    c.client(GET('/b')).server(OK('b-body'));
    expect(summary(h.items)).toEqual(['GET /a → - !dissection', 'GET /b → 200']);
    expect(h.items[0].error?.msg).toMatch(/response lost/);
    expect(h.pipeline.stats().desyncs).toBeGreaterThan(0);
  });

  it('a request lost whole in a gap: its response is reported as lost, not paired with the next request', () => {
    const h = new Harness();
    const c = h.connection();
    c.client(GET('/1')).server(OK('1'));
    c.clientGap(40); // GET /2 vanished
    c.server(OK('2'));
    c.client(GET('/3')).server(OK('3'));
    expect(summary(h.items)).toEqual(['GET /1 → 200', '- - → 200 !dissection', 'GET /3 → 200']);
    expect(h.items[1].error?.msg).toMatch(/request lost in a capture gap/);
    expect(res(h.items[2]).content.text).toBe('3');
  });

  it('a gap in a chunked body resynchronises at the next response', () => {
    const h = new Harness();
    const c = h.connection();
    c.client(GET('/stream')).server(http(['HTTP/1.1 200 OK', 'Transfer-Encoding: chunked'], '5\r\nhel'));
    c.serverGap(100);
    c.server('garbage after the hole\r\n0\r\n\r\n');
    c.client(GET('/ok')).server(OK('ok'));
    expect(summary(h.items)).toEqual(['GET /stream → 200 !dissection', 'GET /ok → 200']);
  });
});

describe('HTTP/1.x: detection by content', () => {
  it('recognises HTTP on any port, and skips a stream of something else cheaply (counted)', () => {
    const h = new Harness();
    h.connection({ serverPort: 5432 }).client(GET('/on-a-postgres-port')).server(OK('x'));
    const other = h.connection({ serverPort: 80 });
    other.client(Buffer.from([0, 0, 0, 8, 4, 0xd2, 0x16, 0x2f])); // PostgreSQL SSLRequest
    other.server('N');
    other.client('GET / HTTP/1.1\r\n\r\n'); // too late: the stream is already skipped
    expect(summary(h.items)).toEqual(['GET /on-a-postgres-port → 200']);
    expect(h.pipeline.stats().ignoredStreams).toBe(1);
    expect(h.pipeline.stats().recognised).toEqual({ http: 1 });
  });

  it('waits for the request line when the first segment is tiny', () => {
    const h = new Harness();
    h.connection().clientPieces(GET('/tiny-segments'), 2).server(OK('ok'));
    expect(summary(h.items)).toEqual(['GET /tiny-segments → 200']);
  });

  it('does not take a server that speaks first (SMTP banner) for HTTP', () => {
    const h = new Harness();
    const c = h.connection({ serverPort: 25 });
    c.server('220 mail.test ESMTP ready\r\n').client('EHLO client\r\n');
    expect(h.items).toEqual([]);
    expect(h.pipeline.stats().ignoredStreams).toBe(1);
  });
});
