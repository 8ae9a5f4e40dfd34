/** Which kind of stored thing an error is about. */
export type StoredKind = 'agent' | 'agent revision' | 'flow' | 'plugin' | 'setting' | 'token';

/** Base of every error the storage layer throws on purpose; `context` says what it was about. */
export class StorageError extends Error {
  constructor(
    message: string,
    readonly context: Readonly<Record<string, unknown>>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The thing asked for does not exist (or no longer exists). */
export class NotFoundError extends StorageError {
  constructor(
    readonly kind: StoredKind,
    readonly key: string,
    extra: Record<string, unknown> = {},
  ) {
    super(`${kind} ${key} not found`, { kind, key, ...extra });
  }
}

/**
 * A write was based on a revision that is no longer the current one (someone saved in between).
 * `currentRevision` lets the caller reload and show what changed.
 */
export class RevisionConflictError extends StorageError {
  constructor(
    readonly kind: 'agent' | 'flow',
    readonly id: string,
    readonly baseRevision: number,
    readonly currentRevision: number,
    readonly title?: string,
  ) {
    super(
      `${kind} ${title === undefined ? id : `"${title}" (${id})`} was changed by someone else: ` +
        `your change is based on revision ${baseRevision}, the current revision is ${currentRevision}`,
      { kind, id, title, baseRevision, currentRevision },
    );
  }
}

/** Agent titles (and flow names) are unique. */
export class DuplicateTitleError extends StorageError {
  constructor(
    readonly kind: 'agent' | 'flow',
    readonly title: string,
  ) {
    super(`${kind} title "${title}" is already used by another ${kind}`, { kind, title });
  }
}

/** The database could not be opened: unreachable, refused the login, data folder in use... */
export class DatabaseOpenError extends StorageError {
  constructor(
    /** Where it tried, with any password replaced by `***`. */
    readonly location: string,
    reason: string,
    cause?: unknown,
  ) {
    super(`cannot open database ${location}: ${reason}`, { location, reason }, { cause });
  }
}

/** A value the caller passed cannot be stored (empty title, unknown role, value that is not JSON...). */
export class InvalidInputError extends StorageError {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`invalid ${field}: ${reason}`, { field, reason });
  }
}
