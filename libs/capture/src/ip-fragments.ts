import { CaptureCounters } from './counters';

export interface IpFragmentOptions {
  /** An incomplete fragment train is dropped this long (packet time) after its first fragment. Default 30 s. */
  timeoutMs?: number;
  /** Bytes held by all incomplete trains; over it the oldest trains are dropped. Default 8 MiB. */
  maxBytes?: number;
  /** Incomplete trains held at once. Default 4096. */
  maxDatagrams?: number;
}

/** Largest IP payload a fragment train can rebuild. */
export const MAX_REASSEMBLED_PAYLOAD = 65535;

interface Piece {
  offset: number;
  data: Buffer;
}

class PendingDatagram {
  pieces: Piece[] = [];
  /** Known once the last fragment (MF = 0) arrived. */
  totalLength = -1;
  bytes = 0;
  fragments = 0;
  protocol = -1;

  constructor(readonly firstSeen: number) {}
}

/**
 * IPv4/IPv6 fragment reassembly keyed by the caller (addresses, protocol, identification).
 * Overlapping fragments keep the bytes that arrived first. Memory is capped in bytes and trains;
 * trains expire by packet time. Everything dropped is counted in `fragmentsDropped`.
 */
export class IpFragmentReassembler {
  private readonly pending = new Map<string, PendingDatagram>();
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly maxDatagrams: number;
  private bytes = 0;
  /** Protocol of the datagram last returned by `add`. */
  protocol = -1;

  constructor(
    private readonly counters: CaptureCounters,
    options: IpFragmentOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
    this.maxDatagrams = options.maxDatagrams ?? 4096;
  }

  get bufferedBytes(): number {
    return this.bytes;
  }

  get pendingDatagrams(): number {
    return this.pending.size;
  }

  /**
   * Adds one fragment (`data` is its part of the IP payload at byte `offset`). Returns the whole
   * rebuilt payload when this fragment completes the train (then `protocol` holds its protocol), else null.
   * The caller checks `offset + data.length <= MAX_REASSEMBLED_PAYLOAD`.
   */
  add(key: string, offset: number, more: boolean, data: Buffer, protocol: number, timestamp: number): Buffer | null {
    this.expire(timestamp);
    let datagram = this.pending.get(key);
    if (datagram === undefined) {
      if (this.pending.size >= this.maxDatagrams) this.dropOldest();
      datagram = new PendingDatagram(timestamp);
      this.pending.set(key, datagram);
    }
    datagram.fragments++;
    const end = offset + data.length;
    if (offset === 0) datagram.protocol = protocol;
    if (!more) {
      if (datagram.totalLength >= 0 && datagram.totalLength !== end) return this.drop(key, datagram);
      datagram.totalLength = end;
    }
    if (datagram.totalLength >= 0 && (end > datagram.totalLength || lastPieceEnd(datagram) > datagram.totalLength)) {
      return this.drop(key, datagram);
    }
    this.insert(datagram, offset, data);
    if (this.bytes > this.maxBytes) {
      while (this.bytes > this.maxBytes && this.pending.size > 0) this.dropOldest();
      if (!this.pending.has(key)) return null;
    }
    if (datagram.totalLength < 0 || !isComplete(datagram)) return null;

    this.pending.delete(key);
    this.release(datagram.bytes);
    this.counters.fragmentsReassembled++;
    this.protocol = datagram.protocol;
    if (datagram.pieces.length === 1) return datagram.pieces[0].data;
    return Buffer.concat(
      datagram.pieces.map((piece) => piece.data),
      datagram.totalLength,
    );
  }

  /** Drops trains older than the timeout at packet time `now`. */
  expire(now: number): void {
    const limit = now - this.timeoutMs;
    for (const [key, datagram] of this.pending) {
      if (datagram.firstSeen >= limit) break;
      this.drop(key, datagram);
    }
  }

  /** Drops everything (end of capture). */
  clear(): void {
    for (const [key, datagram] of this.pending) this.drop(key, datagram);
  }

  private insert(datagram: PendingDatagram, offset: number, data: Buffer): void {
    const end = offset + data.length;
    const pieces = datagram.pieces;
    let cursor = offset;
    let index = 0;
    const added: Piece[] = [];
    // Cut the new fragment into the parts no earlier fragment covers: first-seen bytes win.
    while (index < pieces.length && cursor < end) {
      const piece = pieces[index];
      const pieceEnd = piece.offset + piece.data.length;
      if (pieceEnd <= cursor) {
        index++;
        continue;
      }
      if (piece.offset >= end) break;
      if (piece.offset > cursor) added.push({ offset: cursor, data: Buffer.from(data.subarray(cursor - offset, piece.offset - offset)) });
      cursor = pieceEnd;
      index++;
    }
    if (cursor < end) added.push({ offset: cursor, data: Buffer.from(data.subarray(cursor - offset, end - offset)) });
    if (added.length === 0) return;
    for (const piece of added) {
      datagram.bytes += piece.data.length;
      this.bytes += piece.data.length;
      this.counters.fragmentBytesBuffered += piece.data.length;
      pieces.push(piece);
    }
    pieces.sort((a, b) => a.offset - b.offset);
  }

  private dropOldest(): void {
    const first = this.pending.entries().next();
    if (!first.done) this.drop(first.value[0], first.value[1]);
  }

  private drop(key: string, datagram: PendingDatagram): null {
    this.pending.delete(key);
    this.release(datagram.bytes);
    this.counters.fragmentsDropped += datagram.fragments;
    return null;
  }

  private release(bytes: number): void {
    this.bytes -= bytes;
    this.counters.fragmentBytesBuffered -= bytes;
  }
}

function lastPieceEnd(datagram: PendingDatagram): number {
  const last = datagram.pieces[datagram.pieces.length - 1];
  return last === undefined ? 0 : last.offset + last.data.length;
}

function isComplete(datagram: PendingDatagram): boolean {
  let cursor = 0;
  for (const piece of datagram.pieces) {
    if (piece.offset > cursor) return false;
    cursor = Math.max(cursor, piece.offset + piece.data.length);
  }
  return cursor >= datagram.totalLength;
}
