// What went wrong in a call to the API server, from the errors @kubernetes/client-node 0.x throws:
// an HttpError with `statusCode` and the Status `body`, or a network error with a `code`.

interface StatusBody {
  reason?: string;
  message?: string;
  code?: number;
}

interface ClientError {
  statusCode?: number;
  body?: unknown;
  code?: string;
  message?: string;
}

export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { statusCode, body } = error as ClientError;
  if (typeof statusCode === 'number') return statusCode;
  const code = (body as StatusBody | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

export function isNotFound(error: unknown): boolean {
  return httpStatusOf(error) === 404;
}

/** 409: AlreadyExists on create, Conflict on a stale resourceVersion. */
export function isConflict(error: unknown): boolean {
  return httpStatusOf(error) === 409;
}

/** One line for a log: `409 Conflict: Operation cannot be fulfilled…`, or the network error. */
export function describeKubeError(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { statusCode, body, code, message } = error as ClientError;
  const status = (typeof body === 'object' && body !== null ? body : {}) as StatusBody;
  if (typeof statusCode === 'number') {
    const detail = status.message ?? (typeof body === 'string' ? body : message);
    return `${statusCode}${status.reason ? ` ${status.reason}` : ''}${detail ? `: ${detail}` : ''}`;
  }
  return [code, message].filter((part) => part !== undefined && part !== '').join(' ') || 'unknown error';
}
