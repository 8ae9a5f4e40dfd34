import type { DnsRequest, DnsResponse, Item } from '@wirehook/contracts';
import { DnsParseError, parseDnsMessage } from '../src';
import { Harness } from './support/driver';

/** Builds DNS messages by hand so tests control every byte (names, pointers, RDATA). */
class DnsWriter {
  private readonly bytes: number[] = [];

  header(id: number, flags: number, counts: [number, number, number, number]): this {
    this.u16(id).u16(flags);
    for (const c of counts) this.u16(c);
    return this;
  }

  u8(v: number): this {
    this.bytes.push(v & 0xff);
    return this;
  }

  u16(v: number): this {
    return this.u8(v >> 8).u8(v);
  }

  u32(v: number): this {
    return this.u16(Math.floor(v / 65536)).u16(v & 0xffff);
  }

  /** Labels, then either the root byte or a pointer to `pointer`. */
  name(name: string, pointer?: number): this {
    for (const label of name === '' ? [] : name.split('.')) {
      this.u8(label.length);
      for (const ch of Buffer.from(label, 'latin1')) this.u8(ch);
    }
    return pointer === undefined ? this.u8(0) : this.u16(0xc000 | pointer);
  }

  raw(data: number[] | Buffer): this {
    for (const b of data) this.u8(b);
    return this;
  }

  /** A resource record whose RDATA is written by `rdata` (its length is patched in). */
  rr(name: () => void, type: number, ttl: number, rdata: () => void, cls = 1): this {
    name();
    this.u16(type).u16(cls).u32(ttl);
    const lengthAt = this.bytes.length;
    this.u16(0);
    const start = this.bytes.length;
    rdata();
    const length = this.bytes.length - start;
    this.bytes[lengthAt] = length >> 8;
    this.bytes[lengthAt + 1] = length & 0xff;
    return this;
  }

  get offset(): number {
    return this.bytes.length;
  }

  build(): Buffer {
    return Buffer.from(this.bytes);
  }
}

const QUERY = 0x0100; // RD
const RESPONSE = 0x8180; // QR RD RA

function query(id: number, name: string, type = 1): Buffer {
  return new DnsWriter().header(id, QUERY, [1, 0, 0, 0]).name(name).u16(type).u16(1).build();
}

function answerA(id: number, name: string, ip: number[], rcode = 0): Buffer {
  const w = new DnsWriter().header(id, RESPONSE | rcode, [1, ip.length ? 1 : 0, 0, 0]).name(name).u16(1).u16(1);
  if (ip.length) w.rr(() => w.u16(0xc00c), 1, 300, () => w.raw(ip));
  return w.build();
}

function tcpFramed(message: Buffer): Buffer {
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(message.length);
  return Buffer.concat([prefix, message]);
}

describe('DNS message parsing', () => {
  it('parses every section and record type, following compression pointers', () => {
    const w = new DnsWriter().header(0xbeef, RESPONSE | 0x0400, [1, 7, 2, 2]);
    const qname = w.offset;
    w.name('shop.test').u16(255).u16(1);
    const ptr = () => w.u16(0xc000 | qname);
    w.rr(ptr, 1, 60, () => w.raw([10, 1, 2, 3]));
    w.rr(ptr, 28, 60, () => w.raw([0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5]));
    w.rr(() => w.name('www', qname), 5, 30, () => w.name('', qname));
    w.rr(ptr, 15, 300, () => w.u16(10).name('mail', qname));
    w.rr(ptr, 16, 300, () => w.raw([5, ...Buffer.from('hello'), 3, ...Buffer.from('a=b')]));
    w.rr(() => w.name('_http._tcp', qname), 33, 300, () => w.u16(1).u16(5).u16(8080).name('web', qname));
    w.rr(() => w.name('4.3.2.10.in-addr.arpa'), 12, 300, () => w.name('host', qname));
    w.rr(ptr, 2, 3600, () => w.name('ns1', qname));
    w.rr(ptr, 6, 3600, () => w.name('ns1', qname).name('hostmaster', qname).u32(2024010101).u32(7200).u32(900).u32(1209600).u32(300));
    w.rr(() => w.name('ns1', qname), 99, 60, () => w.raw([0xde, 0xad, 0xbe, 0xef]));
    w.rr(() => w.name(''), 41, 0, () => undefined, 1232);
    const m = parseDnsMessage(w.build());

    expect(m).toMatchObject({ id: 0xbeef, isResponse: true, opCode: 'QUERY', authoritative: true, code: 'NOERROR' });
    expect(m.questions).toEqual([{ name: 'shop.test', type: 'ANY', class: 'IN' }]);
    expect(m.answers).toEqual([
      { name: 'shop.test', type: 'A', class: 'IN', ttl: 60, ip: '10.1.2.3' },
      { name: 'shop.test', type: 'AAAA', class: 'IN', ttl: 60, ip: 'fd00::5' },
      { name: 'www.shop.test', type: 'CNAME', class: 'IN', ttl: 30, cname: 'shop.test' },
      { name: 'shop.test', type: 'MX', class: 'IN', ttl: 300, preference: 10, mx: 'mail.shop.test' },
      { name: 'shop.test', type: 'TXT', class: 'IN', ttl: 300, txts: ['hello', 'a=b'] },
      { name: '_http._tcp.shop.test', type: 'SRV', class: 'IN', ttl: 300, srv: { priority: 1, weight: 5, port: 8080, target: 'web.shop.test' } },
      { name: '4.3.2.10.in-addr.arpa', type: 'PTR', class: 'IN', ttl: 300, ptr: 'host.shop.test' },
    ]);
    expect(m.authorities).toEqual([
      { name: 'shop.test', type: 'NS', class: 'IN', ttl: 3600, ns: 'ns1.shop.test' },
      {
        name: 'shop.test',
        type: 'SOA',
        class: 'IN',
        ttl: 3600,
        soa: { mname: 'ns1.shop.test', rname: 'hostmaster.shop.test', serial: 2024010101, refresh: 7200, retry: 900, expire: 1209600, minimum: 300 },
      },
    ]);
    expect(m.additionals).toEqual([
      { name: 'ns1.shop.test', type: 'SPF', class: 'IN', ttl: 60, data: 'deadbeef' },
      { name: '<Root>', type: 'OPT', class: 'UDP1232', ttl: 0, data: '' },
    ]);
  });

  it('names unknown types TYPEn with the RDATA as hex, and reply codes by name', () => {
    const w = new DnsWriter().header(1, RESPONSE | 3, [1, 1, 0, 0]).name('x.test').u16(4242).u16(1);
    w.rr(() => w.u16(0xc00c), 4242, 1, () => w.raw([1, 2, 255]));
    const m = parseDnsMessage(w.build());
    expect(m.code).toBe('NXDOMAIN');
    expect(m.questions[0].type).toBe('TYPE4242');
    expect(m.answers[0]).toEqual({ name: 'x.test', type: 'TYPE4242', class: 'IN', ttl: 1, data: '0102ff' });
    for (const [rcode, name] of [[1, 'FORMERR'], [2, 'SERVFAIL'], [4, 'NOTIMP'], [5, 'REFUSED'], [15, 'RCODE15']] as const) {
      expect(parseDnsMessage(answerA(1, 'a', [], rcode)).code).toBe(name);
    }
  });

  it('refuses compression loops (self, mutual, forward) instead of hanging', () => {
    const self = new DnsWriter().header(1, QUERY, [1, 0, 0, 0]).u16(0xc00c).u16(1).u16(1).build();
    const forward = new DnsWriter().header(1, QUERY, [1, 0, 0, 0]).u16(0xc00e).u8(0).u16(1).u16(1).build();
    // label "a" then a pointer back to offset 12 (its own start): a → a → a … via a backwards pointer.
    const mutual = new DnsWriter().header(1, QUERY, [1, 0, 0, 0]).u8(1).u8(0x61).u16(0xc00c).u16(1).u16(1).build();
    for (const message of [self, forward, mutual]) {
      expect(() => parseDnsMessage(message)).toThrow(DnsParseError);
    }
    expect(() => parseDnsMessage(mutual)).toThrow(/pointer loop|255/);
  });

  it('refuses truncated messages, overlong labels and records running past the end', () => {
    const good = answerA(7, 'api.shop.test', [10, 0, 0, 1]);
    for (let cut = 0; cut < good.length; cut++) expect(() => parseDnsMessage(good.subarray(0, cut))).toThrow(DnsParseError);
    const counts = new DnsWriter().header(1, QUERY, [60000, 0, 0, 0]).name('a').u16(1).u16(1).build();
    expect(() => parseDnsMessage(counts)).toThrow(/counts exceed/);
  });
});

function dnsItems(h: Harness): Array<[string, string, string]> {
  return h.items.map((i: Item) => [
    (i.request as DnsRequest | null)?.questions[0]?.name ?? '-',
    (i.response as DnsResponse | null)?.code ?? '-',
    i.error?.type ?? '',
  ]);
}

describe('DNS over UDP', () => {
  it('pairs by transaction id within a flow, whatever the order of answers', () => {
    const h = new Harness();
    h.datagram('10.0.0.5:5353', '10.0.0.53:53', query(1, 'a.test'), 1000);
    h.datagram('10.0.0.5:5353', '10.0.0.53:53', query(2, 'b.test'), 1001);
    h.datagram('10.0.0.53:53', '10.0.0.5:5353', answerA(2, 'b.test', [1, 1, 1, 2]), 1005);
    h.datagram('10.0.0.53:53', '10.0.0.5:5353', answerA(1, 'a.test', [], 3), 1010);
    expect(dnsItems(h)).toEqual([
      ['b.test', 'NOERROR', ''],
      ['a.test', 'NXDOMAIN', ''],
    ]);
    const [b, a] = h.items;
    expect(b.elapsedTime).toBe(4);
    expect(a.elapsedTime).toBe(10);
    expect(a.protocol).toMatchObject({ name: 'dns', layer4: 'udp' });
    expect(a.src).toMatchObject({ ip: '10.0.0.5', port: '5353' });
    expect(a.dst).toMatchObject({ ip: '10.0.0.53', port: '53' });
    expect(a.id).toBe(`test/${a.stream}-1`);
    expect(b.requestSize).toBe(query(2, 'b.test').length);
    expect((b.response as DnsResponse).answers[0].ip).toBe('1.1.1.2');
  });

  it('keeps the same id on different flows apart', () => {
    const h = new Harness();
    h.datagram('10.0.0.5:1111', '10.0.0.53:53', query(9, 'one.test'), 1);
    h.datagram('10.0.0.6:2222', '10.0.0.53:53', query(9, 'two.test'), 2);
    h.datagram('10.0.0.53:53', '10.0.0.6:2222', answerA(9, 'two.test', [2, 2, 2, 2]), 3);
    h.datagram('10.0.0.53:53', '10.0.0.5:1111', answerA(9, 'one.test', [1, 1, 1, 1]), 4);
    expect(h.items.map((i) => `${(i.request as DnsRequest).questions[0].name}=${(i.response as DnsResponse).answers[0].ip}`)).toEqual([
      'two.test=2.2.2.2',
      'one.test=1.1.1.1',
    ]);
  });

  it('an unanswered query becomes a timeout item, a lone response a pair-not-found item, after the timeout', () => {
    const h = new Harness({ pairTimeoutMs: 2000 });
    h.datagram('10.0.0.5:4000', '10.0.0.53:53', query(1, 'lost.test'), 10_000);
    h.datagram('10.0.0.53:53', '10.0.0.5:4001', answerA(5, 'stray.test', [9, 9, 9, 9]), 10_500);
    h.pipeline.flush(11_999);
    expect(h.items).toEqual([]);
    h.pipeline.flush(12_600);
    expect(dnsItems(h)).toEqual([
      ['lost.test', '-', 'timeout'],
      ['-', 'NOERROR', 'pair-not-found'],
    ]);
  });

  it('a response seen just before its query (another capture point) still pairs', () => {
    const h = new Harness();
    h.datagram('10.0.0.53:53', '10.0.0.5:4000', answerA(3, 'early.test', [3, 3, 3, 3]), 100);
    h.datagram('10.0.0.5:4000', '10.0.0.53:53', query(3, 'early.test'), 100.2);
    expect(dnsItems(h)).toEqual([['early.test', 'NOERROR', '']]);
  });

  it('ignores UDP that is not DNS, on port 53 or not', () => {
    const h = new Harness();
    h.datagram('10.0.0.5:4000', '10.0.0.53:53', Buffer.from('this is not a dns message at all'), 1);
    h.datagram('10.0.0.5:4000', '10.0.0.9:514', Buffer.from('<34>Oct 11 22:14:15 syslog line'), 2);
    h.datagram('10.0.0.5:4000', '10.0.0.9:443', Buffer.alloc(1200, 0), 3);
    expect(h.items).toEqual([]);
    expect(h.pipeline.stats()).toMatchObject({ datagrams: 3, ignoredDatagrams: 3 });
  });

  it('recognises DNS on an unusual port by content', () => {
    const h = new Harness();
    h.datagram('127.0.0.1:40000', '127.0.0.1:15353', query(77, 'odd.port'), 1);
    h.datagram('127.0.0.1:15353', '127.0.0.1:40000', answerA(77, 'odd.port', [7, 7, 7, 7]), 2);
    expect(dnsItems(h)).toEqual([['odd.port', 'NOERROR', '']]);
  });
});

describe('DNS over TCP', () => {
  it('reads length-prefixed messages split across segments and several in one segment', () => {
    const h = new Harness();
    const c = h.connection({ serverPort: 53 });
    const q1 = tcpFramed(query(1, 'one.test'));
    const q2 = tcpFramed(query(2, 'two.test'));
    c.client(Buffer.concat([q1, q2]));
    const answers = Buffer.concat([tcpFramed(answerA(2, 'two.test', [2, 2, 2, 2])), tcpFramed(answerA(1, 'one.test', [1, 1, 1, 1]))]);
    c.serverPieces(answers, 5);
    c.close('fin');
    expect(dnsItems(h)).toEqual([
      ['two.test', 'NOERROR', ''],
      ['one.test', 'NOERROR', ''],
    ]);
    expect(h.items[0].protocol.layer4).toBe('tcp');
    expect(h.items[0].requestSize).toBe(q2.length);
  });

  it('a query unanswered at close is a connection error; a gap abandons the stream with a dissection error', () => {
    const h = new Harness();
    h.connection({ serverPort: 53 }).client(tcpFramed(query(1, 'closed.test'))).close('rst');
    const c = h.connection({ serverPort: 53 });
    c.client(tcpFramed(query(2, 'gap.test'))).serverGap(20).server(tcpFramed(answerA(2, 'gap.test', [1, 2, 3, 4])));
    expect(dnsItems(h)).toEqual([
      ['closed.test', '-', 'connection'],
      ['gap.test', '-', 'dissection'],
    ]);
  });
});
