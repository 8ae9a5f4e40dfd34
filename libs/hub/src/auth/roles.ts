import type { ApiRole } from '@wirehook/storage';

/** Each role can do what the roles below it can: viewer reads, editor also writes, admin also manages tokens. */
const RANK: Record<ApiRole, number> = { viewer: 1, editor: 2, admin: 3 };

export function roleAllows(actual: ApiRole, needed: ApiRole): boolean {
  return RANK[actual] >= RANK[needed];
}

/** Methods that only read: they need viewer; every other method needs editor unless a handler says more. */
export const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);
