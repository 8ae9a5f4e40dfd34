// The layout of the agents ConfigMap (see libs/k8s/README.md):
//   data["<file>.js"]            the source of one active agent
//   data["wirehook-index.json"]  what Wirehook last wrote: per key the agent id, title, revision and
//                                the sha256 of the source, so that an edit made outside Wirehook is
//                                recognised (hash differs) and its base revision is known
import { createHash } from 'node:crypto';

export const DEFAULT_CONFIG_MAP_NAME = 'wirehook-config-map';
export const INDEX_KEY = 'wirehook-index.json';
export const INDEX_FORMAT = 1;
export const AGENT_KEY_SUFFIX = '.js';
/** Labels Wirehook puts on the ConfigMap it writes. */
export const CONFIG_MAP_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/managed-by': 'wirehook',
  'app.kubernetes.io/component': 'agents',
};

export interface IndexEntry {
  id: string;
  title: string;
  /** The agent's revision when its source was written under this key. */
  revision: number;
  /** sha256 (hex) of the source written under this key. */
  sha256: string;
}

export interface AgentIndex {
  format: typeof INDEX_FORMAT;
  note: string;
  /** By key, e.g. "slack-on-5xx.js". */
  agents: Record<string, IndexEntry>;
}

const INDEX_NOTE = 'Written by Wirehook. Edit, add or remove the .js keys; leave this index as it is.';

export function sha256Of(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function isAgentKey(key: string): boolean {
  return key.endsWith(AGENT_KEY_SUFFIX) && key.length > AGENT_KEY_SUFFIX.length;
}

/** The index as written: keys sorted, stable text, so the same agents always give the same bytes. */
export function formatIndex(entries: ReadonlyMap<string, IndexEntry>): string {
  const agents: Record<string, IndexEntry> = {};
  for (const key of [...entries.keys()].sort()) {
    const { id, title, revision, sha256 } = entries.get(key) as IndexEntry;
    agents[key] = { id, title, revision, sha256 };
  }
  const index: AgentIndex = { format: INDEX_FORMAT, note: INDEX_NOTE, agents };
  return `${JSON.stringify(index, null, 2)}\n`;
}

export type ParsedIndex = { entries: Map<string, IndexEntry>; problem?: string };

/** Reads the index; a missing or damaged one gives no entries and says why (every key then counts as new). */
export function parseIndex(text: string | undefined): ParsedIndex {
  if (text === undefined) return { entries: new Map(), problem: `${INDEX_KEY} is missing` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { entries: new Map(), problem: `${INDEX_KEY} is not JSON: ${(error as Error).message}` };
  }
  const index = parsed as Partial<AgentIndex> | null;
  if (!index || typeof index !== 'object' || index.format !== INDEX_FORMAT || typeof index.agents !== 'object' || index.agents === null) {
    return { entries: new Map(), problem: `${INDEX_KEY} is not a format ${INDEX_FORMAT} index` };
  }
  const entries = new Map<string, IndexEntry>();
  const bad: string[] = [];
  for (const [key, entry] of Object.entries(index.agents)) {
    const e = entry as Partial<IndexEntry> | null;
    if (
      isAgentKey(key) && e && typeof e.id === 'string' && typeof e.title === 'string' &&
      typeof e.revision === 'number' && Number.isInteger(e.revision) && typeof e.sha256 === 'string'
    ) {
      entries.set(key, { id: e.id, title: e.title, revision: e.revision, sha256: e.sha256 });
    } else {
      bad.push(key);
    }
  }
  return bad.length > 0 ? { entries, problem: `${INDEX_KEY}: entries ${bad.map((k) => `"${k}"`).join(', ')} are malformed and were ignored` } : { entries };
}

/** The .js keys of a ConfigMap's data and their sources. */
export function agentSources(data: Readonly<Record<string, string>>): Map<string, string> {
  return new Map(Object.entries(data).filter(([key]) => isAgentKey(key)));
}
