/**
 * The contract between capture (packets, reassembly) and the dissectors.
 * Capture owns decoding and TCP reassembly; dissectors see only ordered bytes per
 * direction and UDP datagrams, and decide the protocol from content.
 */

export interface Endpoint {
  ip: string;
  port: number;
}

export type Transport = 'tcp' | 'udp' | 'other';

/** One decoded frame. `payload` is a view into the capture buffer: copy it to keep it. */
export interface DecodedPacket {
  /** ms since epoch, UTC; sub-millisecond precision kept in the fraction. */
  timestamp: number;
  /** Index of the capture interface (pcapng), 0 for pcap and live capture. */
  interfaceId: number;
  linkType: number;
  captureLength: number;
  length: number;
  /** The snap length cut this packet. */
  truncated: boolean;
  /** Part of (or reassembled from) an IP fragment train. */
  fragmented: boolean;
  ipVersion: 4 | 6 | 0;
  src: Endpoint;
  dst: Endpoint;
  transport: Transport;
  tcp?: { seq: number; ack: number; flags: number; window: number };
  /** Layer-4 payload bytes present in the capture. */
  payload: Buffer;
  /** The whole captured frame, for recording. */
  frame: Buffer;
  /**
   * Layer-4 payload length on the wire; larger than `payload.length` when the snap length cut the
   * packet. Absent means `payload.length` (packets built by hand in tests).
   */
  payloadLength?: number;
  /**
   * Id of the TCP stream or UDP flow the packet belongs to (same id space as `TcpStreamInfo.id`),
   * set by `TcpReassembler.push`; absent before that or for packets outside any stream.
   */
  streamId?: number;
}

/** TCP flag bits as on the wire. */
export const TcpFlags = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20 } as const;

export interface TcpStreamInfo {
  /** Unique within one capture session, increasing. */
  id: number;
  /** The side that sent the SYN; when the stream started mid-connection, the side seen first. */
  client: Endpoint;
  server: Endpoint;
  /** False when no SYN was seen (capture started mid-connection): roles are a guess. */
  rolesKnown: boolean;
  ipVersion: 4 | 6;
}

export type StreamDirection = 'client-to-server' | 'server-to-client';

export type StreamCloseReason = 'fin' | 'rst' | 'timeout' | 'evicted' | 'end-of-capture';

/** Reassembly calls these in order, per stream; data is in sequence order per direction. */
export interface StreamSink {
  onStreamData(stream: TcpStreamInfo, direction: StreamDirection, data: Buffer, timestamp: number): void;
  /**
   * Optional, preferred over `onStreamData` when present: the same bytes as `buf[start, end)`, which
   * saves making a Buffer view per segment on the hot path. `buf` is a capture buffer: copy to keep.
   */
  onStreamBytes?(stream: TcpStreamInfo, direction: StreamDirection, buf: Buffer, start: number, end: number, timestamp: number): void;
  /** Bytes that will never arrive (lost, dropped by a memory cap). The next data follows the hole. */
  onStreamGap(stream: TcpStreamInfo, direction: StreamDirection, missingBytes: number, timestamp: number): void;
  onStreamClose(stream: TcpStreamInfo, reason: StreamCloseReason, timestamp: number): void;
  onDatagram(packet: DecodedPacket): void;
}
