import { QueryFailedError } from 'typeorm';
import { InvalidInputError, NotFoundError, type StoredKind } from '../errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Ids come from URLs: one that is not a UUID cannot exist, and PostgreSQL would reject it with a
 * type error, so it is reported as not found before any query.
 */
export function assertId(kind: StoredKind, id: string): void {
  if (!UUID.test(id)) throw new NotFoundError(kind, id);
}

/** An id a caller chose for a new row: a UUID, as the column requires. */
export function checkNewId(field: string, id: string): string {
  if (typeof id !== 'string' || !UUID.test(id)) throw new InvalidInputError(field, `must be a UUID, got "${String(id)}"`);
  return id;
}

/** Titles, names and authors: non-empty single line of at most `max` characters. */
export function checkName(field: string, value: string, max = 200): string {
  if (typeof value !== 'string' || value.trim().length === 0) throw new InvalidInputError(field, 'must not be empty');
  if (value.length > max) throw new InvalidInputError(field, `longer than ${max} characters`);
  if (/[\r\n\0]/.test(value)) throw new InvalidInputError(field, 'must be a single line');
  return value;
}

export function checkRevision(field: string, revision: number): number {
  if (!Number.isSafeInteger(revision) || revision < 1) {
    throw new InvalidInputError(field, `must be a positive integer, got ${String(revision)}`);
  }
  return revision;
}

/** True when `error` is PostgreSQL's unique violation on `constraint`. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: unknown; constraint?: unknown; message?: unknown };
  if (driverError.code !== '23505') return false;
  // PGlite fills `constraint` like pg does; the message names it too, as a fallback.
  return driverError.constraint === constraint || String(driverError.message).includes(`"${constraint}"`);
}

/** Runs a write and turns a unique violation on `constraint` into the caller's typed error. */
export async function onUniqueViolation<T>(write: () => Promise<T>, constraint: string, toError: () => Error): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error, constraint)) throw toError();
    throw error;
  }
}

/** JSON text of a value to store, or a clear error for what JSON cannot hold. */
export function toJsonText(field: string, value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new InvalidInputError(field, `not serialisable as JSON (${(error as Error).message})`);
  }
  if (text === undefined) throw new InvalidInputError(field, `${typeof value} is not a JSON value`);
  return text;
}
