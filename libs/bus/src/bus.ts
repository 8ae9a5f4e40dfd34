/**
 * The one interface hub and workers talk through. Two transports implement it:
 * NATS (split deployment) and in-process (all-in-one), with the same subject semantics:
 * dot-separated tokens, `*` matches one token, `>` matches the rest, and subscribers
 * sharing a queue group receive each message once between them.
 * Payloads are plain JSON on the wire: what a non-Wirehook consumer reads directly.
 */

export type MessageHandler<T = unknown> = (payload: T, subject: string) => void | Promise<unknown>;

export interface SubscribeOptions {
  /** Queue group: each message goes to one subscriber of the group. */
  queue?: string;
}

export interface Subscription {
  readonly subject: string;
  unsubscribe(): void;
}

/** Answers a request; the return value is sent back as the reply. */
export type RequestHandler<T = unknown, R = unknown> = (payload: T, subject: string) => R | Promise<R>;

export interface BusStats {
  published: number;
  delivered: number;
  /** Publishes accepted while disconnected, held by the client and sent on reconnect. */
  buffered: number;
  /** Messages with an id sent again after a reconnect, in case the connection lost them (durable streams store them once). */
  resent: number;
  /** Publishes dropped: disconnected with the buffer (nats.maxPendingBytes) full. */
  dropped: number;
  handlerErrors: number;
}

export interface PublishOptions {
  /**
   * Identifies the message for de-duplication: a durable stream stores one message per id
   * within its duplicate window (NATS `Nats-Msg-Id` header), so a resend after a reconnect
   * is not stored twice.
   */
  msgId?: string;
}

/** Durable storage of a subject family (a JetStream stream on NATS). */
export interface DurableStreamSpec {
  name: string;
  subjects: string[];
  /** Messages older than this are removed; 0 = no age limit. */
  maxAgeMs: number;
  /** Oldest messages are removed beyond this; -1 = no size limit. */
  maxBytes: number;
  /** Window in which a repeated msgId is stored once. */
  duplicateWindowMs: number;
}

export interface Bus {
  /** Human-readable description for logs, e.g. `nats://127.0.0.1:4222` or `in-process`. */
  readonly description: string;
  /**
   * Sends `payload` (or holds it while NATS is away). False when it was dropped instead: the
   * outage buffer is full; the drop is also counted in `stats().dropped`.
   */
  publish<T>(subject: string, payload: T, options?: PublishOptions): boolean;
  /** The same with a payload already serialised as JSON text (the hot path serialises each item once). */
  publishJson(subject: string, json: string, options?: PublishOptions): boolean;
  /** Whether anyone could receive `subject` (always true on NATS, where subscribers are elsewhere). */
  hasSubscribers(subject: string): boolean;
  subscribe<T>(subject: string, handler: MessageHandler<T>, options?: SubscribeOptions): Subscription;
  /** Request/reply: resolves with the first reply, rejects after `timeoutMs` or when nobody answers. */
  request<T, R>(subject: string, payload: T, timeoutMs?: number): Promise<R>;
  /** Serves requests on `subject`; use a queue group so one replica answers. */
  reply<T, R>(subject: string, handler: RequestHandler<T, R>, options?: SubscribeOptions): Subscription;
  /** Resolves once everything published so far has been handed to the transport. */
  flush(): Promise<void>;
  stats(): BusStats;
  /**
   * Creates or updates durable storage for the subjects; returns false when the transport
   * has none (in-process), so callers can say so instead of failing.
   */
  ensureDurableStream(spec: DurableStreamSpec): Promise<boolean>;
  /**
   * Blob storage beside the messages, for files every node needs that are too large for a message
   * (plugin packages; bucket names in `Buckets` of @wirehook/contracts). NATS: a JetStream Object
   * Store bucket, created on first use, stored on disk, chunked (any size) and checked against its
   * SHA-256 digest on read. In-process: memory. Stores `data` under `name`, replacing what was there.
   * Failures reject with a BusBlobError.
   */
  putBlob(bucket: string, name: string, data: Uint8Array): Promise<void>;
  /** The bytes stored under `name`, or undefined when there are none; a corrupt or unreadable object rejects (BusBlobError), never returns partial data. */
  getBlob(bucket: string, name: string): Promise<Uint8Array | undefined>;
  /** Size and SHA-256 of what is stored under `name` without reading it, or undefined when there is nothing. */
  blobInfo(bucket: string, name: string): Promise<BlobInfo | undefined>;
  /** Removes what is stored under `name`; nothing happens when there is nothing. */
  deleteBlob(bucket: string, name: string): Promise<void>;
  close(): Promise<void>;
}

export interface BlobInfo {
  size: number;
  /** SHA-256 of the bytes, lowercase hex. */
  sha256: string;
}

/** A blob operation failed; the message names the operation, bucket, object and transport. */
export class BusBlobError extends Error {
  constructor(
    readonly operation: 'put' | 'get' | 'info' | 'delete',
    readonly bucket: string,
    readonly object: string,
    readonly transport: string,
    reason: string,
  ) {
    super(`cannot ${operation} ${bucket}/${object} on ${transport}: ${reason}`);
    this.name = 'BusBlobError';
  }
}

/** Reported when a handler throws: the bus keeps delivering. */
export type BusErrorListener = (error: Error, subject: string) => void;

export class BusRequestError extends Error {
  constructor(
    readonly subject: string,
    message: string,
  ) {
    super(`request on ${subject} failed: ${message}`);
    this.name = 'BusRequestError';
  }
}

/** The serialized form of a failed request handler, so the requester sees the reason. */
export interface ReplyError {
  __wirehookReplyError: string;
}

export function isReplyError(value: unknown): value is ReplyError {
  return typeof value === 'object' && value !== null && '__wirehookReplyError' in value;
}
