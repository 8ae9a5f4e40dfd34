import type { PluginDetail } from '../api/plugins';

/**
 * What the Plugins page says about a plugin's compatibility: the hub checked the plugin API version,
 * the Wirehook range and the Node.js range when it installed and loaded it; a refusal or a load
 * failure on the hub carries the reason.
 */
export function compatibility(plugin: Pick<PluginDetail, 'problem' | 'hub' | 'manifest' | 'enabled'>): { ok: boolean; label: string; detail: string } {
  const needs = [plugin.manifest?.host ? `Wirehook ${plugin.manifest.host}` : '', plugin.manifest?.apiVersion !== undefined ? `plugin API ${plugin.manifest.apiVersion}` : '']
    .filter((s) => s !== '')
    .join(', ');
  if (plugin.problem) return { ok: false, label: 'cannot be read', detail: plugin.problem };
  if (plugin.hub?.state === 'failed') return { ok: false, label: 'refused on the hub', detail: plugin.hub.error ?? 'no reason given' };
  if (!plugin.enabled) return { ok: true, label: 'disabled', detail: needs ? `needs ${needs}` : '' };
  if (plugin.hub?.state === 'loaded') return { ok: true, label: 'compatible, loaded', detail: needs ? `needs ${needs}` : '' };
  return { ok: true, label: 'compatible', detail: needs ? `needs ${needs}` : '' };
}
