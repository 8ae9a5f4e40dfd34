import { sharedPcap } from '@wirehook/testing';
import { CaptureCounters, CaptureFileReader, FrameDecoder, TcpFlags, toPacketInfo, type DecodedPacket } from '../src';
import { ethernet, ipv4, ipv6, ipv6FragmentHeader, ipv6Raw, nullHeader, sll, sll2, tcpSegment, udpDatagram } from './helpers/frames';

const TS = 1_700_000_000_000;

function decoder(): FrameDecoder {
  return new FrameDecoder({ counters: new CaptureCounters() });
}

function decode(d: FrameDecoder, frame: Buffer, linkType: number, length = frame.length, timestamp = TS): DecodedPacket | null {
  return d.decodeFrame(frame, linkType, timestamp, length, 0);
}

const tcpV4 = ipv4(
  { src: '10.1.2.3', dst: '10.9.8.7', protocol: 6 },
  tcpSegment({ srcPort: 43210, dstPort: 8080, seq: 0xfffffff0, ack: 77, flags: TcpFlags.PSH | TcpFlags.ACK, window: 512, payload: 'GET / HTTP/1.1\r\n\r\n' }),
);
const udpV6 = ipv6('2001:db8::1', 'fe80::abcd:1', 17, udpDatagram(5353, 53, 'query'));

function expectTcpV4(p: DecodedPacket | null, linkType: number): void {
  expect(p).not.toBeNull();
  const packet = p as DecodedPacket;
  expect(packet.linkType).toBe(linkType);
  expect(packet.ipVersion).toBe(4);
  expect(packet.transport).toBe('tcp');
  expect(packet.src).toEqual({ ip: '10.1.2.3', port: 43210 });
  expect(packet.dst).toEqual({ ip: '10.9.8.7', port: 8080 });
  expect(packet.tcp).toEqual({ seq: 0xfffffff0, ack: 77, flags: TcpFlags.PSH | TcpFlags.ACK, window: 512 });
  expect(packet.payload.toString()).toBe('GET / HTTP/1.1\r\n\r\n');
  expect(packet.truncated).toBe(false);
  expect(packet.fragmented).toBe(false);
}

function expectUdpV6(p: DecodedPacket | null): void {
  expect(p).not.toBeNull();
  const packet = p as DecodedPacket;
  expect(packet.ipVersion).toBe(6);
  expect(packet.transport).toBe('udp');
  expect(packet.src).toEqual({ ip: '2001:db8::1', port: 5353 });
  expect(packet.dst).toEqual({ ip: 'fe80::abcd:1', port: 53 });
  expect(packet.payload.toString()).toBe('query');
  expect(packet.tcp).toBeUndefined();
}

describe('link types', () => {
  it('Ethernet (1)', () => {
    const frame = ethernet(0x0800, tcpV4);
    const p = decode(decoder(), frame, 1);
    expectTcpV4(p, 1);
    expect(p?.frame).toBe(frame);
    expectUdpV6(decode(decoder(), ethernet(0x86dd, udpV6), 1));
  });

  it('Ethernet with an 802.1Q tag and with 802.1ad + 802.1Q (QinQ)', () => {
    expectTcpV4(decode(decoder(), ethernet(0x0800, tcpV4, [{ tpid: 0x8100, vid: 42 }]), 1), 1);
    expectUdpV6(decode(decoder(), ethernet(0x86dd, udpV6, [{ tpid: 0x88a8, vid: 100 }, { tpid: 0x8100, vid: 7 }]), 1));
  });

  it('Linux cooked SLL (113) and SLL2 (276)', () => {
    expectTcpV4(decode(decoder(), sll(0x0800, tcpV4), 113), 113);
    expectUdpV6(decode(decoder(), sll(0x86dd, udpV6), 113));
    expectTcpV4(decode(decoder(), sll2(0x0800, tcpV4), 276), 276);
    expectUdpV6(decode(decoder(), sll2(0x86dd, udpV6), 276));
  });

  it.each([101, 12, 14])('raw IP (%i) by version nibble', (linkType) => {
    expectTcpV4(decode(decoder(), tcpV4, linkType), linkType);
    expectUdpV6(decode(decoder(), udpV6, linkType));
  });

  it('raw IPv4 (228) and raw IPv6 (229)', () => {
    expectTcpV4(decode(decoder(), tcpV4, 228), 228);
    expectUdpV6(decode(decoder(), udpV6, 229));
  });

  it('BSD null/loopback (0) in either host byte order, with every AF_INET6 value', () => {
    expectTcpV4(decode(decoder(), nullHeader(2, tcpV4, true), 0), 0);
    expectTcpV4(decode(decoder(), nullHeader(2, tcpV4, false), 0), 0);
    for (const family of [10, 24, 28, 30]) {
      expectUdpV6(decode(decoder(), nullHeader(family, udpV6, true), 0));
      expectUdpV6(decode(decoder(), nullHeader(family, udpV6, false), 0));
    }
  });

  it('OpenBSD loop (108), family in network order', () => {
    expectTcpV4(decode(decoder(), nullHeader(2, tcpV4, false), 108), 108);
    expectUdpV6(decode(decoder(), nullHeader(24, udpV6, false), 108));
  });

  it('counts an unsupported link type and skips the frame', () => {
    const d = decoder();
    expect(decode(d, tcpV4, 127)).toBeNull();
    expect(d.counters.decodeErrorsByReason['unsupported-link-type']).toBe(1);
  });

  it('delivers non-IP frames (ARP) with ipVersion 0', () => {
    const d = decoder();
    const arp = ethernet(0x0806, Buffer.alloc(28, 1));
    const p = decode(d, arp, 1) as DecodedPacket;
    expect(p.ipVersion).toBe(0);
    expect(p.transport).toBe('other');
    expect(p.src).toEqual({ ip: '', port: 0 });
    expect(d.counters.nonIp).toBe(1);
  });
});

describe('IP and transport', () => {
  it('skips IPv4 header options', () => {
    const options = Buffer.from([0x94, 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00]); // router alert + NOPs + EOL
    const packet = ipv4({ src: '1.2.3.4', dst: '5.6.7.8', protocol: 17, options }, udpDatagram(1, 2, 'opts'));
    const p = decode(decoder(), ethernet(0x0800, packet), 1) as DecodedPacket;
    expect(p.transport).toBe('udp');
    expect(p.src).toEqual({ ip: '1.2.3.4', port: 1 });
    expect(p.payload.toString()).toBe('opts');
  });

  it('ignores Ethernet padding after a short IP packet', () => {
    const packet = ipv4({ src: '1.2.3.4', dst: '5.6.7.8', protocol: 6 }, tcpSegment({ srcPort: 1, dstPort: 2, seq: 1, flags: TcpFlags.ACK }));
    const padded = Buffer.concat([ethernet(0x0800, packet), Buffer.alloc(6, 0xee)]);
    const p = decode(decoder(), padded, 1) as DecodedPacket;
    expect(p.payload.length).toBe(0);
    expect(p.payloadLength).toBe(0);
  });

  it('follows IPv6 extension headers to TCP', () => {
    const segment = tcpSegment({ srcPort: 443, dstPort: 50000, seq: 5, flags: TcpFlags.ACK, payload: 'tls' });
    const packet = ipv6('::1', '::2', 6, segment, [
      { type: 0, body: Buffer.alloc(6) }, // hop-by-hop
      { type: 60, body: Buffer.alloc(14) }, // destination options (16 bytes)
    ]);
    const p = decode(decoder(), packet, 229) as DecodedPacket;
    expect(p.transport).toBe('tcp');
    expect(p.src).toEqual({ ip: '::1', port: 443 });
    expect(p.payload.toString()).toBe('tls');
  });

  it('formats IPv6 addresses the RFC 5952 way', () => {
    const cases: [string, string][] = [
      ['2001:0db8:0000:0000:0000:ff00:0042:8329', '2001:db8::ff00:42:8329'],
      ['0:0:0:0:0:0:0:0', '::'],
      ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
      ['::ffff:c000:280', '::ffff:192.0.2.128'],
    ];
    const d = decoder();
    for (const [input, text] of cases) {
      const p = decode(d, ipv6(input, '::1', 17, udpDatagram(1, 2, 'x')), 229) as DecodedPacket;
      expect(p.src.ip).toBe(text);
    }
  });

  it('gives other IP protocols as transport "other" with ports 0', () => {
    const icmp = ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 1 }, Buffer.from([8, 0, 0, 0, 0, 1, 0, 1]));
    const d = decoder();
    const p = decode(d, icmp, 228) as DecodedPacket;
    expect(p.transport).toBe('other');
    expect(p.src).toEqual({ ip: '1.1.1.1', port: 0 });
    expect(p.payload.length).toBe(8);
    expect(d.counters.otherPackets).toBe(1);
  });

  it('marks packets cut by the snap length as truncated and keeps the wire payload length', () => {
    const full = ethernet(0x0800, tcpV4);
    const cut = full.subarray(0, full.length - 10);
    const d = decoder();
    const p = decode(d, cut, 1, full.length) as DecodedPacket;
    expect(p.truncated).toBe(true);
    expect(p.captureLength).toBe(cut.length);
    expect(p.length).toBe(full.length);
    expect(p.payload.toString()).toBe('GET / HTTP/1.1\r\n\r\n'.slice(0, -10));
    expect(p.payloadLength).toBe('GET / HTTP/1.1\r\n\r\n'.length);
    expect(d.counters.truncated).toBe(1);
  });

  it('marks a TCP header cut by the snap length as truncated, with ports but no sequence numbers', () => {
    const full = ethernet(0x0800, tcpV4);
    const cut = full.subarray(0, 14 + 20 + 10);
    const p = decode(decoder(), cut, 1, full.length) as DecodedPacket;
    expect(p.truncated).toBe(true);
    expect(p.transport).toBe('tcp');
    expect(p.tcp).toBeUndefined();
    expect(p.src.port).toBe(43210);
    expect(p.payload.length).toBe(0);
  });

  it('infers the wire length from the IP header when a live capture cut the packet', () => {
    const full = ethernet(0x0800, tcpV4);
    const cut = full.subarray(0, 60);
    const p = decode(decoder(), cut, 1, cut.length) as DecodedPacket;
    expect(p.truncated).toBe(true);
    expect(p.length).toBe(full.length);
  });

  it('counts malformed frames by reason and never throws', () => {
    const d = decoder();
    const badVersion = Buffer.from(tcpV4);
    badVersion[0] = 0x55;
    const badIhl = Buffer.from(tcpV4);
    badIhl[0] = 0x44;
    const badTotal = Buffer.from(tcpV4);
    badTotal.writeUInt16BE(10, 2);
    const badTcp = Buffer.from(tcpV4);
    badTcp[20 + 12] = 0x30; // data offset 3 words
    const badUdp = ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 17 }, Buffer.from([0, 1, 0, 2, 0, 4, 0, 0]));
    const shortV6 = udpV6.subarray(0, 30);
    expect(decode(d, Buffer.alloc(10), 1)).toBeNull();
    expect(decode(d, ethernet(0x0800, Buffer.alloc(10)), 1)).toBeNull();
    expect(decode(d, badVersion, 228)).toBeNull();
    expect(decode(d, badIhl, 228)).toBeNull();
    expect(decode(d, badTotal, 228)).toBeNull();
    expect(decode(d, badTcp, 228)).toBeNull();
    expect(decode(d, badUdp, 228)).toBeNull();
    expect(decode(d, shortV6, 229)).toBeNull();
    expect(decode(d, ethernet(0x8100, Buffer.from([0, 1])), 1)).toBeNull();
    const deep = ethernet(0x0800, tcpV4, new Array(9).fill({ tpid: 0x8100, vid: 1 }));
    expect(decode(d, deep, 1)).toBeNull();
    expect(d.counters.decodeErrorsByReason).toMatchObject({
      'link-header-short': 2,
      'ipv4-header-short': 1,
      'ipv4-bad-version': 1,
      'ipv4-bad-header-length': 1,
      'ipv4-bad-total-length': 1,
      'tcp-bad-header-length': 1,
      'udp-bad-length': 1,
      'ipv6-header-short': 1,
      'vlan-too-deep': 1,
    });
    expect(d.counters.decodeErrors).toBe(10);
    expect(d.counters.decoded).toBe(0);
  });
});

describe('IP fragments', () => {
  const body = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251));
  const datagram = udpDatagram(7000, 8000, body); // 3008 bytes of IP payload

  function v4Fragments(id: number): Buffer[] {
    const pieces: Buffer[] = [];
    for (let offset = 0; offset < datagram.length; offset += 1480) {
      const part = datagram.subarray(offset, Math.min(datagram.length, offset + 1480));
      pieces.push(
        ethernet(0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 17, id, fragmentOffset: offset, moreFragments: offset + 1480 < datagram.length }, part)),
      );
    }
    return pieces;
  }

  it('rebuilds an IPv4 datagram from fragments that arrive out of order', () => {
    const d = decoder();
    const [first, second, third] = v4Fragments(0x1234);
    const a = decode(d, third, 1) as DecodedPacket;
    const b = decode(d, first, 1) as DecodedPacket;
    const c = decode(d, second, 1) as DecodedPacket;
    for (const partial of [a, b]) {
      expect(partial.fragmented).toBe(true);
      expect(partial.transport).toBe('other');
    }
    expect(c.fragmented).toBe(true);
    expect(c.transport).toBe('udp');
    expect(c.src).toEqual({ ip: '10.0.0.1', port: 7000 });
    expect(c.dst).toEqual({ ip: '10.0.0.2', port: 8000 });
    expect(c.payload.equals(body)).toBe(true);
    expect(d.counters.fragments).toBe(3);
    expect(d.counters.fragmentsReassembled).toBe(1);
    expect(d.counters.fragmentBytesBuffered).toBe(0);
    expect(d.fragments.pendingDatagrams).toBe(0);
  });

  it('keeps the first-seen bytes of overlapping fragments', () => {
    const d = decoder();
    const payload = udpDatagram(1, 2, Buffer.alloc(40, 0x41)); // 48 bytes
    const frag = (offset: number, more: boolean, data: Buffer): Buffer => ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 17, id: 9, fragmentOffset: offset, moreFragments: more }, data);
    decode(d, frag(0, true, payload.subarray(0, 24)), 228);
    // Overlaps bytes 16..23 with different content: the first copy wins.
    decode(d, frag(16, true, Buffer.concat([Buffer.alloc(8, 0x5a), payload.subarray(24, 32)])), 228);
    const p = decode(d, frag(32, false, payload.subarray(32)), 228) as DecodedPacket;
    expect(p.transport).toBe('udp');
    expect(p.payload.equals(Buffer.alloc(40, 0x41))).toBe(true);
  });

  it('rebuilds IPv6 fragments', () => {
    const d = decoder();
    const segment = tcpSegment({ srcPort: 1234, dstPort: 80, seq: 1, flags: TcpFlags.ACK, payload: Buffer.alloc(2000, 0x61) });
    const first = ipv6Raw('2001:db8::a', '2001:db8::b', 44, Buffer.concat([ipv6FragmentHeader(6, 0, true, 77), segment.subarray(0, 1232)]));
    const second = ipv6Raw('2001:db8::a', '2001:db8::b', 44, Buffer.concat([ipv6FragmentHeader(6, 1232, false, 77), segment.subarray(1232)]));
    const a = decode(d, second, 229) as DecodedPacket;
    expect(a.fragmented).toBe(true);
    expect(a.transport).toBe('other');
    const b = decode(d, first, 229) as DecodedPacket;
    expect(b.transport).toBe('tcp');
    expect(b.fragmented).toBe(true);
    expect(b.ipVersion).toBe(6);
    expect(b.src).toEqual({ ip: '2001:db8::a', port: 1234 });
    expect(b.payload.equals(Buffer.alloc(2000, 0x61))).toBe(true);
  });

  it('drops incomplete trains after the timeout (packet time)', () => {
    const d = new FrameDecoder({ fragments: { timeoutMs: 1000 } });
    const [first, , third] = v4Fragments(1);
    decode(d, first, 1, first.length, TS);
    decode(d, third, 1, third.length, TS + 10);
    expect(d.fragments.pendingDatagrams).toBe(1);
    // A fragment of another train 2 s later expires the first one.
    decode(d, v4Fragments(2)[0], 1, first.length, TS + 2000);
    expect(d.counters.fragmentsDropped).toBe(2);
    expect(d.fragments.pendingDatagrams).toBe(1);
    d.expireFragments(TS + 10_000);
    expect(d.fragments.pendingDatagrams).toBe(0);
    expect(d.counters.fragmentBytesBuffered).toBe(0);
  });

  it('keeps fragment memory under its cap by dropping the oldest trains', () => {
    const d = new FrameDecoder({ fragments: { maxBytes: 4000 } });
    for (let id = 0; id < 10; id++) decode(d, v4Fragments(id)[0], 1);
    expect(d.fragments.bufferedBytes).toBeLessThanOrEqual(4000);
    expect(d.counters.fragmentsDropped).toBeGreaterThanOrEqual(8);
    expect(d.fragments.pendingDatagrams).toBeLessThanOrEqual(2);
  });

  it('refuses fragments that would exceed 65535 bytes', () => {
    const d = decoder();
    const frame = ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 17, id: 1, fragmentOffset: 65528, moreFragments: false }, Buffer.alloc(100));
    expect(decode(d, frame, 228)).toBeNull();
    expect(d.counters.decodeErrorsByReason['fragment-bad-offset']).toBe(1);
  });
});

describe('real captures', () => {
  it.each([
    ['http-wrk.pcap', 52_205, 52_205, 0],
    ['http-mixed.pcap', 193, 193, 0],
    ['redis.pcap', 16_228, 16_228, 0],
    ['postgres.pcap', 435, 435, 0],
    ['dns.pcap', 18, 10, 8],
  ])('%s decodes all %i frames (tcp %i, udp %i)', async (name, total, tcp, udp) => {
    const counters = new CaptureCounters();
    const d = new FrameDecoder({ counters });
    const reader = await CaptureFileReader.open(sharedPcap(name), { counters });
    for await (const record of reader.records()) d.decode(record);
    expect(counters.decoded).toBe(total);
    expect(counters.tcpPackets).toBe(tcp);
    expect(counters.udpPackets).toBe(udp);
    expect(counters.decodeErrors).toBe(0);
    expect(counters.truncated).toBe(0);
  });
});

describe('toPacketInfo', () => {
  it('gives the onPacketCaptured fields as fresh plain data', () => {
    const p = decode(decoder(), ethernet(0x0800, tcpV4), 1) as DecodedPacket;
    const info = toPacketInfo(p);
    expect(info).toEqual({
      timestamp: TS,
      captureLength: 14 + tcpV4.length,
      length: 14 + tcpV4.length,
      truncated: false,
      fragmented: false,
      src: { ip: '10.1.2.3', port: 43210 },
      dst: { ip: '10.9.8.7', port: 8080 },
      transport: 'tcp',
    });
    expect(info.src).not.toBe(p.src);
  });
});
