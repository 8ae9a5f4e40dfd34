import { parseHttpHead, parseHttpHeadAt } from '../src/http/http-head';

/** The head parser keeps module-wide caches (names, values, marks): these check it stays right across heads. */
function parse(text: string | Buffer) {
  const buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return parseHttpHead(buf, 0, buf.length);
}

describe('HTTP head parser and its caches', () => {
  it('gives the same head the second time (from the caches) as the first', () => {
    const text = 'HTTP/1.1 200 OK\r\nServer: nginx\r\ncontent-type: text/plain\r\nContent-Length: 5\r\n\r\n';
    const first = parse(text);
    const second = parse(text);
    expect(second).toEqual(first);
    expect(second.headers).toEqual({ Server: 'nginx', 'Content-Type': 'text/plain', 'Content-Length': '5' });
    expect(second.headers).not.toBe(first.headers);
    expect(second.contentLength).toBe(5);
  });

  it('does not take a value for another one of the same length and ends', () => {
    expect(parse('GET /a HTTP/1.1\r\nX-Id: abc-1-xyz\r\n\r\n').headers['X-Id']).toBe('abc-1-xyz');
    expect(parse('GET /a HTTP/1.1\r\nX-Id: abc-2-xyz\r\n\r\n').headers['X-Id']).toBe('abc-2-xyz');
    expect(parse('GET /b HTTP/1.1\r\nX-Id: abc-2-xyz\r\n\r\n').target).toBe('/b');
  });

  it('decodes UTF-8 values and keeps them apart from ASCII ones', () => {
    expect(parse('HTTP/1.1 200 OK\r\nX-Name: Zoë\r\n\r\n').headers['X-Name']).toBe('Zoë');
    expect(parse('HTTP/1.1 200 OK\r\nX-Name: Zoe\r\n\r\n').headers['X-Name']).toBe('Zoe');
    expect(parse('HTTP/1.1 200 OK\r\nX-Name: Zoë\r\n\r\n').headers['X-Name']).toBe('Zoë');
  });

  it('joins a field repeated under different spellings, also after many distinct names', () => {
    for (let i = 0; i < 5000; i++) parse(`GET / HTTP/1.1\r\nX-Name-${i}: ${i}\r\n\r\n`);
    const head = parse('GET / HTTP/1.1\r\nX-A: 1\r\nx-a: 2\r\nset-cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n');
    expect(head.headers).toEqual({ 'X-A': '1, 2', 'Set-Cookie': 'a=1\nb=2' });
    expect(parse('GET / HTTP/1.1\r\nx-a: 3\r\n\r\n').headers).toEqual({ 'X-A': '3' });
  });

  it('reads a line that differs from the one a cached head had the same way as a fresh one (CR in values, blanks, folds, empty names)', () => {
    const usual = 'HTTP/1.1 200 OK\r\nServer: a\r\nConnection: keep-alive\r\n\r\n';
    parse(usual);
    parse(usual);
    expect(parse('HTTP/1.1 200 OK\r\nServer: a\r\nConnection: keep-alive\r\r\n\r\n').headers.Connection).toBe('keep-alive\r');
    expect(parse(usual).headers.Connection).toBe('keep-alive');
    expect(parse('HTTP/1.1 200 OK\r\nServer: a \t\r\nConnection:keep-alive, x\r\n\r\n').headers).toEqual({ Server: 'a', Connection: 'keep-alive, x' });
    expect(parse('HTTP/1.1 200 OK\r\nServer: a\r\n  b\r\n\r\n').headers).toEqual({ Server: 'a b' });
    // A field with an empty name takes no continuation line.
    expect(parse('HTTP/1.1 200 OK\r\n : a\r\n b: c\r\n\r\n').headers).toEqual({ '': 'a', ' b': 'c' });
  });

  it('finds a CRLF head while parsing it, and leaves every other case to the general way', () => {
    const buf = Buffer.from('xxGET /a HTTP/1.1\r\nHost: h\r\n\r\nbody and the next message\r\n\r\n');
    const head = parseHttpHeadAt(buf, 2, buf.length);
    expect(head).toMatchObject({ method: 'GET', target: '/a', headers: { Host: 'h' }, size: 'GET /a HTTP/1.1\r\nHost: h\r\n\r\n'.length });
    expect(parseHttpHeadAt(buf, 2, 25)).toBeNull(); // ends before the blank line: incomplete
    expect(parseHttpHeadAt(Buffer.from('GET / HTTP/1.1\nHost: h\n\n'), 0, 25)).toBeNull(); // bare LFs
    expect(parseHttpHeadAt(Buffer.from('GET / HTTP/1.1\r\nHost: h\r\n\n'), 0, 26)).toBeNull(); // CRLF then LF
    expect(parseHttpHeadAt(Buffer.from('GET / HTTP/1.1\r\nno colon\r\n\r\n'), 0, 30)).toBeNull(); // not a head
  });

  it('reads methods from bytes and checks the others', () => {
    expect(['GET', 'PUT', 'POST', 'HEAD', 'PATCH', 'PURGE'].map((m) => parse(`${m} / HTTP/1.1\r\n\r\n`).method)).toEqual([
      'GET', 'PUT', 'POST', 'HEAD', 'PATCH', 'PURGE',
    ]);
    expect(() => parse('G(T / HTTP/1.1\r\n\r\n')).toThrow(/bad method/);
  });
});
