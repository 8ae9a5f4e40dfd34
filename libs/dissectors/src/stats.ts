import type { ItemErrorType } from '@wirehook/contracts';

/** Counters a pipeline keeps; `stats()` returns a copy. */
export interface DissectionStats {
  /** TCP streams that delivered data. */
  streams: number;
  /** Streams (and UDP flows) recognised, by protocol name. */
  recognised: Record<string, number>;
  /** Streams whose first bytes matched no protocol (skipped cheaply afterwards). */
  ignoredStreams: number;
  datagrams: number;
  /** Datagrams that were not DNS. */
  ignoredDatagrams: number;
  items: number;
  itemsByProtocol: Record<string, number>;
  /** Items with `error` set, by error type. */
  errors: Record<ItemErrorType, number>;
  /** Times a parser lost sync (gap or bytes of no protocol) and looked for the next message. */
  desyncs: number;
  /** HTTP 1xx responses skipped (100 Continue, 103 Early Hints). */
  interimResponses: number;
  /** Bodies cut at the body cap. */
  truncatedBodies: number;
  /** Bodies whose Content-Encoding could not be decoded. */
  undecodableBodies: number;
  /** Redis values cut at the value cap. */
  truncatedValues: number;
  /** Connections closed by the dissector to respect maxConnections. */
  evictedConnections: number;
  /** Currently tracked TCP connections and UDP flows. */
  openConnections: number;
  openUdpFlows: number;
  /** Requests waiting for a response right now. */
  pending: number;
  /** Exceptions caught around a dissector (a bug or hostile input); the stream was dropped. */
  internalErrors: number;
  /** Exceptions thrown by the `onItem` callback (counted, then dissection goes on). */
  callbackErrors: number;
}

export function emptyStats(): DissectionStats {
  return {
    streams: 0,
    recognised: {},
    ignoredStreams: 0,
    datagrams: 0,
    ignoredDatagrams: 0,
    items: 0,
    itemsByProtocol: {},
    errors: { dissection: 0, connection: 0, timeout: 0, 'pair-not-found': 0 },
    desyncs: 0,
    interimResponses: 0,
    truncatedBodies: 0,
    undecodableBodies: 0,
    truncatedValues: 0,
    evictedConnections: 0,
    openConnections: 0,
    openUdpFlows: 0,
    pending: 0,
    internalErrors: 0,
    callbackErrors: 0,
  };
}

export function copyStats(stats: DissectionStats): DissectionStats {
  return {
    ...stats,
    recognised: { ...stats.recognised },
    itemsByProtocol: { ...stats.itemsByProtocol },
    errors: { ...stats.errors },
  };
}
