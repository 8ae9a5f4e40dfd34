import { SCHEMA_VERSION, type PluginNodeStats, type PluginStatsReply } from '@wirehook/contracts';
import type { PluginHost } from './plugin-host';

/** A node's answer on `wirehook.plugins.<node>.stats`: every plugin it runs or refused, with its counters. */
export function pluginStatsReply(node: string, host: PluginHost): PluginStatsReply {
  const stats = new Map(host.stats().map((s) => [s.plugin, s]));
  const plugins: PluginNodeStats[] = host.statuses().map((status) => {
    const counters = stats.get(status.name);
    return {
      plugin: status.name,
      version: status.version,
      state: status.state,
      ...(status.error ? { error: status.error } : {}),
      sent: counters?.sent ?? 0,
      failed: counters?.failed ?? 0,
      retried: counters?.retried ?? 0,
      dropped: counters?.dropped ?? 0,
      queued: counters?.queued ?? 0,
      inFlight: counters?.inFlight ?? 0,
      agents: counters?.agents ?? [],
    };
  });
  return { v: SCHEMA_VERSION, node, plugins };
}
