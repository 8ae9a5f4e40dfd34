import { satisfies, validRange } from 'semver';
import type { FlowCatalog } from '../catalog/types';
import type { FlowGraph } from './graph';
import { FlowFormatError, type FlowIssue } from './issues';
import { readFlowGraph } from './read-graph';
import { canonicalGraph, stableStringify } from './stable-json';

export const FLOW_FORMAT = 'wirehook-flow';
/** Version of the document format written by flowToJson. */
export const FLOW_FORMAT_VERSION = 1;

/** What flowToJson writes: the graph and the plugins it needs. */
export interface FlowDocument {
  format: typeof FLOW_FORMAT;
  formatVersion: number;
  /** Plugin package name → semver range of the versions the flow's nodes were made with. */
  requires: Record<string, string>;
  graph: FlowGraph;
}

/**
 * Turns a document of format version `from` into one of version `from + 1` (plain JSON in, plain
 * JSON out; the graph is checked after the last step).
 */
export type FormatMigration = (document: Record<string, unknown>) => Record<string, unknown>;

export interface FlowFromJsonOptions {
  /** Node types (and their `migrate`) to bring older nodes up to date; without it nodes stay as they are. */
  catalog?: FlowCatalog;
  /** Document migrations by the version they start from; added to the built-in ones. */
  migrations?: Record<number, FormatMigration>;
}

export interface ImportedFlow {
  graph: FlowGraph;
  requires: Record<string, string>;
  /** What was migrated, for the user ("node f1 (logic.filterField) v1 → v2"). */
  migrated: string[];
  /** Nodes that could not be brought up to date (a newer node version than this catalog knows). */
  issues: FlowIssue[];
}

/** Built-in migrations of the document format (none yet: version 1 is the first). */
const FORMAT_MIGRATIONS: Record<number, FormatMigration> = {};

/** The plugins a graph's nodes come from, as `name → ^version` (caret of the installed version). */
export function flowRequirements(graph: FlowGraph, catalog: FlowCatalog): Record<string, string> {
  const requires: Record<string, string> = {};
  for (const node of graph.nodes) {
    const plugin = catalog.get(node.type)?.plugin;
    if (plugin) requires[plugin.name] = `^${plugin.version}`;
  }
  return requires;
}

export interface FlowToJsonOptions {
  /** Fills `requires` from the plugin nodes of the graph. */
  catalog?: FlowCatalog;
  /** Requirements to keep (e.g. read on import for nodes whose plugin is not installed here); the catalog's win. */
  requires?: Record<string, string>;
}

/**
 * The export format: stable key order, nodes and edges sorted by id, two-space indentation and a
 * final newline, so the same flow always gives the same text and a change gives a small diff.
 */
export function flowToJson(graph: FlowGraph, options: FlowToJsonOptions = {}): string {
  const requires = { ...(options.requires ?? {}), ...(options.catalog ? flowRequirements(graph, options.catalog) : {}) };
  const document: FlowDocument = { format: FLOW_FORMAT, formatVersion: FLOW_FORMAT_VERSION, requires, graph: canonicalGraph(graph) };
  return stableStringify(document, 2) + '\n';
}

function formatIssue(message: string, path = ''): FlowIssue {
  return { severity: 'error', code: 'invalid-document', message, path };
}

/**
 * Reads an exported flow (the text or its parsed JSON; a bare graph `{title, nodes, edges}` is
 * accepted as well). Runs document migrations up to FLOW_FORMAT_VERSION, then each node's
 * `migrate` up to its type's version. Throws FlowFormatError when the input is not a flow.
 */
export function flowFromJson(input: string | unknown, options: FlowFromJsonOptions = {}): ImportedFlow {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new FlowFormatError([{ severity: 'error', code: 'invalid-json', message: `not JSON: ${(error as Error).message}` }]);
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new FlowFormatError([formatIssue('a flow document is a JSON object')]);
  let document = value as Record<string, unknown>;
  if (!('format' in document) && 'nodes' in document) document = { format: FLOW_FORMAT, formatVersion: FLOW_FORMAT_VERSION, requires: {}, graph: document };
  if (document.format !== FLOW_FORMAT) throw new FlowFormatError([formatIssue(`format must be "${FLOW_FORMAT}", not ${JSON.stringify(document.format)}`, 'format')]);
  let version = document.formatVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) throw new FlowFormatError([formatIssue('formatVersion must be a whole number', 'formatVersion')]);
  if (version > FLOW_FORMAT_VERSION) {
    throw new FlowFormatError([
      { severity: 'error', code: 'newer-format', message: `the flow was written in format version ${version}; this Wirehook reads up to ${FLOW_FORMAT_VERSION}`, path: 'formatVersion' },
    ]);
  }
  const migrations = { ...FORMAT_MIGRATIONS, ...(options.migrations ?? {}) };
  const migrated: string[] = [];
  while (version < FLOW_FORMAT_VERSION) {
    const step = migrations[version];
    if (!step) throw new FlowFormatError([formatIssue(`no migration from format version ${version}`, 'formatVersion')]);
    document = step(JSON.parse(JSON.stringify(document)) as Record<string, unknown>);
    migrated.push(`format ${version} → ${version + 1}`);
    version++;
  }
  const requires = readRequires(document.requires);
  const read = readFlowGraph(document.graph, 'graph');
  if (!read.graph) throw new FlowFormatError(read.issues);
  const issues: FlowIssue[] = [];
  const graph = read.graph;
  if (options.catalog) {
    for (const node of graph.nodes) {
      const definition = options.catalog.get(node.type);
      if (!definition || node.version === definition.version) continue;
      if (node.version > definition.version) {
        issues.push({
          severity: 'error',
          code: 'newer-node-version',
          message: `node "${node.id}" (${node.type}) was made with version ${node.version} of its type; this catalog has version ${definition.version}`,
          nodeId: node.id,
        });
        continue;
      }
      if (definition.migrate) node.data = definition.migrate(node.data, node.version);
      migrated.push(`node "${node.id}" (${node.type}) v${node.version} → v${definition.version}`);
      node.version = definition.version;
    }
  }
  return { graph, requires, migrated, issues };
}

function readRequires(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new FlowFormatError([formatIssue('requires must be an object of plugin name → version range', 'requires')]);
  const requires: Record<string, string> = {};
  for (const [name, range] of Object.entries(value)) {
    if (typeof range !== 'string' || validRange(range) === null) {
      throw new FlowFormatError([formatIssue(`requires.${name}: ${JSON.stringify(range)} is not a version range`, `requires.${name}`)]);
    }
    requires[name] = range;
  }
  return requires;
}

export interface MissingPlugin {
  name: string;
  /** The range the flow needs. */
  range: string;
  /** The installed version, when one is installed but out of range. */
  installed?: string;
  problem: 'not-installed' | 'incompatible-version';
}

/** What an import needs that is not installed (or installed in a version out of range): the dashboard offers these. */
export function missingPlugins(requires: Record<string, string>, installed: Array<{ name: string; version: string }>): MissingPlugin[] {
  const versions = new Map(installed.map((p) => [p.name, p.version]));
  const missing: MissingPlugin[] = [];
  for (const name of Object.keys(requires).sort()) {
    const range = requires[name];
    const version = versions.get(name);
    if (version === undefined) missing.push({ name, range, problem: 'not-installed' });
    else if (!satisfies(version, range, { includePrerelease: true })) missing.push({ name, range, installed: version, problem: 'incompatible-version' });
  }
  return missing;
}
