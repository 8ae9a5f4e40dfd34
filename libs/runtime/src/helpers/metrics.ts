import { Counter, Gauge, type Registry } from 'prom-client';
import type { MetricUpdate } from '../sandbox/sandbox';

/** Prometheus has an "untyped" type that prom-client lacks: a gauge that says so in `# TYPE`. */
class UntypedMetric extends Gauge<string> {
  constructor(config: ConstructorParameters<typeof Gauge<string>>[0]) {
    super(config);
    (this as unknown as { type: string }).type = 'untyped';
  }
}

type AgentMetric = { type: 1 | 2 | 3; labelNames: string[]; metric: Counter<string> | Gauge<string>; labelSets: Set<string> };

/** Distinct label sets one agent metric may have: label cardinality is host memory. */
const MAX_LABEL_SETS = 10000;

/** `prometheus.metric(name, help, type, value, labels)` on the host's registry. */
export class AgentMetricRegistry {
  private readonly metrics = new Map<string, AgentMetric>();

  constructor(private readonly registry: Registry) {}

  /** Applies one call's aggregated updates; returns the errors (conflicting types or label names). */
  apply(updates: MetricUpdate[]): string[] {
    const errors: string[] = [];
    for (const update of updates) {
      try {
        this.applyOne(update);
      } catch (error) {
        errors.push(`prometheus.metric ${update.name}: ${(error as Error).message}`);
      }
    }
    return errors;
  }

  private applyOne(update: MetricUpdate): void {
    const labelNames = Object.keys(update.labels).sort();
    let entry = this.metrics.get(update.name);
    if (!entry) {
      if (this.registry.getSingleMetric(update.name)) throw new Error('the name is already used by another metric of this node');
      const config = { name: update.name, help: update.help || update.name, labelNames, registers: [this.registry] };
      const metric = update.type === 1 ? new Counter(config) : update.type === 2 ? new Gauge(config) : new UntypedMetric(config);
      entry = { type: update.type, labelNames, metric, labelSets: new Set() };
      this.metrics.set(update.name, entry);
    }
    if (entry.type !== update.type) throw new Error(`registered with type ${entry.type}, used with type ${update.type}`);
    if (entry.labelNames.join(',') !== labelNames.join(',')) {
      throw new Error(`registered with labels [${entry.labelNames.join(', ')}], used with [${labelNames.join(', ')}]`);
    }
    const labelKey = JSON.stringify(update.labels);
    if (!entry.labelSets.has(labelKey)) {
      if (entry.labelSets.size >= MAX_LABEL_SETS) throw new Error(`more than ${MAX_LABEL_SETS} label sets`);
      entry.labelSets.add(labelKey);
    }
    if (entry.metric instanceof Counter) entry.metric.inc(update.labels, update.value);
    else entry.metric.set(update.labels, update.value);
  }
}

/** The runtime's own per-agent counters, exported beside the agents' metrics. */
export class RuntimeMetrics {
  readonly calls: Counter<'agent' | 'hook'>;
  readonly events: Counter<'agent' | 'hook'>;
  readonly errors: Counter<'agent' | 'hook'>;
  readonly cpuSeconds: Counter<'agent' | 'hook'>;
  readonly limitHits: Counter<'agent' | 'limit'>;
  readonly consoleDropped: Counter<'agent'>;

  constructor(registry: Registry) {
    // Two runtimes on one registry (hub and worker all-in-one) share the same metric objects.
    const counter = <L extends string>(name: string, help: string, labelNames: L[]): Counter<L> =>
      (registry.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter<L>({ name, help, labelNames, registers: [registry] });
    this.calls = counter('wirehook_agent_calls_total', 'Calls into agents (a batch is one call)', ['agent', 'hook']);
    this.events = counter('wirehook_agent_events_total', 'Items, packets and events delivered to agents', ['agent', 'hook']);
    this.errors = counter('wirehook_agent_errors_total', 'Exceptions thrown by agent hooks and jobs', ['agent', 'hook']);
    this.cpuSeconds = counter('wirehook_agent_cpu_seconds_total', 'CPU time spent in agent sandboxes', ['agent', 'hook']);
    this.limitHits = counter('wirehook_agent_limit_hits_total', 'Times an agent went over a budget', ['agent', 'limit']);
    this.consoleDropped = counter('wirehook_agent_console_dropped_total', 'Console lines dropped by the rate cap', ['agent']);
  }
}
