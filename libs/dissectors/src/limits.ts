/**
 * Bounds that keep dissection memory independent of capture length and of what a
 * hostile peer sends. Every buffer the dissectors keep is capped by one of these.
 */
export interface DissectionLimits {
  /** Decoded body bytes kept as `content.text` / `postData.text`; beyond it `truncated` is set. */
  maxBodyBytes: number;
  /** Encoded body bytes collected for decoding (gzip/deflate/br input). */
  maxEncodedBodyBytes: number;
  /** Largest HTTP head (start line + headers) before the stream is declared broken. */
  maxHeaderBytes: number;
  /** Capture-time ms after which an unanswered request (or unmatched DNS response) is emitted as an error. */
  pairTimeoutMs: number;
  /** Requests waiting for a response on one connection; the oldest is dropped (as an error item) beyond it. */
  maxPendingPerConnection: number;
  /** Open TCP connections tracked; the oldest is closed (pending pairs flushed as errors) beyond it. */
  maxConnections: number;
  /** UDP flows tracked for DNS pairing. */
  maxUdpFlows: number;
  /** Capture-time ms after which an idle connection or UDP flow with nothing pending is forgotten. */
  idleTimeoutMs: number;
  /** Bytes buffered per direction while deciding what protocol a stream speaks. */
  maxDetectBytes: number;
  /** Bytes buffered by all streams still being detected; a stream that would pass it is skipped. */
  maxDetectTotalBytes: number;
  /** Bytes kept of one Redis bulk string / simple line; longer values are cut. */
  maxRedisValueBytes: number;
  /** Elements kept of one Redis aggregate (array, map, set); the rest are counted and skipped. */
  maxRedisElements: number;
}

export const DEFAULT_LIMITS: Readonly<DissectionLimits> = Object.freeze({
  maxBodyBytes: 64 * 1024,
  maxEncodedBodyBytes: 256 * 1024,
  maxHeaderBytes: 64 * 1024,
  pairTimeoutMs: 30_000,
  maxPendingPerConnection: 1024,
  maxConnections: 65_536,
  maxUdpFlows: 65_536,
  idleTimeoutMs: 5 * 60_000,
  maxDetectBytes: 8 * 1024,
  maxDetectTotalBytes: 16 * 1024 * 1024,
  maxRedisValueBytes: 64 * 1024,
  maxRedisElements: 4096,
});

/** Merges caller overrides onto the defaults, refusing values that would disable a bound. */
export function resolveLimits(overrides: Partial<DissectionLimits> = {}): DissectionLimits {
  const limits: DissectionLimits = { ...DEFAULT_LIMITS, ...overrides };
  for (const [key, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new Error(`dissection limit ${key} must be a finite number >= 0, got ${String(value)}`);
    }
  }
  return limits;
}
