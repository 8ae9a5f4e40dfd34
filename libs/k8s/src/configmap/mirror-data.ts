// The data the ConfigMap should hold for a set of agents: one key per active agent and the index.
import type { MirroredAgent } from '../mirrored-agent-store';
import { assignKeys } from './agent-keys';
import { formatIndex, INDEX_KEY, isAgentKey, sha256Of, type IndexEntry } from './configmap-format';

/**
 * `foreign` is the current data: keys that are neither agent files nor the index (a README someone
 * added) are kept as they are.
 */
export function mirrorData(
  agents: readonly MirroredAgent[],
  keptKeys: ReadonlyMap<string, string>,
  foreign: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(foreign)) {
    if (!isAgentKey(key) && key !== INDEX_KEY) data[key] = value;
  }
  const entries = new Map<string, IndexEntry>();
  for (const [key, agent] of assignKeys(agents.filter((a) => a.active), keptKeys)) {
    data[key] = agent.source;
    entries.set(key, { id: agent.id, title: agent.title, revision: agent.revision, sha256: sha256Of(agent.source) });
  }
  data[INDEX_KEY] = formatIndex(entries);
  return data;
}

export function sameData(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && a[k] === b[k]);
}
