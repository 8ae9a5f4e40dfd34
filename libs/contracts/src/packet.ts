/** What `onPacketCaptured(info)` receives (shared/docs/agent-api.md). */
export interface PacketInfo {
  /** ms since epoch, UTC. */
  timestamp: number;
  /** Bytes captured (may be less than `length` when the snap length cut the packet). */
  captureLength: number;
  /** Bytes on the wire. */
  length: number;
  truncated: boolean;
  fragmented: boolean;
  src: { ip: string; port: number };
  dst: { ip: string; port: number };
  transport: 'tcp' | 'udp' | string;
}
