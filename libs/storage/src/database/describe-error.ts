/** One line saying why connecting or querying failed, from `pg`, PGlite or Node network errors. */
export function describeError(error: unknown): string {
  // Duck-typed, not instanceof: PGlite's errors may come from another realm (see loadPglite).
  if (typeof error !== 'object' || error === null) return String(error);
  const { errors, code, message, name } = error as { errors?: unknown; code?: unknown; message?: unknown; name?: unknown };
  if (Array.isArray(errors) && errors.length > 0) {
    // `localhost` resolving to ::1 and 127.0.0.1 makes pg report every attempt in one AggregateError.
    return [...new Set(errors.map(describeError))].join('; ');
  }
  const hint = typeof code === 'string' ? HINTS[code] : undefined;
  const text = String(message || name || error);
  return hint ? `${text} (${hint})` : text;
}

const HINTS: Record<string, string> = {
  ECONNREFUSED: 'is PostgreSQL running and listening there?',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'no answer from the server',
  '28P01': 'wrong password',
  '28000': 'login refused by pg_hba.conf or missing role',
  '3D000': 'the database does not exist; create it first',
  '42501': 'the role lacks a privilege the migrations need',
};
