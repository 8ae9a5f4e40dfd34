import type { HelperError } from '@wirehook/plugin-sdk';

/**
 * A Slack client error as a helper failure, saying whether a retry is safe: a rate limit or a
 * refused connection means nothing was posted; Slack refusing the request (bad token, unknown
 * channel, other 4xx) will not change on retry; anything else may have posted (no retry).
 */
export function slackFailure(what: string, error: unknown): HelperError {
  const e = error as {
    code?: string;
    retryAfter?: number;
    statusCode?: number;
    data?: { error?: string };
    original?: { cause?: { code?: string }; message?: string; name?: string };
    message?: string;
  };
  const failure: HelperError = new Error(`${what}: ${describe(e)}`);
  const networkCode = e.original?.cause?.code;
  if (e.code === 'slack_webapi_rate_limited_error') {
    failure.retryable = true;
    if (typeof e.retryAfter === 'number') failure.retryAfterMs = e.retryAfter * 1000;
  } else if (e.code === 'slack_webapi_platform_error') {
    failure.retryable = e.data?.error === 'ratelimited';
  } else if (typeof e.statusCode === 'number') {
    if (e.statusCode === 429 || e.statusCode === 503) failure.retryable = true;
    else if (e.statusCode < 500) failure.retryable = false;
  } else if (networkCode === 'ECONNREFUSED' || networkCode === 'ENOTFOUND' || networkCode === 'EAI_AGAIN') {
    failure.retryable = true;
  }
  return failure;
}

function describe(e: { code?: string; statusCode?: number; data?: { error?: string }; original?: { cause?: { code?: string }; message?: string }; message?: string }): string {
  if (e.data?.error) return e.data.error;
  if (typeof e.statusCode === 'number') return e.message ?? `HTTP ${e.statusCode}`;
  if (e.original) return e.original.cause?.code ?? e.original.message ?? 'request failed';
  return e.message ?? String(e);
}
