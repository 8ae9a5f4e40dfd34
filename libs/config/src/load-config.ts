import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { configSchema, type WirehookConfig } from '@wirehook/contracts';
import { ConfigError, type ConfigIssue } from './config-error';
import { deepMerge, isPlainObject, parseScalar, setPath, type PlainObject } from './overrides';

export const DEFAULT_CONFIG_FILES = ['wirehook.yaml', 'wirehook.yml', 'wirehook.json'];

/** Environment variables with a conventional name of their own (12-factor, Kubernetes downward API). */
export const WELL_KNOWN_ENV: Record<string, string> = {
  NATS_URL: 'nats.url',
  DATABASE_URL: 'database.url',
  HUB_PORT: 'hub.port',
  HUB_URL: 'hub.url',
  NODE_NAME: 'node.name',
};

/** Generic overrides: `WIREHOOK__TAP__PCAP=x` sets `tap.pcap`; segments match keys case-insensitively. */
export const ENV_PREFIX = 'WIREHOOK__';

export interface LoadConfigOptions {
  /** Explicit config file (`--config`); otherwise `WIREHOOK_CONFIG`, otherwise the first of DEFAULT_CONFIG_FILES in cwd. */
  file?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kubeshark-style `key=value` overrides from `--set`, applied last. */
  set?: string[];
  /** Default for `node.name` when the configuration has none. */
  defaultNodeName?: string;
}

export interface LoadedConfig {
  config: WirehookConfig;
  /** The files and override kinds that contributed, for the start banner. */
  sources: string[];
}

export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const sources: string[] = [];
  const origins = new Map<string, string>();
  let raw: PlainObject = {};

  const file = options.file ?? env.WIREHOOK_CONFIG ?? DEFAULT_CONFIG_FILES.map((f) => resolve(cwd, f)).find((f) => existsSync(f));
  if (file) {
    const path = isAbsolute(file) ? file : resolve(cwd, file);
    raw = readConfigFile(path);
    sources.push(path);
  }

  const overrides: PlainObject = {};
  for (const [name, key] of Object.entries(WELL_KNOWN_ENV)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setPath(overrides, key.split('.'), parseScalar(value), name);
    origins.set(key, name);
  }
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || value === undefined) continue;
    const path = resolveKeyPath(name.slice(ENV_PREFIX.length).split('__'), name);
    setPath(overrides, path, parseScalar(value), name);
    origins.set(path.join('.'), name);
  }
  for (const assignment of options.set ?? []) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) throw new ConfigError([{ key: assignment, message: 'expected key=value', origin: '--set' }]);
    const path = resolveKeyPath(assignment.slice(0, eq).split('.'), '--set');
    setPath(overrides, path, parseScalar(assignment.slice(eq + 1)), '--set');
    origins.set(path.join('.'), '--set');
  }
  if (origins.size > 0) sources.push(...new Set(origins.values()));

  const result = configSchema.safeParse(deepMerge(raw, overrides));
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => toConfigIssue(issue, origins, file)));
  }
  const config = result.data;
  config.node.name ??= options.defaultNodeName ?? hostname();
  return { config, sources };
}

function readConfigFile(path: string): PlainObject {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([{ key: '', message: `cannot read config file: ${(error as Error).message}`, origin: path }]);
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new ConfigError([{ key: '', message: `not valid YAML/JSON: ${(error as Error).message}`, origin: path }]);
  }
  if (value === null || value === undefined) return {};
  if (!isPlainObject(value)) throw new ConfigError([{ key: '', message: 'the file must hold a mapping of keys', origin: path }]);
  return value;
}

/**
 * Maps override segments onto the schema's own spelling (`WATCHSCRIPTS` → `watchScripts`).
 * Segments below a free-form record (`scripting.env.*`) are kept as written.
 */
function resolveKeyPath(segments: string[], origin: string): string[] {
  const path: string[] = [];
  let shape: z.ZodType | undefined = configSchema;
  for (const segment of segments) {
    const objectShape = shape ? objectShapeOf(shape) : undefined;
    if (!objectShape) {
      path.push(segment);
      shape = undefined;
      continue;
    }
    const key = Object.keys(objectShape).find((k) => k.toLowerCase() === segment.toLowerCase());
    if (!key) {
      const where = path.length ? path.join('.') : 'the top level';
      throw new ConfigError([
        { key: [...path, segment].join('.'), message: `unknown key; ${where} accepts ${Object.keys(objectShape).join(', ')}`, origin },
      ]);
    }
    path.push(key);
    const child: z.ZodType = objectShape[key] as z.ZodType;
    shape = isRecordSchema(child) ? undefined : child;
  }
  return path;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  // default/prefault/optional wrappers all expose the inner type through `unwrap()` or `def.innerType`.
  for (let i = 0; i < 8; i++) {
    const def = (current as unknown as { def: { innerType?: z.ZodType } }).def;
    if (!def?.innerType) break;
    current = def.innerType;
  }
  return current;
}

function objectShapeOf(schema: z.ZodType): Record<string, unknown> | undefined {
  const inner = unwrap(schema);
  return inner instanceof z.ZodObject ? (inner.shape as Record<string, unknown>) : undefined;
}

function isRecordSchema(schema: z.ZodType): boolean {
  return unwrap(schema) instanceof z.ZodRecord;
}

function toConfigIssue(issue: z.core.$ZodIssue, origins: Map<string, string>, file: string | undefined): ConfigIssue {
  const base = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => [...base, k].join('.'));
    return { key: keys.join(', '), message: 'unknown key', origin: origins.get(keys[0]) ?? file };
  }
  const key = base.join('.');
  return { key, message: issue.message, origin: origins.get(key) ?? file };
}
