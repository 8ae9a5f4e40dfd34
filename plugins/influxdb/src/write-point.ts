import { HttpError, InfluxDB, setLogger } from '@influxdata/influxdb-client';
import type { HelperContext, HelperError } from '@wirehook/plugin-sdk';
import { toPoint } from './point';

export type InfluxArgs = [url: string, token: string, org: string, bucket: string, measurement: string, data: Record<string, unknown>, tags?: Record<string, string | number | boolean>];

// The client logs failed writes to the console itself; the host counts and logs failures instead.
setLogger({ error: () => undefined, warn: () => undefined });

/**
 * `vendor.influxdb(url, token, org, bucket, measurement, data, tags?)`: one point through the v2
 * write API (line protocol, ms precision). The point is stamped with the time of the agent's call,
 * so a retried write stores the same point again: writes are idempotent.
 */
export async function writePoint(args: InfluxArgs, context: HelperContext): Promise<true> {
  const [url, token, org, bucket, measurement, data, tags] = args;
  const point = toPoint(measurement, data, tags, context.calledAt);
  // The client's own retry buffer is off: the host's delivery queue retries with its counters.
  // A rejected promise from writeFailed becomes the result of flush() (the client's contract). The
  // batch is larger than one point so that writePoint only buffers and flush() is the one write.
  const writeApi = new InfluxDB({ url, token, timeout: 30_000 }).getWriteApi(org, bucket, 'ms', {
    batchSize: 2,
    flushInterval: 0,
    maxRetries: 0,
    gzipThreshold: 1_000_000,
    writeFailed: (error) => Promise.reject(error),
  });
  writeApi.writePoint(point);
  try {
    await writeApi.flush();
  } catch (error) {
    throw influxFailure(url, bucket, error);
  } finally {
    await writeApi.close().catch(() => undefined);
  }
  context.metrics.increment('influxdb_points');
  return true;
}

function influxFailure(url: string, bucket: string, error: unknown): HelperError {
  const failure: HelperError = new Error(`InfluxDB write to ${bucket} at ${url}: ${describe(error)}`);
  if (error instanceof HttpError) {
    if (error.statusCode === 429 || error.statusCode === 503) {
      failure.retryable = true;
      const retryAfter = error.retryAfter();
      if (retryAfter > 0) failure.retryAfterMs = retryAfter;
    } else if (error.statusCode < 500) failure.retryable = false;
  } else if ((error as { code?: string }).code === 'ECONNREFUSED') {
    failure.retryable = true;
  }
  return failure;
}

function describe(error: unknown): string {
  if (error instanceof HttpError) return `HTTP ${error.statusCode}${error.body ? ` ${error.json && typeof error.json === 'object' && 'message' in error.json ? String((error.json as { message: unknown }).message) : error.body}` : ''}`;
  return (error as { code?: string }).code ?? (error as Error).message ?? String(error);
}
