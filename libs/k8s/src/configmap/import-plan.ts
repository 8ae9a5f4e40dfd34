// What to take from the ConfigMap into the store, decided from the ConfigMap's data, its index
// (what Wirehook last wrote) and the agents in the store — a pure function, so every rule of
// libs/k8s/README.md is visible in one place and testable without a cluster.
import type { MirroredAgent } from '../mirrored-agent-store';
import { agentTitle } from '@wirehook/contracts';
import { agentSources, INDEX_KEY, parseIndex, sha256Of, type IndexEntry } from './configmap-format';

export type AgentImport =
  /** The key's source was edited outside Wirehook, on the revision the index records. */
  | { kind: 'update'; key: string; agent: MirroredAgent; source: string }
  /** The agent's key was removed and its source appeared under a new key (a rename of the file). */
  | { kind: 'rename'; key: string; fromKey: string; agent: MirroredAgent; source: string }
  /** A new key whose title is not an agent yet. */
  | { kind: 'create'; key: string; title: string; source: string }
  /** A new key whose title is an inactive agent: that agent comes back with this source. */
  | { kind: 'reactivate'; key: string; agent: MirroredAgent; source: string }
  /** The key was removed outside Wirehook: the agent is deactivated (kept, with its history). */
  | { kind: 'deactivate'; key: string; agent: MirroredAgent };

export type RefusalReason =
  /** Both sides changed since the last mirror write: the database wins. */
  | 'conflict'
  /** A new key whose title is already an active agent with another source. */
  | 'duplicate-title'
  /** The source failed `checkSource` (not ES5...). */
  | 'invalid';

/** A ConfigMap change that is not imported; the next write puts the database's state back. */
export interface Refusal {
  key: string;
  reason: RefusalReason;
  message: string;
  agentId?: string;
  title?: string;
  /** The refused text (absent when the refused change is a removal). */
  configMapSource?: string;
}

export interface ImportPlan {
  imports: AgentImport[];
  refusals: Refusal[];
  /** Keys to keep for agents (agent id → key): the index's, unless renamed, and those claimed by imports. */
  keptKeys: Map<string, string>;
  /** Why the index could not be used, when it could not. */
  indexProblem?: string;
}

export interface PlanInput {
  agents: readonly MirroredAgent[];
  /** The ConfigMap's data; undefined when there is no ConfigMap. */
  data: Readonly<Record<string, string>> | undefined;
  /** Why a source may not be imported, or undefined when it may. */
  checkSource(source: string, key: string): string | undefined;
}

export function planImport({ agents, data, checkSource }: PlanInput): ImportPlan {
  const plan: ImportPlan = { imports: [], refusals: [], keptKeys: new Map() };
  if (data === undefined) return plan; // no ConfigMap: nothing to import, it is written from the store
  const { entries, problem } = parseIndex(data[INDEX_KEY]);
  if (problem !== undefined && Object.keys(data).length > 0) plan.indexProblem = problem;
  const sources = agentSources(data);
  const byId = new Map(agents.map((a) => [a.id, a]));
  const byTitle = new Map(agents.map((a) => [a.title, a]));

  for (const [key, entry] of entries) {
    const agent = byId.get(entry.id);
    if (agent && agent.title === entry.title && !plan.keptKeys.has(agent.id)) plan.keptKeys.set(agent.id, key);
  }

  // Keys removed outside Wirehook whose agent is unchanged: deactivation candidates, unless a new
  // key turns out to hold the same agent (a renamed file).
  const removed = new Map<string, { key: string; entry: IndexEntry; agent: MirroredAgent }>();
  for (const [key, entry] of entries) {
    if (sources.has(key)) continue;
    const agent = byId.get(entry.id);
    if (!agent || !agent.active) continue; // already gone or inactive: nothing to do
    if (agent.revision !== entry.revision) {
      plan.refusals.push({
        key, reason: 'conflict', agentId: agent.id, title: agent.title,
        message:
          `key "${key}" was removed from the ConfigMap, but agent "${agent.title}" changed in the database since it was ` +
          `written (revision ${entry.revision} → ${agent.revision}): the database wins, the key is written back`,
      });
      continue;
    }
    removed.set(agent.id, { key, entry, agent });
  }

  const claimedTitles = new Set<string>();
  for (const [key, source] of sources) {
    const entry = entries.get(key);
    if (entry) {
      planEditedKey(plan, key, source, entry, byId.get(entry.id), checkSource);
      continue;
    }
    const title = agentTitle(source, key);
    const existing = byTitle.get(title);
    const refuse = (reason: RefusalReason, message: string): void => {
      plan.refusals.push({ key, reason, message, title, agentId: existing?.id, configMapSource: source });
    };
    if (claimedTitles.has(title)) {
      refuse('duplicate-title', `new key "${key}" holds agent "${title}", which another new key of this ConfigMap already holds: not imported`);
      continue;
    }
    claimedTitles.add(title);
    const problemText = existing?.source === source ? undefined : checkSource(source, key);
    if (problemText !== undefined) {
      refuse('invalid', `new key "${key}" (agent "${title}") not imported: ${problemText}`);
      continue;
    }
    if (!existing) {
      plan.imports.push({ kind: 'create', key, title, source });
    } else if (!existing.active) {
      plan.imports.push({ kind: 'reactivate', key, agent: existing, source });
      plan.keptKeys.set(existing.id, key);
    } else if (removed.has(existing.id)) {
      const { key: fromKey } = removed.get(existing.id) as { key: string };
      removed.delete(existing.id);
      plan.imports.push({ kind: 'rename', key, fromKey, agent: existing, source });
      plan.keptKeys.set(existing.id, key);
    } else if (existing.source === source && !isIndexed(entries, existing.id, sources)) {
      plan.keptKeys.set(existing.id, key); // the same agent, just not in the index (index lost): adopt the key
    } else {
      const where = existing.source === source ? 'under another key' : 'with another source';
      refuse('duplicate-title', `new key "${key}" holds agent "${title}", which is already active ${where}: not imported (the database wins)`);
    }
  }

  for (const { key, agent } of removed.values()) plan.imports.push({ kind: 'deactivate', key, agent });
  return plan;
}

function planEditedKey(
  plan: ImportPlan,
  key: string,
  source: string,
  entry: IndexEntry,
  agent: MirroredAgent | undefined,
  checkSource: PlanInput['checkSource'],
): void {
  if (sha256Of(source) === entry.sha256) return; // unchanged since written; the store's changes are exported
  if (agent && agent.active && agent.source === source) return; // already the same on both sides
  const refuse = (reason: RefusalReason, message: string): void => {
    plan.refusals.push({ key, reason, message, agentId: entry.id, title: entry.title, configMapSource: source });
  };
  if (!agent || !agent.active || agent.revision !== entry.revision) {
    const what = !agent ? 'was deleted' : !agent.active ? 'was deactivated' : `changed (revision ${entry.revision} → ${agent.revision})`;
    refuse('conflict', `key "${key}" was edited in the ConfigMap, but agent "${entry.title}" ${what} in the database since it was written: the database wins, the edit is not imported`);
    return;
  }
  const problem = checkSource(source, key);
  if (problem !== undefined) {
    refuse('invalid', `edit of key "${key}" (agent "${agent.title}") not imported: ${problem}`);
    return;
  }
  plan.imports.push({ kind: 'update', key, agent, source });
}

/** Whether the index lists the agent under a key that is still in the ConfigMap. */
function isIndexed(entries: ReadonlyMap<string, IndexEntry>, agentId: string, sources: ReadonlyMap<string, string>): boolean {
  for (const [key, entry] of entries) if (entry.id === agentId && sources.has(key)) return true;
  return false;
}
