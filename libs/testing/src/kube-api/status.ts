// Status objects exactly as kube-apiserver returns them for failed requests (metav1.Status),
// so the real client sees the same `statusCode`, `reason` and `details` it would see from a cluster.

export interface StatusCause {
  reason: string;
  message: string;
  field: string;
}

export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { name?: string; group?: string; kind?: string; uid?: string; causes?: StatusCause[] };
  code: number;
}

/** An error a handler throws to answer with a Status; the router turns it into the response. */
export class KubeStatusError extends Error {
  constructor(readonly status: KubeStatus) {
    super(status.message ?? status.reason ?? `status ${status.code}`);
    this.name = 'KubeStatusError';
  }
}

/** What a Status names: `configmaps "x"` in messages, `{name, group, kind}` in details. */
export interface StatusSubject {
  name?: string;
  group: string;
  /** The resource (plural), as the server puts it in details.kind for these errors. */
  resource: string;
}

function failure(code: number, reason: string, message: string, details?: KubeStatus['details']): KubeStatusError {
  const status: KubeStatus = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) status.details = details;
  return new KubeStatusError(status);
}

function qualified(subject: StatusSubject): string {
  return subject.group === '' ? subject.resource : `${subject.resource}.${subject.group}`;
}

function detailsOf(subject: StatusSubject): KubeStatus['details'] {
  const details: NonNullable<KubeStatus['details']> = { kind: subject.resource };
  if (subject.name !== undefined) details.name = subject.name;
  if (subject.group !== '') details.group = subject.group;
  return details;
}

export function notFound(subject: StatusSubject): KubeStatusError {
  return failure(404, 'NotFound', `${qualified(subject)} "${subject.name ?? ''}" not found`, detailsOf(subject));
}

export function alreadyExists(subject: StatusSubject): KubeStatusError {
  return failure(409, 'AlreadyExists', `${qualified(subject)} "${subject.name ?? ''}" already exists`, detailsOf(subject));
}

/** A write whose resourceVersion (or uid) precondition no longer holds. */
export function conflict(subject: StatusSubject, why = 'the object has been modified; please apply your changes to the latest version and try again'): KubeStatusError {
  return failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(subject)} "${subject.name ?? ''}": ${why}`, detailsOf(subject));
}

export function badRequest(message: string): KubeStatusError {
  return failure(400, 'BadRequest', message);
}

/** 422: the object fails validation; `kind` is the object's Kind (ConfigMap), as in the real message. */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): KubeStatusError {
  const summary = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
  const message = `${kind} "${name}" is invalid: ${causes.length === 1 ? summary : `[${summary}]`}`;
  const details: NonNullable<KubeStatus['details']> = { name, kind, causes };
  if (group !== '') details.group = group;
  return failure(422, 'Invalid', message, details);
}

/** 410 for a watch or list from a resourceVersion older than the history the server keeps. */
export function expired(message: string): KubeStatusError {
  return failure(410, 'Expired', message);
}

export function methodNotAllowed(method: string): KubeStatusError {
  return failure(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${method})`);
}

export function unsupportedMediaType(contentType: string): KubeStatusError {
  return failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got ${contentType || 'none'})`);
}

export function pathNotFound(path: string): KubeStatusError {
  return failure(404, 'NotFound', `the server could not find the requested resource (${path})`, {});
}

export function success(subject: StatusSubject & { uid?: string }): KubeStatus {
  const details = detailsOf(subject) ?? {};
  if (subject.uid !== undefined) details.uid = subject.uid;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details, code: 200 };
}
