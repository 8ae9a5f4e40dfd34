import type { PacketInfo } from '@wirehook/contracts';
import type { DecodedPacket } from './stream-events';

/** What an agent's `onPacketCaptured(info)` receives: plain data, nothing shared with the pipeline. */
export function toPacketInfo(packet: DecodedPacket): PacketInfo {
  return {
    timestamp: packet.timestamp,
    captureLength: packet.captureLength,
    length: packet.length,
    truncated: packet.truncated,
    fragmented: packet.fragmented,
    src: { ip: packet.src.ip, port: packet.src.port },
    dst: { ip: packet.dst.ip, port: packet.dst.port },
    transport: packet.transport,
  };
}
