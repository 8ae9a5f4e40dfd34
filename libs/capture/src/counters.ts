import type { StreamCloseReason } from './stream-events';

/** Why a frame was skipped by the decoder. */
export type DecodeErrorReason =
  | 'unsupported-link-type'
  | 'link-header-short'
  | 'vlan-too-deep'
  | 'ipv4-header-short'
  | 'ipv4-bad-version'
  | 'ipv4-bad-header-length'
  | 'ipv4-bad-total-length'
  | 'ipv6-header-short'
  | 'ipv6-bad-version'
  | 'ipv6-extension-header-short'
  | 'ipv6-too-many-extension-headers'
  | 'tcp-bad-header-length'
  | 'udp-bad-length'
  | 'fragment-bad-offset';

export const DECODE_ERROR_REASONS: readonly DecodeErrorReason[] = [
  'unsupported-link-type',
  'link-header-short',
  'vlan-too-deep',
  'ipv4-header-short',
  'ipv4-bad-version',
  'ipv4-bad-header-length',
  'ipv4-bad-total-length',
  'ipv6-header-short',
  'ipv6-bad-version',
  'ipv6-extension-header-short',
  'ipv6-too-many-extension-headers',
  'tcp-bad-header-length',
  'udp-bad-length',
  'fragment-bad-offset',
];

function zeroReasons(): Record<DecodeErrorReason, number> {
  const reasons = {} as Record<DecodeErrorReason, number>;
  for (const reason of DECODE_ERROR_REASONS) reasons[reason] = 0;
  return reasons;
}

function zeroCloseReasons(): Record<StreamCloseReason, number> {
  return { fin: 0, rst: 0, timeout: 0, evicted: 0, 'end-of-capture': 0 };
}

/**
 * Every counter of the capture pipeline in one mutable object. The reader, decoder, reassembler and
 * sources take one in their options so a worker can share a single instance and publish `snapshot()`.
 * Plain fields (not a Map) so the hot path increments are a property store.
 */
export class CaptureCounters {
  // Reading (files and live).
  /** Records read from a file or packets received from a live interface. */
  packets = 0;
  /** Captured bytes of those packets. */
  bytes = 0;
  /** Files that ended with a truncated record (reported, not thrown). */
  truncatedFiles = 0;
  /** Files that stopped on a corrupt block or record. */
  corruptFiles = 0;
  /** Replay passes over a file (1 for a plain replay). */
  laps = 0;

  // Decoding.
  decoded = 0;
  decodeErrors = 0;
  decodeErrorsByReason: Record<DecodeErrorReason, number> = zeroReasons();
  /** Packets cut by the snap length or whose headers claim more bytes than were captured. */
  truncated = 0;
  /** Frames without IPv4/IPv6 (ARP, LLDP, …): delivered with ipVersion 0. */
  nonIp = 0;
  tcpPackets = 0;
  udpPackets = 0;
  otherPackets = 0;
  /** IP fragments seen (IPv4 and IPv6). */
  fragments = 0;
  /** Datagrams rebuilt from fragments. */
  fragmentsReassembled = 0;
  /** Fragments dropped: timed out, over the memory cap, overlapping or truncated. */
  fragmentsDropped = 0;
  /** Bytes held by incomplete fragment trains (gauge). */
  fragmentBytesBuffered = 0;

  // TCP reassembly.
  tcpSegments = 0;
  /** TCP packets skipped: header cut by the snap length, stray RST/ACK for no known stream. */
  tcpSegmentsIgnored = 0;
  outOfOrderSegments = 0;
  /** Segments further ahead than any TCP window (corrupt or foreign), dropped. */
  outOfWindowSegments = 0;
  /** Segments whose bytes were all delivered already. */
  retransmittedSegments = 0;
  retransmittedBytes = 0;
  /** Segments that partly overlapped delivered or buffered data (first-seen bytes win). */
  overlappingSegments = 0;
  overlapBytes = 0;
  gaps = 0;
  gapBytes = 0;
  /** Payload bytes delivered to onStreamData. */
  streamBytes = 0;
  streamsOpened = 0;
  streamsClosed: Record<StreamCloseReason, number> = zeroCloseReasons();
  /** Streams closed with reason 'evicted' (stream-count or memory cap). */
  evictedStreams = 0;
  /** Buffered out-of-order bytes dropped by eviction. */
  evictedBytes = 0;
  /** Packets for a stream that had already closed (trailing ACKs, late retransmissions). */
  packetsAfterClose = 0;
  /** Open TCP streams (gauge). */
  streamsOpen = 0;
  /** Out-of-order bytes held by the reassembler (gauge). */
  bytesBuffered = 0;
  datagrams = 0;
  udpFlowsOpened = 0;
  /** Open UDP flows (gauge). */
  udpFlowsOpen = 0;

  countDecodeError(reason: DecodeErrorReason): void {
    this.decodeErrors++;
    this.decodeErrorsByReason[reason]++;
  }

  /** A plain copy, safe to serialise and to keep. */
  snapshot(): CaptureCountersSnapshot {
    return {
      ...this,
      decodeErrorsByReason: { ...this.decodeErrorsByReason },
      streamsClosed: { ...this.streamsClosed },
    };
  }
}

/** The data fields of `CaptureCounters`. */
export type CaptureCountersSnapshot = {
  [K in keyof CaptureCounters as CaptureCounters[K] extends (...args: never[]) => unknown ? never : K]: CaptureCounters[K];
};
