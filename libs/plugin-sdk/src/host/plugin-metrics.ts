import { Counter, Gauge, type Registry } from 'prom-client';
import type { HelperMetrics } from '../helper-contract';
import type { DeliveryCounters, DeliveryListener } from './delivery-queue';

type DeliveryLabel = 'node' | 'plugin' | 'agent';

/** Metric names a plugin may use for its own counters (they become a label value). */
const CUSTOM_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Plugin counters on the node's registry. Hub and worker of the all-in-one process share one
 * registry, so metrics are looked up before being created and every series carries `node`.
 */
export class PluginMetrics {
  private readonly delivery?: Record<keyof DeliveryCounters, Counter<DeliveryLabel>>;
  private readonly queued?: Gauge<'node' | 'plugin'>;
  private readonly inFlight?: Gauge<'node' | 'plugin'>;
  private readonly events?: Counter<'node' | 'plugin' | 'name'>;
  private readonly values?: Gauge<'node' | 'plugin' | 'name'>;

  constructor(
    registry: Registry | undefined,
    private readonly node: string,
  ) {
    if (!registry) return;
    const counter = <L extends string>(name: string, help: string, labelNames: L[]): Counter<L> =>
      (registry.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter<L>({ name, help, labelNames, registers: [registry] });
    const gauge = <L extends string>(name: string, help: string, labelNames: L[]): Gauge<L> =>
      (registry.getSingleMetric(name) as Gauge<L> | undefined) ?? new Gauge<L>({ name, help, labelNames, registers: [registry] });
    const labels: DeliveryLabel[] = ['node', 'plugin', 'agent'];
    this.delivery = {
      sent: counter('wirehook_plugin_sent_total', 'Helper calls delivered by plugins', labels),
      failed: counter('wirehook_plugin_failed_total', 'Helper calls that failed after any retries', labels),
      retried: counter('wirehook_plugin_retried_total', 'Retries of helper calls', labels),
      dropped: counter('wirehook_plugin_dropped_total', 'Helper calls dropped because the delivery queue was full', labels),
    };
    this.queued = gauge('wirehook_plugin_queued', 'Helper calls waiting in a plugin delivery queue', ['node', 'plugin']);
    this.inFlight = gauge('wirehook_plugin_in_flight', 'Helper call attempts running', ['node', 'plugin']);
    this.events = counter('wirehook_plugin_events_total', 'Counters plugins keep themselves', ['node', 'plugin', 'name']);
    this.values = gauge('wirehook_plugin_values', 'Values plugins report themselves', ['node', 'plugin', 'name']);
  }

  listener(plugin: string): DeliveryListener {
    return {
      counted: (kind, agent) => this.delivery?.[kind].inc({ node: this.node, plugin, agent: agent.title || agent.id }),
      depth: (queued, inFlight) => {
        this.queued?.set({ node: this.node, plugin }, queued);
        this.inFlight?.set({ node: this.node, plugin }, inFlight);
      },
    };
  }

  helperMetrics(plugin: string): HelperMetrics {
    const check = (name: string) => {
      if (!CUSTOM_NAME.test(name)) throw new Error(`metric name ${JSON.stringify(name)} must be letters, digits and _ (at most 64)`);
    };
    return {
      increment: (name, value = 1) => {
        check(name);
        this.events?.inc({ node: this.node, plugin, name }, value);
      },
      set: (name, value) => {
        check(name);
        this.values?.set({ node: this.node, plugin, name }, value);
      },
    };
  }
}
