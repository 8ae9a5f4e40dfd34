import { sharedPcap } from '@wirehook/testing';
import { CaptureCounters, CaptureFileReader, FrameDecoder, TcpFlags, TcpReassembler, type StreamDirection, type TcpReassemblerOptions, type TcpStreamInfo } from '../src';
import { pcapFile } from './helpers/frames';
import { CLIENT, RecordingSink, SERVER, tcpPacket, udpPacket } from './helpers/sink';

const { SYN, ACK, FIN, RST, PSH } = TcpFlags;
const C2S = 'client-to-server';
const S2C = 'server-to-client';

function setup(options: TcpReassemblerOptions = {}): { sink: RecordingSink; r: TcpReassembler; counters: CaptureCounters } {
  const sink = new RecordingSink();
  const counters = new CaptureCounters();
  return { sink, r: new TcpReassembler(sink, { counters, ...options }), counters };
}

/** Client ISN 1000, server ISN 5000: client data starts at 1001, server data at 5001. */
function handshake(r: TcpReassembler, client = CLIENT, server = SERVER, ts = 1_000, clientIsn = 1000, serverIsn = 5000): void {
  r.push(tcpPacket(client, server, clientIsn, SYN, '', ts));
  r.push(tcpPacket(server, client, serverIsn, SYN | ACK, '', ts));
  r.push(tcpPacket(client, server, clientIsn + 1, ACK, '', ts));
}

describe('TcpReassembler', () => {
  it('delivers a whole connection in order and closes it on the second FIN', () => {
    const { sink, r, counters } = setup();
    handshake(r);
    const request = tcpPacket(CLIENT, SERVER, 1001, PSH | ACK, 'GET / HTTP/1.1\r\n\r\n', 1_001);
    r.push(request);
    r.push(tcpPacket(SERVER, CLIENT, 5001, PSH | ACK, 'HTTP/1.1 200 OK\r\n\r\n', 1_002));
    r.push(tcpPacket(CLIENT, SERVER, 1019, FIN | ACK, '', 1_003));
    r.push(tcpPacket(SERVER, CLIENT, 5020, FIN | ACK, '', 1_004));
    const trailingAck = tcpPacket(CLIENT, SERVER, 1020, ACK, '', 1_005);
    r.push(trailingAck);

    expect(sink.events).toEqual([
      { kind: 'data', stream: 1, direction: C2S, text: 'GET / HTTP/1.1\r\n\r\n', timestamp: 1_001 },
      { kind: 'data', stream: 1, direction: S2C, text: 'HTTP/1.1 200 OK\r\n\r\n', timestamp: 1_002 },
      { kind: 'close', stream: 1, reason: 'fin', timestamp: 1_004 },
    ]);
    expect(sink.streams.get(1)).toEqual({ id: 1, client: CLIENT, server: SERVER, rolesKnown: true, ipVersion: 4 });
    expect(request.streamId).toBe(1);
    expect(trailingAck.streamId).toBe(1);
    expect(counters.packetsAfterClose).toBe(1);
    expect(counters.streamsOpen).toBe(0);
    expect(counters.streamsClosed.fin).toBe(1);
    expect(counters.streamBytes).toBe(37);
  });

  it('knows the roles when the SYN-ACK is the first packet seen', () => {
    const { sink, r } = setup();
    r.push(tcpPacket(SERVER, CLIENT, 5000, SYN | ACK));
    r.push(tcpPacket(CLIENT, SERVER, 1001, PSH | ACK, 'ping'));
    expect(sink.streams.get(1)).toMatchObject({ client: CLIENT, server: SERVER, rolesKnown: true });
    expect(sink.text(1, C2S)).toBe('ping');
  });

  it('reorders out-of-order segments', () => {
    const { sink, r, counters } = setup();
    handshake(r);
    r.push(tcpPacket(CLIENT, SERVER, 1009, ACK, 'CCCC'));
    r.push(tcpPacket(CLIENT, SERVER, 1001, ACK, 'AAAA'));
    expect(sink.text(1, C2S)).toBe('AAAA');
    r.push(tcpPacket(CLIENT, SERVER, 1005, ACK, 'BBBB'));
    expect(sink.text(1, C2S)).toBe('AAAABBBBCCCC');
    expect(counters.outOfOrderSegments).toBe(1);
    expect(counters.bytesBuffered).toBe(0);
    expect(r.bufferedBytes).toBe(0);
  });

  it('drops retransmitted segments and counts them', () => {
    const { sink, r, counters } = setup();
    handshake(r);
    r.push(tcpPacket(CLIENT, SERVER, 1001, ACK, 'AAAA'));
    r.push(tcpPacket(CLIENT, SERVER, 1001, ACK, 'AAAA'));
    r.push(tcpPacket(CLIENT, SERVER, 1005, ACK, 'BBBB'));
    r.push(tcpPacket(CLIENT, SERVER, 1005, ACK, 'BBBB'));
    expect(sink.text(1, C2S)).toBe('AAAABBBB');
    expect(counters.retransmittedSegments).toBe(2);
    expect(counters.retransmittedBytes).toBe(8);
  });

  it('keeps the first-seen bytes of a segment overlapping delivered data', () => {
    const { sink, r, counters } = setup();
    handshake(r);
    r.push(tcpPacket(CLIENT, SERVER, 1001, ACK, 'A'.repeat(10)));
    r.push(tcpPacket(CLIENT, SERVER, 1006, ACK, 'B'.repeat(10)));
    expect(sink.text(1, C2S)).toBe('A'.repeat(10) + 'B'.repeat(5));
    expect(counters.overlappingSegments).toBe(1);
    expect(counters.overlapBytes).toBe(5);
  });

  it('keeps the first-seen bytes when buffered segments overlap', () => {
    const { sink, r, counters } = setup();
    handshake(r);
    r.push(tcpPacket(CLIENT, SERVER, 1011, ACK, 'X'.repeat(10))); // [10, 20)
    r.push(tcpPacket(CLIENT, SERVER, 1006, ACK, 'Y'.repeat(20))); // [5, 25): only [5,10) and [20,25) are new
    r.push(tcpPacket(CLIENT, SERVER, 1001, ACK, 'Z'.repeat(7))); // [0, 7): [5,7) overlaps Y
    expect(sink.text(1, C2S)).toBe('ZZZZZ' + 'YYYYY' + 'X'.repeat(10) + 'YYYYY');
    expect(counters.overlapBytes).toBe(10 + 2);
    expect(r.bufferedBytes).toBe(0);
  });

  it('follows a connection picked up mid-way, taking the first sender as client without knowing roles', () => {
    const { sink, r } = setup();
    // First packet from the server port to an ephemeral port: the dissectors decide by content.
    r.push(tcpPacket(SERVER, CLIENT, 777_000, PSH | ACK, 'tail of a response'));
    r.push(tcpPacket(CLIENT, SERVER, 123_000, PSH | ACK, 'GET /next HTTP/1.1\r\n\r\n'));
    r.push(tcpPacket(SERVER, CLIENT, 777_018, PSH | ACK, ' and more'));
    expect(sink.streams.get(1)).toEqual({ id: 1, client: SERVER, server: CLIENT, rolesKnown: false, ipVersion: 4 });
    expect(sink.text(1, C2S)).toBe('tail of a response and more');
    expect(sink.text(1, S2C)).toBe('GET /next HTTP/1.1\r\n\r\n');
  });

  it('does not open a stream for a pure ACK or RST of an unknown connection', () => {
    const { sink, r, counters } = setup();
    r.push(tcpPacket(CLIENT, SERVER, 1, ACK));
    r.push(tcpPacket(CLIENT, SERVER, 1, RST));
    expect(sink.streams.size).toBe(0);
    expect(counters.streamsOpened).toBe(0);
    expect(counters.tcpSegmentsIgnored).toBe(2);
  });

  it('closes on RST after delivering buffered data behind a gap', () => {
    const { sink, r, counters } = setup();
    handshake(r);
    r.push(tcpPacket(SERVER, CLIENT, 5011, ACK, 'later')); // bytes [10, 15) of the server side; [0, 10) never arrive
    r.push(tcpPacket(CLIENT, SERVER, 1001, RST | ACK, '', 2_000));
    expect(sink.text(1, S2C)).toBe('[gap 10]later');
    expect(sink.closes.get(1)).toBe('rst');
    expect(counters.gaps).toBe(1);
    expect(counters.gapBytes).toBe(10);
    expect(counters.streamsClosed.rst).toBe(1);
    expect(r.bufferedBytes).toBe(0);
  });

  it('closes after a FIN that arrived before the data it follows', () => {
    const { sink, r } = setup();
    handshake(r);
    r.push(tcpPacket(CLIENT, SERVER, 1005, FIN | ACK, 'tail'));
    r.push(tcpPacket(SERVER, CLIENT, 5001, FIN | ACK, ''));
    expect(sink.closes.size).toBe(0);
    r.push(tcpPacket(CLIENT, SERVER, 1001, ACK, 'head'));
    expect(sink.text(1, C2S)).toBe('headtail');
    expect(sink.closes.get(1)).toBe('fin');
  });

  it('handles sequence numbers that wrap around 2^32', () => {
    const { sink, r } = setup();
    const isn = 0xfffffff0;
    handshake(r, CLIENT, SERVER, 1_000, isn, 0xffffffff);
    // 32 bytes from 0xfffffff1: the second half starts after the wrap.
    r.push(tcpPacket(CLIENT, SERVER, (isn + 17) >>> 0, ACK, 'b'.repeat(16)));
    r.push(tcpPacket(CLIENT, SERVER, (isn + 1) >>> 0, ACK, 'a'.repeat(16)));
    r.push(tcpPacket(SERVER, CLIENT, 0, ACK, 'server data after a SYN at 0xffffffff'));
    r.push(tcpPacket(CLIENT, SERVER, (isn + 33) >>> 0, FIN | ACK, ''));
    r.push(tcpPacket(SERVER, CLIENT, 37, FIN | ACK, ''));
    expect(sink.text(1, C2S)).toBe('a'.repeat(16) + 'b'.repeat(16));
    expect(sink.text(1, S2C)).toBe('server data after a SYN at 0xffffffff');
    expect(sink.closes.get(1)).toBe('fin');
  });

  it('closes idle streams by packet time, and on flush', () => {
    const { sink, r, counters } = setup({ idleTimeoutMs: 10_000 });
    const other = { ip: '10.0.0.3', port: 40001 };
    handshake(r, CLIENT, SERVER, 1_000);
    r.push(tcpPacket(CLIENT, SERVER, 1001, ACK, 'x', 1_000));
    handshake(r, other, SERVER, 5_000);
    r.push(tcpPacket(other, SERVER, 1001, ACK, 'y', 11_500));
    expect(sink.closes.get(1)).toBe('timeout');
    expect(sink.events.find((e) => e.kind === 'close')).toMatchObject({ stream: 1, timestamp: 11_500 });
    expect(sink.closes.has(2)).toBe(false);
    r.flush(30_000);
    expect(sink.closes.get(2)).toBe('timeout');
    expect(counters.streamsClosed.timeout).toBe(2);
    expect(counters.streamsOpen).toBe(0);
    expect(r.trackedStreams).toBe(0);
  });

  it('turns the oldest hole into a gap when a stream buffers more than its cap', () => {
    const { sink, r, counters } = setup({ maxStreamBufferedBytes: 1_000 });
    handshake(r);
    // Bytes [0, 100) are lost; 10 segments of 200 bytes follow.
    for (let i = 0; i < 10; i++) r.push(tcpPacket(CLIENT, SERVER, 1101 + i * 200, ACK, String.fromCharCode(65 + i).repeat(200)));
    const text = sink.text(1, C2S);
    expect(text.startsWith('[gap 100]AAAA')).toBe(true);
    expect(counters.gaps).toBe(1);
    expect(counters.gapBytes).toBe(100);
    expect(r.bufferedBytes).toBeLessThanOrEqual(1_000);
    // The rest follows once everything is in order.
    expect(text.replace('[gap 100]', '')).toBe([...'ABCDEFGHIJ'].map((c) => c.repeat(200)).join(''));
    expect(sink.closes.size).toBe(0);
  });

  it('evicts the oldest buffering stream when all streams buffer more than the overall cap', () => {
    const { sink, r, counters } = setup({ maxStreamBufferedBytes: 2_000, maxBufferedBytes: 3_000 });
    const clients = [1, 2, 3].map((i) => ({ ip: `10.0.1.${i}`, port: 40000 + i }));
    for (const client of clients) handshake(r, client, SERVER);
    for (const client of clients) r.push(tcpPacket(client, SERVER, 1101, ACK, 'z'.repeat(1_200)));
    expect(sink.closes.get(1)).toBe('evicted');
    expect(sink.text(1, C2S)).toBe('[gap 1300]');
    expect(sink.closes.has(2)).toBe(false);
    expect(counters.evictedStreams).toBe(1);
    expect(counters.evictedBytes).toBe(1_200);
    expect(r.bufferedBytes).toBeLessThanOrEqual(3_000);
    // The evicted connection goes on as a new stream picked up mid-way.
    r.push(tcpPacket(clients[0], SERVER, 2301, ACK, 'more'));
    expect(sink.streams.get(4)).toMatchObject({ client: clients[0], rolesKnown: false });
    expect(sink.text(4, C2S)).toBe('more');
  });

  it('evicts the least recently seen stream beyond maxStreams', () => {
    const { sink, r, counters } = setup({ maxStreams: 3 });
    for (let i = 1; i <= 4; i++) handshake(r, { ip: `10.0.2.${i}`, port: 50000 + i }, SERVER, i);
    expect(sink.closes.get(1)).toBe('evicted');
    expect(r.trackedStreams).toBe(3);
    expect(counters.evictedStreams).toBe(1);
  });

  it('remembers a closed stream only for the linger time, however much it still receives', () => {
    const { sink, r, counters } = setup({ closedLingerMs: 5_000 });
    handshake(r, CLIENT, SERVER, 1_000);
    r.push(tcpPacket(CLIENT, SERVER, 1001, RST, '', 1_000));
    // Packets of a new connection whose SYN was not captured keep arriving on the 4-tuple.
    for (let t = 2_000; t <= 5_000; t += 1_000) r.push(tcpPacket(CLIENT, SERVER, 70_000, ACK, 'lost', t));
    expect(counters.packetsAfterClose).toBe(4);
    r.push(tcpPacket(CLIENT, SERVER, 70_000, ACK, 'found', 6_500));
    expect(sink.streams.get(2)).toMatchObject({ client: CLIENT, rolesKnown: false });
    expect(sink.text(2, C2S)).toBe('found');
  });

  it('starts a new stream for a SYN on a closed 4-tuple, or a SYN with a new ISN on an open one', () => {
    const { sink, r } = setup();
    handshake(r);
    r.push(tcpPacket(CLIENT, SERVER, 1001, RST, ''));
    handshake(r, CLIENT, SERVER, 2_000, 90_000, 91_000);
    r.push(tcpPacket(CLIENT, SERVER, 90_001, ACK, 'second'));
    handshake(r, CLIENT, SERVER, 3_000, 7_000, 8_000);
    r.push(tcpPacket(CLIENT, SERVER, 7_001, ACK, 'third'));
    expect(sink.closes.get(1)).toBe('rst');
    expect(sink.closes.get(2)).toBe('timeout');
    expect(sink.text(2, C2S)).toBe('second');
    expect(sink.text(3, C2S)).toBe('third');
  });

  it('delivers the captured part of a snap-length-cut segment and a gap for the rest', () => {
    const { sink, r } = setup();
    handshake(r);
    r.push(tcpPacket(CLIENT, SERVER, 1001, ACK, 'ABC', 1_000, 10));
    r.push(tcpPacket(CLIENT, SERVER, 1011, ACK, 'next'));
    // Out of order, cut as well.
    r.push(tcpPacket(SERVER, CLIENT, 5006, ACK, 'WXYZ', 1_000, 8));
    r.push(tcpPacket(SERVER, CLIENT, 5001, ACK, 'hello'));
    expect(sink.text(1, C2S)).toBe('ABC[gap 7]next');
    expect(sink.text(1, S2C)).toBe('helloWXYZ[gap 4]');
  });

  it('closes every open stream at the end of the capture, after its buffered data', () => {
    const { sink, r, counters } = setup();
    handshake(r);
    r.push(tcpPacket(CLIENT, SERVER, 1005, ACK, 'late'));
    handshake(r, { ip: '10.0.0.9', port: 1234 }, SERVER);
    r.push(tcpPacket({ ip: '10.0.0.9', port: 1234 }, SERVER, 1001, RST, ''));
    r.closeAll(9_999);
    expect(sink.text(1, C2S)).toBe('[gap 4]late');
    expect(sink.closes.get(1)).toBe('end-of-capture');
    expect(sink.closes.get(2)).toBe('rst');
    expect(counters.streamsClosed['end-of-capture']).toBe(1);
    expect(r.trackedStreams).toBe(0);
    expect(r.openStreams).toBe(0);
  });

  it('gives UDP datagrams to onDatagram with one flow id for both directions', () => {
    const { sink, r, counters } = setup({ udpIdleTimeoutMs: 1_000 });
    handshake(r);
    const dns = { ip: '10.0.0.53', port: 53 };
    const query = udpPacket(CLIENT, dns, 'query', 1_000);
    const answer = udpPacket(dns, CLIENT, 'answer', 1_001);
    const later = udpPacket(CLIENT, dns, 'again', 5_000);
    r.push(query);
    r.push(answer);
    r.push(later);
    expect(query.streamId).toBe(2);
    expect(answer.streamId).toBe(2);
    expect(later.streamId).toBe(3);
    expect(sink.events.filter((e) => e.kind === 'datagram').map((e) => (e.kind === 'datagram' ? e.text : ''))).toEqual(['query', 'answer', 'again']);
    expect(counters.datagrams).toBe(3);
    expect(counters.udpFlowsOpened).toBe(2);
    expect(counters.udpFlowsOpen).toBe(1);
  });

  it('drops a segment further ahead than any TCP window instead of waiting for it', () => {
    const { sink, r, counters } = setup();
    handshake(r);
    r.push(tcpPacket(CLIENT, SERVER, 1001 + 2 ** 31 - 10, ACK, 'garbage'));
    r.push(tcpPacket(CLIENT, SERVER, 1001, ACK, 'real'));
    r.closeAll();
    expect(sink.text(1, C2S)).toBe('real');
    expect(counters.outOfWindowSegments).toBe(1);
    expect(counters.gaps).toBe(0);
  });

  it('ignores packets that are neither TCP with a header nor UDP', () => {
    const { sink, r, counters } = setup();
    const cut = tcpPacket(CLIENT, SERVER, 1, ACK, 'x');
    cut.tcp = undefined;
    r.push(cut);
    r.push({ ...udpPacket(CLIENT, SERVER, 'x'), transport: 'other' });
    expect(sink.events).toEqual([]);
    expect(counters.tcpSegmentsIgnored).toBe(1);
  });
});

/**
 * Reassembled payload bytes per direction, from tshark 4.0:
 *   tshark -r F -T fields -e tcp.stream -e tcp.srcport -e tcp.len (summed per stream and direction)
 * cross-checked with `tshark -q -z follow,tcp,raw,N` per stream (postgres: its 4 retransmissions carry no payload).
 * FIN/RST counts: -e tcp.flags.fin -e tcp.flags.reset per stream.
 */
const TSHARK: Record<string, { packets: number; streams: number; c2s: number; s2c: number; fin: number; rst: number; datagrams: number }> = {
  'http-wrk.pcap': { packets: 52_205, streams: 33, c2s: 1_324_062, s2c: 7_996_176, fin: 28, rst: 5, datagrams: 0 },
  'http-mixed.pcap': { packets: 193, streams: 17, c2s: 27_656, s2c: 329_595, fin: 17, rst: 0, datagrams: 0 },
  'redis.pcap': { packets: 16_228, streams: 26, c2s: 316_388, s2c: 53_997, fin: 26, rst: 0, datagrams: 0 },
  'postgres.pcap': { packets: 435, streams: 5, c2s: 1_598_726, s2c: 10_642, fin: 5, rst: 0, datagrams: 0 },
  'dns.pcap': { packets: 18, streams: 1, c2s: 56, s2c: 60, fin: 1, rst: 0, datagrams: 8 },
};

/** A sink taking ranges (as the dissectors do), recording the same events as RecordingSink. */
class RangeSink extends RecordingSink {
  ranges = 0;
  onStreamBytes(stream: TcpStreamInfo, direction: StreamDirection, buf: Buffer, start: number, end: number, timestamp: number): void {
    this.ranges++;
    this.onStreamData(stream, direction, Buffer.from(buf.subarray(start, end)), timestamp);
  }
}

describe('ranges to the sink', () => {
  it.each(['http-mixed.pcap', 'redis.pcap'])('%s: a sink taking ranges gets the same bytes as one taking Buffers', async (name) => {
    const replay = async (sink: RecordingSink): Promise<void> => {
      const decoder = new FrameDecoder();
      const r = new TcpReassembler(sink);
      const reader = await CaptureFileReader.open(sharedPcap(name), { chunkSize: 64 * 1024, reuseChunks: true });
      for (;;) {
        for (let record = reader.next(); record !== null; record = reader.next()) {
          const packet = decoder.decode(record);
          if (packet !== null) r.push(packet);
        }
        if (!(await reader.fill())) break;
      }
      await reader.close();
      r.closeAll();
    };
    const buffers = new RecordingSink();
    const ranges = new RangeSink();
    await replay(buffers);
    await replay(ranges);
    expect(ranges.ranges).toBeGreaterThan(0);
    expect(ranges.events).toEqual(buffers.events);
  });
});

describe('real captures against tshark', () => {
  it.each(Object.keys(TSHARK))('%s', async (name) => {
    const expected = TSHARK[name];
    const counters = new CaptureCounters();
    const sink = new RecordingSink();
    sink.keepText = false;
    const decoder = new FrameDecoder({ counters });
    const r = new TcpReassembler(sink, { counters });
    const reader = await CaptureFileReader.open(sharedPcap(name), { counters });
    for (;;) {
      const record = reader.next();
      if (record !== null) {
        const packet = decoder.decode(record);
        if (packet !== null) r.push(packet);
        continue;
      }
      if (!(await reader.fill())) break;
    }
    await reader.close();
    r.closeAll();
    let c2s = 0;
    let s2c = 0;
    for (const totals of sink.bytes.values()) {
      c2s += totals.c2s;
      s2c += totals.s2c;
    }
    expect(counters.packets).toBe(expected.packets);
    expect(counters.streamsOpened).toBe(expected.streams);
    expect({ c2s, s2c }).toEqual({ c2s: expected.c2s, s2c: expected.s2c });
    expect(counters.streamsClosed).toEqual({ fin: expected.fin, rst: expected.rst, timeout: 0, evicted: 0, 'end-of-capture': 0 });
    expect(counters.datagrams).toBe(expected.datagrams);
    expect(counters.gaps).toBe(0);
    expect(counters.outOfOrderSegments).toBe(0);
    for (const info of sink.streams.values()) expect(info.rolesKnown).toBe(true);
    if (name === 'http-wrk.pcap') {
      // 24 of the 33 connections carried 1,000 requests each: 51,000 bytes up, 307,995 down.
      const full = [...sink.bytes.values()].filter((t) => t.c2s === 51_000 && t.s2c === 307_995);
      expect(full).toHaveLength(24);
      for (const info of sink.streams.values()) expect(info.server.port).toBe(18080);
    }
  });
});

describe('a capture cut by a snap length', () => {
  it('http-mixed.pcap at 96 bytes: delivered bytes plus gaps add up to tshark’s totals', async () => {
    // Re-write the capture as tcpdump -s 96 would have: frames cut, wire lengths kept.
    const original = await CaptureFileReader.open(sharedPcap('http-mixed.pcap'));
    const records = [];
    for await (const record of original.records()) {
      const seconds = Math.floor(record.timestamp / 1000);
      records.push({ frame: Buffer.from(record.data.subarray(0, 96)), seconds, fraction: Math.round((record.timestamp - seconds * 1000) * 1000), length: record.length });
    }
    const counters = new CaptureCounters();
    const sink = new RecordingSink();
    sink.keepText = false;
    const decoder = new FrameDecoder({ counters });
    const r = new TcpReassembler(sink, { counters });
    const reader = await CaptureFileReader.fromBuffer(pcapFile(records, { linkType: 1, snapLength: 96 }), 'snap96.pcap', { counters });
    for await (const record of reader.records()) {
      const packet = decoder.decode(record);
      if (packet !== null) r.push(packet);
    }
    r.closeAll();
    let delivered = 0;
    for (const totals of sink.bytes.values()) delivered += totals.c2s + totals.s2c;
    const expected = TSHARK['http-mixed.pcap'];
    expect(counters.truncated).toBeGreaterThan(0);
    expect(delivered + counters.gapBytes).toBe(expected.c2s + expected.s2c);
    expect(counters.streamsClosed.fin).toBe(expected.fin);
  });
});
