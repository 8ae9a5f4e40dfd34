import type { StreamCloseReason } from '@wirehook/capture';
import type { ItemErrorType } from '@wirehook/contracts';
import type { Flow } from './flow';
import type { DissectionLimits } from './limits';
import type { DissectionStats } from './stats';

/** What a protocol handler is given for one connection. */
export interface HandlerContext {
  flow: Flow;
  limits: DissectionLimits;
  stats: DissectionStats;
}

/**
 * One protocol's view of one TCP connection, with roles already decided: `fromClient` is
 * true for bytes sent by the requester.
 */
export interface TcpProtocolHandler {
  onData(fromClient: boolean, data: Buffer, timestamp: number): void;
  /** `onData` for `buf[start, end)` of a capture buffer (copy what must outlive the call). */
  onBytes(fromClient: boolean, buf: Buffer, start: number, end: number, timestamp: number): void;
  onGap(fromClient: boolean, missingBytes: number, timestamp: number): void;
  /** Flushes everything outstanding as items (with errors where a side is missing). */
  onClose(reason: StreamCloseReason, timestamp: number): void;
  /** Emits requests older than the pair timeout (capture time `now`) as timeout items. */
  expire(now: number): void;
  /** Requests waiting for a response. */
  readonly pending: number;
  /** The handler wants no more bytes (an HTTP upgrade or tunnel took the connection over). */
  readonly finished: boolean;
}

/** FIN and RST are the connection's doing; everything else means we stopped watching. */
export function closeErrorType(reason: StreamCloseReason): ItemErrorType {
  return reason === 'fin' || reason === 'rst' ? 'connection' : 'timeout';
}

export function closeMessage(reason: StreamCloseReason, what: string): string {
  switch (reason) {
    case 'fin':
      return `connection closed (FIN) ${what}`;
    case 'rst':
      return `connection reset (RST) ${what}`;
    case 'timeout':
      return `stream timed out in reassembly ${what}`;
    case 'evicted':
      return `stream evicted by a capture memory cap ${what}`;
    default:
      return `capture ended ${what}`;
  }
}
