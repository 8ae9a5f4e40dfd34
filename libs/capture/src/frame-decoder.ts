import { ChunkRecord, type PacketRecord } from './capture-file-reader';
import { CaptureCounters, type DecodeErrorReason } from './counters';
import { IpFragmentReassembler, MAX_REASSEMBLED_PAYLOAD, type IpFragmentOptions } from './ip-fragments';
import { ipv4ToString, ipv6ToString } from './ip-format';
import { CapturedPacket } from './decoded-packet';
import type { DecodedPacket, Transport } from './stream-events';

export interface FrameDecoderOptions {
  counters?: CaptureCounters;
  fragments?: IpFragmentOptions;
}

const EMPTY = Buffer.alloc(0);
const MAX_VLAN_TAGS = 8;
const MAX_IPV6_EXTENSION_HEADERS = 16;
const PROTO_TCP = 6;
const PROTO_UDP = 17;
const NO_ADDRESS = '';

// BSD loopback address families (DLT_NULL / DLT_LOOP): AF_INET is 2 everywhere, AF_INET6 differs by OS.
const AF_INET = 2;
function isAfInet6(family: number): boolean {
  return family === 10 || family === 24 || family === 28 || family === 30;
}

/**
 * Link → IP → TCP/UDP decoding of one frame, written for the hot path: no per-packet closures,
 * one result object, IP text from fixed-size caches. Frames it cannot decode are counted by reason
 * in `CaptureCounters.decodeErrorsByReason` and skipped (`decode` returns null); it never throws on
 * packet content.
 *
 * Fragments: every fragment is returned as a packet with `fragmented: true` and `transport: 'other'`
 * (its bytes are not a transport segment) except the one that completes a train, which is returned
 * decoded from the rebuilt datagram (`fragmented: true`, `transport: 'tcp' | 'udp' | 'other'`).
 */
export class FrameDecoder {
  readonly counters: CaptureCounters;
  readonly fragments: IpFragmentReassembler;
  private readonly frameInfo = new FrameInfo();

  constructor(options: FrameDecoderOptions = {}) {
    this.counters = options.counters ?? new CaptureCounters();
    this.fragments = new IpFragmentReassembler(this.counters, options.fragments);
  }

  decode(record: PacketRecord): DecodedPacket | null {
    if (record instanceof ChunkRecord) {
      const start = record.offset;
      return this.decodeAt(record.chunk, start, start + record.captureLength, record.linkType, record.timestamp, record.length, record.interfaceId, null);
    }
    const data = record.data;
    return this.decodeAt(data, 0, data.length, record.linkType, record.timestamp, record.length, record.interfaceId, data);
  }

  /** Decodes one captured frame. `length` is the length on the wire (≥ frame.length). */
  decodeFrame(frame: Buffer, linkType: number, timestamp: number, length: number, interfaceId: number): DecodedPacket | null {
    return this.decodeAt(frame, 0, frame.length, linkType, timestamp, length, interfaceId, frame);
  }

  /**
   * Decodes the frame `buf[start, end)` without making a view of it (the packet's `frame` is made
   * on first read, or is `frame` when the caller has one).
   */
  decodeAt(
    buf: Buffer,
    start: number,
    end: number,
    linkType: number,
    timestamp: number,
    length: number,
    interfaceId: number,
    frame: Buffer | null,
  ): DecodedPacket | null {
    const size = end - start;
    let offset: number;
    let etherType: number;
    switch (linkType) {
      case 1: {
        if (size < 14) return this.malformed('link-header-short');
        etherType = (buf[start + 12] << 8) | buf[start + 13];
        offset = start + 14;
        break;
      }
      case 113: {
        if (size < 16) return this.malformed('link-header-short');
        etherType = (buf[start + 14] << 8) | buf[start + 15];
        offset = start + 16;
        break;
      }
      case 276: {
        if (size < 20) return this.malformed('link-header-short');
        etherType = (buf[start] << 8) | buf[start + 1];
        offset = start + 20;
        break;
      }
      case 101:
      case 12:
      case 14: {
        if (size < 1) return this.malformed('link-header-short');
        const version = buf[start] >> 4;
        etherType = version === 4 ? 0x0800 : version === 6 ? 0x86dd : 0;
        offset = start;
        break;
      }
      case 228:
        etherType = 0x0800;
        offset = start;
        break;
      case 229:
        etherType = 0x86dd;
        offset = start;
        break;
      case 0:
      case 108: {
        if (size < 4) return this.malformed('link-header-short');
        // DLT_NULL stores the family in the capturing host's byte order, DLT_LOOP in network order.
        let family = linkType === 108 ? buf.readUInt32BE(start) : buf.readUInt32LE(start);
        if (linkType === 0 && family > 0xffff) family = buf.readUInt32BE(start);
        etherType = family === AF_INET ? 0x0800 : isAfInet6(family) ? 0x86dd : 0;
        offset = start + 4;
        break;
      }
      default:
        return this.malformed('unsupported-link-type');
    }

    // 802.1Q / 802.1ad tags (also seen inside Linux cooked captures).
    let tags = 0;
    while (etherType === 0x8100 || etherType === 0x88a8 || etherType === 0x9100) {
      if (++tags > MAX_VLAN_TAGS) return this.malformed('vlan-too-deep');
      if (offset + 4 > end) return this.malformed('link-header-short');
      etherType = (buf[offset + 2] << 8) | buf[offset + 3];
      offset += 4;
    }

    const frameInfo = this.frameInfo;
    frameInfo.buf = buf;
    frameInfo.start = start;
    frameInfo.end = end;
    frameInfo.frame = frame;
    frameInfo.linkType = linkType;
    frameInfo.timestamp = timestamp;
    frameInfo.length = length;
    frameInfo.interfaceId = interfaceId;
    if (etherType === 0x0800) return this.decodeIpv4(buf, offset, end);
    if (etherType === 0x86dd) return this.decodeIpv6(buf, offset, end);
    this.counters.nonIp++;
    return this.packet(size < length, false, 0, NO_ADDRESS, 0, NO_ADDRESS, 0, 'other', undefined, EMPTY, 0, 0, 0);
  }

  /** Drops incomplete fragment trains older than the fragment timeout at packet time `now`. */
  expireFragments(now: number): void {
    this.fragments.expire(now);
  }

  private decodeIpv4(buf: Buffer, ip: number, end: number): DecodedPacket | null {
    const info = this.frameInfo;
    if (ip + 20 > end) return this.malformed('ipv4-header-short');
    const versionAndLength = buf[ip];
    if (versionAndLength >> 4 !== 4) return this.malformed('ipv4-bad-version');
    const headerLength = (versionAndLength & 0x0f) * 4;
    if (headerLength < 20) return this.malformed('ipv4-bad-header-length');
    if (ip + headerLength > end) return this.malformed('ipv4-header-short');
    let totalLength = (buf[ip + 2] << 8) | buf[ip + 3];
    // 0 is what segmentation offload leaves in captured super-packets: take what was captured.
    if (totalLength === 0) totalLength = end - ip;
    if (totalLength < headerLength) return this.malformed('ipv4-bad-total-length');

    const wireEnd = ip + totalLength;
    const ipEnd = this.clampToCaptured(wireEnd, end);
    const truncated = ipEnd !== wireEnd || end - info.start < info.length;
    const src = ipv4ToString(buf, ip + 12);
    const dst = ipv4ToString(buf, ip + 16);
    const protocol = buf[ip + 9];
    const fragmentField = (buf[ip + 6] << 8) | buf[ip + 7];
    const payloadStart = ip + headerLength;
    if ((fragmentField & 0x3fff) !== 0) {
      const key = `4|${src}|${dst}|${protocol}|${(buf[ip + 4] << 8) | buf[ip + 5]}`;
      return this.fragment(key, (fragmentField & 0x1fff) * 8, (fragmentField & 0x2000) !== 0, buf, payloadStart, ipEnd, totalLength - headerLength, protocol, 4, src, dst, truncated);
    }
    return this.decodeTransport(buf, payloadStart, ipEnd, totalLength - headerLength, protocol, 4, src, dst, truncated, false);
  }

  private decodeIpv6(buf: Buffer, ip: number, end: number): DecodedPacket | null {
    const info = this.frameInfo;
    if (ip + 40 > end) return this.malformed('ipv6-header-short');
    if (buf[ip] >> 4 !== 6) return this.malformed('ipv6-bad-version');
    let payloadLength = (buf[ip + 4] << 8) | buf[ip + 5];
    // 0 = jumbogram (or offload super-packet): take what was captured.
    if (payloadLength === 0) payloadLength = end - ip - 40;
    const wireEnd = ip + 40 + payloadLength;
    const ipEnd = this.clampToCaptured(wireEnd, end);
    const truncated = ipEnd !== wireEnd || end - info.start < info.length;
    const src = ipv6ToString(buf, ip + 8);
    const dst = ipv6ToString(buf, ip + 24);
    let next = buf[ip + 6];
    let p = ip + 40;
    for (let headers = 0; ; headers++) {
      if (headers > MAX_IPV6_EXTENSION_HEADERS) return this.malformed('ipv6-too-many-extension-headers');
      if (next === 0 || next === 43 || next === 60 || next === 135 || next === 139 || next === 140) {
        if (p + 8 > ipEnd) return this.malformed('ipv6-extension-header-short');
        next = buf[p];
        p += (buf[p + 1] + 1) * 8;
      } else if (next === 51) {
        if (p + 8 > ipEnd) return this.malformed('ipv6-extension-header-short');
        next = buf[p];
        p += (buf[p + 1] + 2) * 4;
      } else if (next === 44) {
        if (p + 8 > ipEnd) return this.malformed('ipv6-extension-header-short');
        const protocol = buf[p];
        const offsetField = (buf[p + 2] << 8) | buf[p + 3];
        const more = (offsetField & 1) !== 0;
        const fragmentOffset = offsetField & 0xfff8;
        const identification = buf.readUInt32BE(p + 4);
        p += 8;
        if (fragmentOffset === 0 && !more) {
          // Atomic fragment: a whole datagram behind a fragment header.
          next = protocol;
          continue;
        }
        const key = `6|${src}|${dst}|${identification}`;
        return this.fragment(key, fragmentOffset, more, buf, p, ipEnd, wireEnd - p, protocol, 6, src, dst, truncated);
      } else {
        break;
      }
    }
    if (p > ipEnd) return this.malformed('ipv6-extension-header-short');
    return this.decodeTransport(buf, p, ipEnd, wireEnd - p, next, 6, src, dst, truncated, false);
  }

  /**
   * End of the IP datagram ending at `wireEnd` within the captured bytes (`end`). When the snap length
   * (or a short frame) cut it, the frame's wire length is raised to cover the whole datagram.
   */
  private clampToCaptured(wireEnd: number, end: number): number {
    if (wireEnd <= end) return wireEnd;
    const info = this.frameInfo;
    const wire = wireEnd - info.start;
    if (info.length < wire) info.length = wire;
    return end;
  }

  private fragment(
    key: string,
    fragmentOffset: number,
    more: boolean,
    buf: Buffer,
    start: number,
    end: number,
    wireLength: number,
    protocol: number,
    ipVersion: 4 | 6,
    src: string,
    dst: string,
    truncated: boolean,
  ): DecodedPacket | null {
    const counters = this.counters;
    if (fragmentOffset + wireLength > MAX_REASSEMBLED_PAYLOAD) return this.malformed('fragment-bad-offset');
    counters.fragments++;
    const data = buf.subarray(start, end);
    if (truncated) {
      // A cut fragment cannot be part of a correct datagram; the train will time out.
      counters.fragmentsDropped++;
    } else {
      const whole = this.fragments.add(key, fragmentOffset, more, data, protocol, this.frameInfo.timestamp);
      if (whole !== null) {
        return this.decodeTransport(whole, 0, whole.length, whole.length, this.fragments.protocol, ipVersion, src, dst, false, true);
      }
    }
    counters.otherPackets++;
    return this.packet(truncated, true, ipVersion, src, 0, dst, 0, 'other', undefined, data, 0, data.length, wireLength);
  }

  /** TCP/UDP header of the IP payload `buf[start, end)`; `wireLength` is the payload length on the wire. */
  private decodeTransport(
    buf: Buffer,
    start: number,
    end: number,
    wireLength: number,
    protocol: number,
    ipVersion: 4 | 6,
    src: string,
    dst: string,
    truncated: boolean,
    fragmented: boolean,
  ): DecodedPacket | null {
    const counters = this.counters;
    const available = end - start;
    if (protocol === PROTO_TCP) {
      if (available < 20) {
        // Header cut by the snap length: the ports may still be there, the sequence numbers are not.
        if (!truncated && available >= wireLength) return this.malformed('tcp-bad-header-length');
        counters.tcpPackets++;
        const srcPort = available >= 4 ? (buf[start] << 8) | buf[start + 1] : 0;
        const dstPort = available >= 4 ? (buf[start + 2] << 8) | buf[start + 3] : 0;
        return this.packet(true, fragmented, ipVersion, src, srcPort, dst, dstPort, 'tcp', undefined, EMPTY, 0, 0, 0);
      }
      const headerLength = (buf[start + 12] >> 4) * 4;
      if (headerLength < 20 || headerLength > wireLength) return this.malformed('tcp-bad-header-length');
      const srcPort = (buf[start] << 8) | buf[start + 1];
      const dstPort = (buf[start + 2] << 8) | buf[start + 3];
      counters.tcpPackets++;
      if (headerLength > available) {
        return this.packet(true, fragmented, ipVersion, src, srcPort, dst, dstPort, 'tcp', undefined, EMPTY, 0, 0, 0);
      }
      const tcp = {
        seq: u32be(buf, start + 4),
        ack: u32be(buf, start + 8),
        flags: buf[start + 13],
        window: (buf[start + 14] << 8) | buf[start + 15],
      };
      // The payload stays a range of `buf`: a Buffer view costs about as much as decoding the packet,
      // and the reassembler hands ranges on to the dissectors (CapturedPacket makes the view on demand).
      const payloadStart = start + headerLength;
      const payloadEnd = end > payloadStart ? end : payloadStart;
      return this.packet(truncated, fragmented, ipVersion, src, srcPort, dst, dstPort, 'tcp', tcp, buf, payloadStart, payloadEnd, wireLength - headerLength);
    }
    if (protocol === PROTO_UDP) {
      if (available < 8) {
        if (!truncated && available >= wireLength) return this.malformed('udp-bad-length');
        counters.udpPackets++;
        const srcPort = available >= 4 ? (buf[start] << 8) | buf[start + 1] : 0;
        const dstPort = available >= 4 ? (buf[start + 2] << 8) | buf[start + 3] : 0;
        return this.packet(true, fragmented, ipVersion, src, srcPort, dst, dstPort, 'udp', undefined, EMPTY, 0, 0, 0);
      }
      let udpLength = (buf[start + 4] << 8) | buf[start + 5];
      // 0 is legal for IPv6 jumbograms and what offload leaves behind: take the IP payload length.
      if (udpLength === 0) udpLength = wireLength;
      if (udpLength < 8 || udpLength > wireLength) return this.malformed('udp-bad-length');
      counters.udpPackets++;
      const payloadEnd = Math.max(start + 8, Math.min(end, start + udpLength));
      return this.packet(
        truncated, fragmented, ipVersion, src, (buf[start] << 8) | buf[start + 1], dst, (buf[start + 2] << 8) | buf[start + 3],
        'udp', undefined, buf, start + 8, payloadEnd, udpLength - 8,
      );
    }
    counters.otherPackets++;
    return this.packet(truncated, fragmented, ipVersion, src, 0, dst, 0, 'other', undefined, buf, start, end > start ? end : start, wireLength);
  }

  /** The one place a packet is built (one class, one shape), from the frame being decoded. */
  private packet(
    truncated: boolean,
    fragmented: boolean,
    ipVersion: 4 | 6 | 0,
    srcIp: string,
    srcPort: number,
    dstIp: string,
    dstPort: number,
    transport: Transport,
    tcp: DecodedPacket['tcp'],
    payloadBuf: Buffer,
    payloadStart: number,
    payloadEnd: number,
    payloadLength: number,
  ): DecodedPacket {
    const counters = this.counters;
    counters.decoded++;
    if (truncated) counters.truncated++;
    const info = this.frameInfo;
    const packet = new CapturedPacket(
      info.timestamp,
      info.interfaceId,
      info.linkType,
      info.end - info.start,
      info.length,
      truncated,
      fragmented,
      ipVersion,
      { ip: srcIp, port: srcPort },
      { ip: dstIp, port: dstPort },
      transport,
      tcp,
      payloadBuf,
      payloadStart,
      payloadEnd,
      payloadLength,
      info.buf,
      info.start,
      info.frame,
    );
    // Do not keep the caller's buffers alive through the decoder.
    info.buf = EMPTY;
    info.frame = null;
    return packet;
  }

  private malformed(reason: DecodeErrorReason): null {
    this.counters.countDecodeError(reason);
    this.frameInfo.buf = EMPTY;
    this.frameInfo.frame = null;
    return null;
  }
}

/** Big-endian uint32 without Buffer's checked reader (a call per field on the per-packet path). */
function u32be(buf: Buffer, at: number): number {
  return buf[at] * 0x1000000 + ((buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3]);
}

/** What is being decoded, shared by the steps of one `decodeAt` call instead of passing eight arguments down. */
class FrameInfo {
  buf: Buffer = EMPTY;
  start = 0;
  end = 0;
  frame: Buffer | null = null;
  linkType = 0;
  timestamp = 0;
  length = 0;
  interfaceId = 0;
}
