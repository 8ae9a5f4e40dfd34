import { storedToken } from './token';

/** A non-2xx answer of the hub, with its JSON body (Nest errors: {statusCode, error, message, …}). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly method: string,
    readonly path: string,
  ) {
    super(describeError(status, body, method, path));
    this.name = 'ApiError';
  }

  /** A field of the error body, e.g. `diagnostics` of a 422 or `currentRevision` of a 409. */
  field<T>(name: string): T | undefined {
    return this.body !== null && typeof this.body === 'object' ? ((this.body as Record<string, unknown>)[name] as T | undefined) : undefined;
  }
}

function describeError(status: number, body: unknown, method: string, path: string): string {
  let message = '';
  if (body !== null && typeof body === 'object') {
    const m = (body as { message?: unknown }).message;
    message = Array.isArray(m) ? m.join('; ') : typeof m === 'string' ? m : '';
  } else if (typeof body === 'string') {
    message = body.slice(0, 300);
  }
  return message ? message : `${method} ${path} answered ${status}`;
}

/** Called when the hub says the token is missing or wrong (401): the app goes back to the login page. */
let onUnauthorized: (() => void) | undefined;
export function setUnauthorizedHandler(handler: (() => void) | undefined): void {
  onUnauthorized = handler;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Token to use instead of the stored one (the login page checks a token before storing it). */
  token?: string;
}

/** JSON over HTTP to the hub that served the page. */
export async function api<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const token = options.token ?? storedToken();
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (token) headers.Authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(path, { method, headers, body, signal: options.signal });
  const text = await response.text();
  let parsed: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text.length > 0) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  if (!response.ok) {
    if (response.status === 401 && options.token === undefined) onUnauthorized?.();
    throw new ApiError(response.status, parsed, method, path);
  }
  return (text.length === 0 ? undefined : parsed) as T;
}

export const get = <T>(path: string, options?: RequestOptions) => api<T>('GET', path, options);
export const post = <T>(path: string, body?: unknown, options?: RequestOptions) => api<T>('POST', path, { ...options, body });
export const put = <T>(path: string, body?: unknown, options?: RequestOptions) => api<T>('PUT', path, { ...options, body });
export const patch = <T>(path: string, body?: unknown, options?: RequestOptions) => api<T>('PATCH', path, { ...options, body });
export const del = <T>(path: string, body?: unknown, options?: RequestOptions) => api<T>('DELETE', path, { ...options, body });

/** `/api/…?a=1&b=2` without the empty ones. */
export function withQuery(path: string, query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** The WebSocket URL of an API path on the hub that served the page, with the token as a query parameter. */
export function socketUrl(path: string, query: Record<string, string | number | undefined>): string {
  const protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${protocol}//${window.location.host}${withQuery(path, { ...query, token: storedToken() ?? undefined })}`;
}
