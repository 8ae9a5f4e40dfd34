import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HelperContext, HelperError } from '@wirehook/plugin-sdk';

export interface WebhookSettings {
  maxResponseBytes: number;
  /** Absent or empty: DEFAULT_USER_AGENT. */
  userAgent?: string;
}

/**
 * This package's own version, from its package.json one folder up: from `src/` when the source is
 * imported (tests) and from `dist/` when a host loads the built plugin from its unpacked folder
 * (`<pluginsDir>/packages/<name>@<version>/`, package.json at its root), so it follows every release.
 */
function packageVersion(): string {
  const file = join(__dirname, '..', 'package.json');
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
  if (pkg.name !== '@wirehook/plugin-webhook' || typeof pkg.version !== 'string' || pkg.version === '') {
    throw new Error(`${file} is not @wirehook/plugin-webhook's package.json with a version`);
  }
  return pkg.version;
}

/** The User-Agent sent when settings.userAgent is absent or empty: `wirehook-plugin-webhook/<package version>`. */
export const DEFAULT_USER_AGENT = `wirehook-plugin-webhook/${packageVersion()}`;

export type WebhookArgs = [method: string, url: string, body?: unknown, headers?: Record<string, string | number | boolean>];

/** Methods whose repetition has the same effect as one call (RFC 9110 §9.2.2). */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

export function isIdempotent([method]: WebhookArgs): boolean {
  return IDEMPOTENT_METHODS.has(method.toUpperCase());
}

/**
 * `vendor.webhook(method, url, body, headers?)`: one HTTP request with Node's fetch (undici).
 * Returns the response body text; a status of 400 or more throws. Failures say whether a retry is
 * safe whatever the method: 429/503 and a refused connection mean nothing was done.
 */
export async function webhook(args: WebhookArgs, context: HelperContext<WebhookSettings>): Promise<string> {
  const [rawMethod, url, body, headers = {}] = args;
  const method = rawMethod.toUpperCase();
  const requestHeaders: Record<string, string> = { 'user-agent': context.settings.userAgent || DEFAULT_USER_AGENT };
  for (const [name, value] of Object.entries(headers)) requestHeaders[name.toLowerCase()] = String(value);
  let payload: string | undefined;
  if (body !== undefined && body !== null && method !== 'GET' && method !== 'HEAD') {
    if (typeof body === 'string') payload = body;
    else {
      payload = JSON.stringify(body);
      requestHeaders['content-type'] ??= 'application/json';
    }
  }
  let response: Response;
  try {
    response = await fetch(url, { method, headers: requestHeaders, body: payload, signal: context.signal, redirect: 'follow' });
  } catch (error) {
    throw networkFailure(error, method, url, context.signal);
  }
  const text = await readText(response, context.settings.maxResponseBytes);
  if (response.status >= 400) {
    const failure: HelperError = new Error(`HTTP ${response.status} ${response.statusText} from ${method} ${url}${text ? `: ${text.slice(0, 200)}` : ''}`);
    if (response.status === 429 || response.status === 503) {
      failure.retryable = true;
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
      if (retryAfter !== undefined) failure.retryAfterMs = retryAfter;
    } else if (response.status < 500) {
      failure.retryable = false;
    }
    throw failure;
  }
  return text;
}

function networkFailure(error: unknown, method: string, url: string, signal: AbortSignal): HelperError {
  if (signal.aborted) return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason));
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code;
  const failure: HelperError = new Error(`${method} ${url} failed: ${code ?? cause?.message ?? (error as Error).message}`);
  // Nothing was sent when the connection was refused or the name did not resolve.
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') failure.retryable = true;
  return failure;
}

/** The body as text, at most `limit` bytes (the rest is not read). */
async function readText(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = limit - size;
    chunks.push(value.byteLength > room ? value.subarray(0, room) : value);
    size += Math.min(value.byteLength, room);
    if (size >= limit) {
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Retry-After as seconds or an HTTP date, in ms. */
function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
