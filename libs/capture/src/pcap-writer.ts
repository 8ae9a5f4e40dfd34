/** Byte layouts for writing captures: classic pcap (µs, little-endian) and minimal pcapng. */

export const PCAP_HEADER_LENGTH = 24;
export const PCAP_RECORD_HEADER_LENGTH = 16;
const DEFAULT_SNAP_LENGTH = 262_144;

/** The 24-byte global header of a microsecond, little-endian pcap file. */
export function pcapFileHeader(linkType: number, snapLength = DEFAULT_SNAP_LENGTH): Buffer {
  const header = Buffer.alloc(PCAP_HEADER_LENGTH);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(snapLength, 16);
  header.writeUInt32LE(linkType, 20);
  return header;
}

/** Splits ms-since-epoch into whole seconds and microseconds. */
export function toSecondsAndMicros(timestamp: number): [number, number] {
  let seconds = Math.floor(timestamp / 1000);
  let micros = Math.round((timestamp - seconds * 1000) * 1000);
  if (micros >= 1_000_000) {
    seconds += 1;
    micros -= 1_000_000;
  }
  return [seconds, micros];
}

/** Writes one record (16-byte header + frame) at `offset`; returns the offset after it. */
export function writePcapRecord(target: Buffer, offset: number, frame: Uint8Array, timestamp: number, length: number): number {
  const [seconds, micros] = toSecondsAndMicros(timestamp);
  target.writeUInt32LE(seconds >>> 0, offset);
  target.writeUInt32LE(micros, offset + 4);
  target.writeUInt32LE(frame.length, offset + 8);
  target.writeUInt32LE(Math.max(length, frame.length), offset + 12);
  target.set(frame, offset + PCAP_RECORD_HEADER_LENGTH);
  return offset + PCAP_RECORD_HEADER_LENGTH + frame.length;
}

function block(type: number, body: Buffer): Buffer {
  const padded = (body.length + 3) & ~3;
  const total = 12 + padded;
  const out = Buffer.alloc(total);
  out.writeUInt32LE(type, 0);
  out.writeUInt32LE(total, 4);
  body.copy(out, 8);
  out.writeUInt32LE(total, total - 4);
  return out;
}

/** pcapng section header block (little-endian, unknown section length). */
export function pcapngSectionHeader(): Buffer {
  const body = Buffer.alloc(16);
  body.writeUInt32LE(0x1a2b3c4d, 0);
  body.writeUInt16LE(1, 4);
  body.writeUInt16LE(0, 6);
  body.writeInt32LE(-1, 8);
  body.writeInt32LE(-1, 12);
  return block(0x0a0d0d0a, body);
}

/** pcapng interface description block with the default microsecond resolution. */
export function pcapngInterface(linkType: number, snapLength = DEFAULT_SNAP_LENGTH): Buffer {
  const body = Buffer.alloc(8);
  body.writeUInt16LE(linkType, 0);
  body.writeUInt32LE(snapLength, 4);
  return block(1, body);
}

/** pcapng enhanced packet block, timestamp in microseconds. */
export function pcapngEnhancedPacket(interfaceId: number, frame: Uint8Array, timestamp: number, length: number): Buffer {
  const micros = Math.round(timestamp * 1000);
  const body = Buffer.alloc(20 + frame.length);
  body.writeUInt32LE(interfaceId, 0);
  body.writeUInt32LE(Math.floor(micros / 4294967296), 4);
  body.writeUInt32LE(micros % 4294967296, 8);
  body.writeUInt32LE(frame.length, 12);
  body.writeUInt32LE(Math.max(length, frame.length), 16);
  body.set(frame, 20);
  return block(6, body);
}
