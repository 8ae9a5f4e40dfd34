import type { TokenStore } from '@wirehook/storage';

/**
 * When the hub creates an admin token at start:
 * - `when-missing`: only if no admin token is left (first start of a cluster's hub, or all were revoked);
 *   later starts create none, so tokens people use keep working across restarts.
 * - `every-start`: a fresh one each start, revoking the one the previous start made (all-in-one on a
 *   laptop, where the start banner is the only place the user sees a token).
 */
export type AdminTokenPolicy = 'when-missing' | 'every-start';

/** Names of the tokens the hub makes itself, so they can be told apart from users' tokens. */
export const GENERATED_ADMIN_TOKEN_NAMES: Record<AdminTokenPolicy, string> = {
  'when-missing': 'initial admin (created at hub start)',
  'every-start': 'all-in-one admin (created at start)',
};

/** Applies the policy; returns the new token's secret, or undefined when none was created. */
export async function bootstrapAdminToken(tokens: TokenStore, policy: AdminTokenPolicy): Promise<string | undefined> {
  const name = GENERATED_ADMIN_TOKEN_NAMES[policy];
  const live = (await tokens.list()).filter((t) => t.revokedAt === null);
  if (policy === 'when-missing') {
    if (live.some((t) => t.role === 'admin')) return undefined;
  } else {
    for (const previous of live.filter((t) => t.name === name)) await tokens.revoke(previous.id);
  }
  return (await tokens.create({ name, role: 'admin' })).secret;
}

/** All-in-one (no NATS: hub and worker in one process) gets a fresh token each start; a cluster's hub only the first. */
export function defaultAdminTokenPolicy(config: { nats: { url?: string } }): AdminTokenPolicy {
  return config.nats.url ? 'when-missing' : 'every-start';
}
