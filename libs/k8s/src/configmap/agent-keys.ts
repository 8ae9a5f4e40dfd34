// Which data key holds which agent: a file name made from the title, kept stable while the
// agent keeps its title, and made unique when two titles give the same file name.
import { AGENT_KEY_SUFFIX, sha256Of } from './configmap-format';

/** ConfigMap keys allow [-._a-zA-Z0-9] and at most 253 characters. */
const MAX_STEM = 200;

/** "Slack on 5xx" → "slack-on-5xx": lower case, runs of other characters become '-'. */
export function fileStemOf(title: string): string {
  const stem = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-._]+/, '')
    .slice(0, MAX_STEM)
    .replace(/[-._]+$/, '');
  return stem.length > 0 ? stem : 'agent';
}

/** Keys to try for a title, in order: `<stem>.js`, then `<stem>-<8 hex of the title's sha256>.js`. */
export function candidateKeys(title: string): string[] {
  const stem = fileStemOf(title);
  const digest = sha256Of(title);
  return [`${stem}${AGENT_KEY_SUFFIX}`, `${stem}-${digest.slice(0, 8)}${AGENT_KEY_SUFFIX}`, `${stem}-${digest.slice(0, 32)}${AGENT_KEY_SUFFIX}`];
}

export interface KeyedAgent {
  id: string;
  title: string;
}

/**
 * Assigns a key to every agent. An agent keeps `kept` (its key from the index, or the key it was
 * imported from) when no other agent took it first; the others get their first free candidate.
 */
export function assignKeys<A extends KeyedAgent>(agents: readonly A[], kept: ReadonlyMap<string, string>): Map<string, A> {
  const byKey = new Map<string, A>();
  const sorted = [...agents].sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
  const waiting: A[] = [];
  for (const agent of sorted) {
    const key = kept.get(agent.id);
    if (key !== undefined && !byKey.has(key)) byKey.set(key, agent);
    else waiting.push(agent);
  }
  for (const agent of waiting) {
    const key = candidateKeys(agent.title).find((k) => !byKey.has(k)) ?? `${fileStemOf(agent.title)}-${agent.id}${AGENT_KEY_SUFFIX}`;
    byKey.set(key, agent);
  }
  return byKey;
}
