import type { Item, RedisRequest, RedisResponse } from '@wirehook/contracts';
import { Harness } from './support/driver';

/** A command as redis-cli sends it: an array of bulk strings. */
function cmd(...words: string[]): string {
  return `*${words.length}\r\n${words.map((w) => `$${Buffer.byteLength(w)}\r\n${w}\r\n`).join('')}`;
}

function pairs(items: Item[]): Array<[string, RedisResponse | null, string]> {
  return items.map((i) => {
    const r = i.request as RedisRequest | null;
    return [r === null ? '-' : [r.command, ...r.args].join(' '), i.response as RedisResponse | null, i.error?.type ?? ''];
  });
}

describe('Redis: RESP2', () => {
  it('pairs commands and replies of every RESP2 type, including nil and errors', () => {
    const h = new Harness();
    const c = h.connection({ serverPort: 16379 });
    c.client(cmd('SET', 'greeting', 'hello')).server('+OK\r\n');
    c.client(cmd('GET', 'greeting')).server('$5\r\nhello\r\n');
    c.client(cmd('GET', 'missing')).server('$-1\r\n');
    c.client(cmd('INCR', 'counter')).server(':1\r\n');
    c.client(cmd('HGETALL', 'user:1')).server('*4\r\n$4\r\nname\r\n$5\r\nalice\r\n$3\r\nage\r\n:30\r\n');
    c.client(cmd('BLPOP', 'q', '1')).server('*-1\r\n');
    c.client(cmd('NOSUCHCMD')).server("-ERR unknown command 'NOSUCHCMD'\r\n");
    c.client(cmd('GET', 'empty')).server('$0\r\n\r\n');
    expect(pairs(h.items)).toEqual([
      ['SET greeting hello', { type: 'simple-string', value: 'OK' }, ''],
      ['GET greeting', { type: 'bulk-string', value: 'hello' }, ''],
      ['GET missing', { type: 'null', value: null }, ''],
      ['INCR counter', { type: 'integer', value: 1 }, ''],
      ['HGETALL user:1', { type: 'array', value: ['name', 'alice', 'age', 30] }, ''],
      ['BLPOP q 1', { type: 'null', value: null }, ''],
      ['NOSUCHCMD', { type: 'error', value: "ERR unknown command 'NOSUCHCMD'" }, ''],
      ['GET empty', { type: 'bulk-string', value: '' }, ''],
    ]);
    const first = h.items[0];
    expect(first.protocol).toMatchObject({ name: 'redis', abbr: 'REDIS', layer4: 'tcp' });
    expect(first.requestSize).toBe(cmd('SET', 'greeting', 'hello').length);
    expect(first.responseSize).toBe(5);
  });

  it('pairs a pipeline of 100 commands in one segment with replies split at every byte', () => {
    const h = new Harness();
    const c = h.connection();
    c.client(Array.from({ length: 100 }, (_, i) => cmd('SET', `key:${i}`, 'VXK')).join(''));
    c.serverPieces(Array.from({ length: 100 }, (_, i) => (i % 2 ? '+OK\r\n' : `:${i}\r\n`)).join(''), 1);
    expect(h.items).toHaveLength(100);
    expect(pairs(h.items).slice(0, 3)).toEqual([
      ['SET key:0 VXK', { type: 'integer', value: 0 }, ''],
      ['SET key:1 VXK', { type: 'simple-string', value: 'OK' }, ''],
      ['SET key:2 VXK', { type: 'integer', value: 2 }, ''],
    ]);
    expect(h.items[99].index).toBe(99);
  });

  it('reads commands split at every byte (bulk strings with CRLF inside) and binary-safe values', () => {
    const h = new Harness();
    const c = h.connection();
    c.clientPieces(cmd('SET', 'k', 'line1\r\nline2'), 1).server('+OK\r\n');
    expect(pairs(h.items)).toEqual([['SET k line1\r\nline2', { type: 'simple-string', value: 'OK' }, '']]);
  });

  it('reads inline commands (telnet style), quoted words included', () => {
    const h = new Harness();
    const c = h.connection();
    c.client('PING\r\n').server('+PONG\r\n');
    c.client('SET "my key" \'a value\'\r\n').server('+OK\r\n');
    expect(pairs(h.items).map(([command]) => command)).toEqual(['PING', 'SET my key a value']);
  });

  it('a reply without a command is pair-not-found; a command left unanswered at close is a connection error', () => {
    const h = new Harness();
    const c = h.connection({ rolesKnown: false });
    c.server('+OK\r\n');
    c.client(cmd('GET', 'x')).server('$1\r\nx\r\n');
    c.client(cmd('BLPOP', 'jobs', '0')).close('fin');
    expect(pairs(h.items).map(([command, , error]) => `${command}:${error}`)).toEqual(['-:pair-not-found', 'GET x:', 'BLPOP jobs 0:connection']);
  });

  it('an unanswered command becomes a timeout item after the pair timeout', () => {
    const h = new Harness({ pairTimeoutMs: 1000 });
    h.connection().client(cmd('BLPOP', 'q', '0'), 5000);
    h.pipeline.flush(6000);
    expect(pairs(h.items)).toEqual([['BLPOP q 0', null, 'timeout']]);
  });

  it('cuts long values at the value cap and counts it; framing is kept', () => {
    const h = new Harness({ maxRedisValueBytes: 8 });
    const c = h.connection();
    c.client(cmd('SET', 'k', 'x'.repeat(100))).server('+OK\r\n');
    c.client(cmd('GET', 'k')).server(`$100\r\n${'x'.repeat(100)}\r\n`);
    expect(pairs(h.items)).toEqual([
      ['SET k xxxxxxxx', { type: 'simple-string', value: 'OK' }, ''],
      ['GET k', { type: 'bulk-string', value: 'xxxxxxxx' }, ''],
    ]);
    expect(h.pipeline.stats().truncatedValues).toBe(2);
  });
});

describe('Redis: RESP3', () => {
  it('reads every RESP3 type: null, map, set, double, boolean, big number, verbatim, bulk error', () => {
    const h = new Harness();
    const c = h.connection();
    const replies: Array<[string, RedisResponse]> = [
      ['_\r\n', { type: 'null', value: null }],
      ['%2\r\n+server\r\n$5\r\nredis\r\n+proto\r\n:3\r\n', { type: 'map', value: { server: 'redis', proto: 3 } }],
      ['~3\r\n+a\r\n+b\r\n+c\r\n', { type: 'set', value: ['a', 'b', 'c'] }],
      [',3.14\r\n', { type: 'double', value: 3.14 }],
      [',inf\r\n', { type: 'double', value: 'inf' }],
      ['#t\r\n', { type: 'boolean', value: true }],
      ['#f\r\n', { type: 'boolean', value: false }],
      ['(3492890328409238509324850943850943825024385\r\n', { type: 'big-number', value: '3492890328409238509324850943850943825024385' }],
      ['=15\r\ntxt:Some string\r\n', { type: 'verbatim-string', value: 'Some string' }],
      ['!21\r\nSYNTAX invalid syntax\r\n', { type: 'error', value: 'SYNTAX invalid syntax' }],
      ['*2\r\n%1\r\n+k\r\n#t\r\n*0\r\n', { type: 'array', value: [{ k: true }, []] }],
      [':9007199254740993\r\n', { type: 'integer', value: '9007199254740993' }],
    ];
    for (const [reply] of replies) c.client(cmd('HELLO', '3')).server(reply);
    expect(pairs(h.items).map(([, response]) => response)).toEqual(replies.map(([, expected]) => expected));
  });

  it('an attribute before a reply is dropped and the reply pairs normally', () => {
    const h = new Harness();
    h.connection().client(cmd('GET', 'k')).server('|1\r\n+key-popularity\r\n%1\r\n$1\r\nk\r\n,0.19\r\n$3\r\nval\r\n');
    expect(pairs(h.items)).toEqual([['GET k', { type: 'bulk-string', value: 'val' }, '']]);
  });

  it('push messages answer no command: they are one-way items and do not shift the pairing', () => {
    const h = new Harness();
    const c = h.connection();
    c.client(cmd('GET', 'a'));
    c.server('>3\r\n+invalidate\r\n*1\r\n$1\r\na\r\n+ignored\r\n$1\r\nA\r\n');
    expect(pairs(h.items)).toEqual([
      ['-', { type: 'push', value: ['invalidate', ['a'], 'ignored'] }, ''],
      ['GET a', { type: 'bulk-string', value: 'A' }, ''],
    ]);
  });
});

describe('Redis: pub/sub', () => {
  it('SUBSCRIBE to two channels pairs with the first confirmation; published messages are one-way items', () => {
    const h = new Harness();
    const c = h.connection();
    c.client(cmd('SUBSCRIBE', 'news', 'sport'));
    c.server('*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$5\r\nsport\r\n:2\r\n');
    c.server('*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n');
    c.client(cmd('PING')).server('*2\r\n$4\r\npong\r\n$0\r\n\r\n');
    expect(pairs(h.items)).toEqual([
      ['SUBSCRIBE news sport', { type: 'array', value: ['subscribe', 'news', 1] }, ''],
      ['-', { type: 'array', value: ['message', 'news', 'hello'] }, ''],
      ['PING', { type: 'array', value: ['pong', ''] }, ''],
    ]);
  });
});

describe('Redis: detection and resynchronisation', () => {
  it('recognises Redis by content on any port, and by a reply when the capture began mid-connection', () => {
    const h = new Harness();
    h.connection({ serverPort: 8080 }).client(cmd('PING')).server('+PONG\r\n');
    h.connection({ rolesKnown: false }).client(':42\r\n').server(cmd('INCR', 'x')).client(':43\r\n');
    expect(pairs(h.items)).toEqual([
      ['PING', { type: 'simple-string', value: 'PONG' }, ''],
      ['-', { type: 'integer', value: 42 }, 'pair-not-found'],
      ['INCR x', { type: 'integer', value: 43 }, ''],
    ]);
    expect(h.pipeline.stats().recognised).toEqual({ redis: 2 });
  });

  it('a gap loses the outstanding replies (dissection errors) and parsing resumes at the next segment', () => {
    const h = new Harness();
    const c = h.connection();
    c.client(cmd('GET', 'a')).server('$1').serverGap(3); // the hole is in a length line: framing is lost
    c.server('89\r\n'); // what follows the hole: not a value start, skipped
    c.client(cmd('GET', 'b')).server('$1\r\nb\r\n');
    expect(pairs(h.items)).toEqual([
      ['GET a', null, 'dissection'],
      ['GET b', { type: 'bulk-string', value: 'b' }, ''],
    ]);
  });

  it('a gap inside a top-level bulk string keeps the framing; the pair says bytes are missing', () => {
    const h = new Harness();
    const c = h.connection();
    c.client(cmd('GET', 'a')).server('$10\r\n0123').serverGap(3).server('789\r\n');
    c.client(cmd('GET', 'b')).server('+x\r\n');
    expect(pairs(h.items).map(([command, response, error]) => `${command}=${response?.type}:${error}`)).toEqual(['GET a=bulk-string:dissection', 'GET b=simple-string:']);
    expect(h.items[0].error?.msg).toBe('3 bytes of the reply missing in a capture gap');
  });

  it('bytes that are not RESP from the server: pending commands are reported, later pairs work', () => {
    const h = new Harness();
    const c = h.connection();
    c.client(cmd('GET', 'a')).server('?what\r\n');
    c.client(cmd('GET', 'b')).server('+b\r\n');
    expect(pairs(h.items).map(([command, , error]) => `${command}:${error}`)).toEqual(['GET a:dissection', 'GET b:']);
  });
});
