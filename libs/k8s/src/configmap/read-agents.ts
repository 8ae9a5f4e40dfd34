import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { AgentDefinition } from '@wirehook/contracts';
import { describeKubeError, httpStatusOf } from '../kube/kube-errors';
import { agentTitle } from '@wirehook/contracts';
import { agentSources, DEFAULT_CONFIG_MAP_NAME, INDEX_KEY, parseIndex, sha256Of } from './configmap-format';

/** The agents ConfigMap could not be read (absent, forbidden, API server unreachable). */
export class ConfigMapReadError extends Error {
  constructor(
    readonly namespace: string,
    readonly configMap: string,
    /** HTTP status when the API server answered (404: no such ConfigMap). */
    readonly status: number | undefined,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot read agents from ConfigMap ${namespace}/${configMap}: ${reason}`, options);
    this.name = 'ConfigMapReadError';
  }
}

/**
 * The agents a ConfigMap holds, for a worker that runs from it while the database is unreachable.
 * A key as Wirehook wrote it gives the agent's id, title and revision from the index; a key edited
 * or added outside Wirehook and not imported yet gives revision 0 (no stored revision has that
 * source), and a new key the id `configmap:<key>` and the title of its first comment line.
 * When two keys give the same title, the one from the index (else the first key) is kept.
 */
export async function readAgentsFromConfigMap(
  kubeConfig: KubeConfig,
  namespace: string,
  name: string = DEFAULT_CONFIG_MAP_NAME,
): Promise<AgentDefinition[]> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  try {
    const { body } = await core.readNamespacedConfigMap(name, namespace);
    return agentsFromConfigMapData(body.data ?? {});
  } catch (error) {
    throw new ConfigMapReadError(namespace, name, httpStatusOf(error), describeKubeError(error), { cause: error });
  }
}

/** The agents in a ConfigMap's data (see readAgentsFromConfigMap), sorted by title. */
export function agentsFromConfigMapData(data: Readonly<Record<string, string>>): AgentDefinition[] {
  const { entries } = parseIndex(data[INDEX_KEY]);
  const indexed: AgentDefinition[] = [];
  const added: AgentDefinition[] = [];
  for (const [key, source] of [...agentSources(data)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const entry = entries.get(key);
    if (entry) {
      indexed.push({ id: entry.id, title: entry.title, source, revision: sha256Of(source) === entry.sha256 ? entry.revision : 0 });
    } else {
      added.push({ id: `configmap:${key}`, title: agentTitle(source, key), source, revision: 0 });
    }
  }
  const byTitle = new Map<string, AgentDefinition>();
  for (const agent of [...indexed, ...added]) if (!byTitle.has(agent.title)) byTitle.set(agent.title, agent);
  return [...byTitle.values()].sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
}
