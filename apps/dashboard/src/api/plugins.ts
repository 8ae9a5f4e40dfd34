import type { PluginNodeStats } from '@wirehook/contracts';
import { api, ApiError, get, patch, post } from './client';
import { storedToken } from './token';

/** An installed plugin as `GET /api/plugins` lists it (libs/hub/src/plugins). */
export interface PluginInfo {
  name: string;
  version: string;
  enabled: boolean;
  settings: Record<string, unknown>;
  installedAt: string;
  updatedAt: string;
  displayName?: string;
  description?: string;
  helpers: Array<{ name: string; description: string; parameters: string[]; delivery: string; idempotent: boolean }>;
  /** Why the installed files could not be read. */
  problem?: string;
  /** Loaded on the hub, or failed with the reason (an incompatible plugin says why). */
  hub?: { state: string; error?: string };
}

export interface PluginDetail extends PluginInfo {
  /** The full `wirehook` manifest (helpers with parameter schemas, flow nodes, host range…). */
  manifest?: { apiVersion?: number; host?: string; helpers: unknown[]; nodes?: unknown[]; [key: string]: unknown };
}

/** Where a plugin comes from: a package from the npm registry, or a folder or tarball on the hub. */
export type PluginSource = { package: string } | { folder: string } | { tarball: string };

export interface PluginUsage {
  agents: Array<{ id: string; title: string; active: boolean; origin: string; helpers: string[] }>;
  flows: Array<{ id: string; name: string; helpers: string[]; nodes: string[] }>;
}

export interface UpgradePreflight extends PluginUsage {
  name: string;
  from: string;
  to: string;
  major: boolean;
  removedHelpers: string[];
  warnings: string[];
}

// Delivery counters are the bus payload types (type-only import: nothing of contracts is bundled).
export type { PluginDeliveryCounters, PluginNodeStats } from '@wirehook/contracts';

export interface PluginStatsReply {
  node: string;
  plugins: PluginNodeStats[];
}

const path = (name: string) => `/api/plugins/${encodeURIComponent(name)}`;

export function listPlugins(signal?: AbortSignal): Promise<PluginInfo[]> {
  return get<PluginInfo[]>('/api/plugins', { signal });
}

export function pluginDetail(name: string, signal?: AbortSignal): Promise<PluginDetail> {
  return get<PluginDetail>(path(name), { signal });
}

/** Every installed plugin with its manifest (what the flow catalog is built from). */
export async function pluginDetails(signal?: AbortSignal): Promise<PluginDetail[]> {
  const plugins = await listPlugins(signal);
  return Promise.all(plugins.map((p) => pluginDetail(p.name, signal).catch(() => p as PluginDetail)));
}

export function pluginStats(signal?: AbortSignal): Promise<PluginStatsReply[]> {
  return get<PluginStatsReply[]>('/api/plugins/stats', { signal });
}

export function installPlugin(source: PluginSource): Promise<unknown> {
  return post('/api/plugins', source);
}

/** Installs an npm tarball chosen in the browser (sent as the request body). */
export async function uploadPlugin(file: File): Promise<unknown> {
  const response = await fetch('/api/plugins/upload', {
    method: 'POST',
    headers: { 'Content-Type': 'application/gzip', Authorization: `Bearer ${storedToken() ?? ''}` },
    body: file,
  });
  const text = await response.text();
  const body: unknown = text && (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text;
  if (!response.ok) throw new ApiError(response.status, body, 'POST', '/api/plugins/upload');
  return body;
}

export function preflightUpgrade(name: string, source: PluginSource): Promise<UpgradePreflight> {
  return post<UpgradePreflight>(`${path(name)}/preflight`, source);
}

export function upgradePlugin(name: string, source: PluginSource, acceptMajor: boolean): Promise<unknown> {
  return post(`${path(name)}/upgrade`, { ...source, acceptMajor });
}

export function setPluginEnabled(name: string, enabled: boolean): Promise<PluginInfo> {
  return patch<PluginInfo>(path(name), { enabled });
}

export function removePlugin(name: string): Promise<{ agents: PluginUsage['agents'] }> {
  return api<{ agents: PluginUsage['agents'] }>('DELETE', path(name));
}

