import type { InstalledPlugin } from '@wirehook/flow';

/**
 * The installed plugins as the flow catalog needs them, from the hub's plugin list. Entries without
 * a manifest (the hub could not read it) are left out: their nodes cannot be offered.
 */
export function pluginsForCatalog(listed: unknown): InstalledPlugin[] {
  if (!Array.isArray(listed)) return [];
  const out: InstalledPlugin[] = [];
  for (const entry of listed) {
    if (entry === null || typeof entry !== 'object') continue;
    const e = entry as Record<string, unknown>;
    const manifest = (e.manifest ?? e.wirehook) as InstalledPlugin['manifest'] | undefined;
    if (typeof e.name !== 'string' || typeof e.version !== 'string' || !manifest || !Array.isArray(manifest.helpers)) continue;
    if (e.enabled === false) continue;
    out.push({ name: e.name, version: e.version, manifest: { helpers: manifest.helpers, nodes: manifest.nodes } });
  }
  return out;
}
