import type { AgentStats, HookName, HookStats, LimitName } from './types';

export type StatsLabel = HookName | 'load' | 'job';

/** Counters of one agent (kept across reloads of the same agent id). */
export class AgentStatsAccumulator {
  calls = 0;
  events = 0;
  errors = 0;
  cpuMs = 0;
  wallMs = 0;
  consoleDropped = 0;
  droppedBatches = 0;
  readonly limitHits: Partial<Record<LimitName, number>> = {};
  readonly hooks: Partial<Record<StatsLabel, HookStats>> = {};

  recordCall(label: StatsLabel, events: number, errors: number, cpuMs: number, wallMs: number): void {
    this.calls++;
    this.events += events;
    this.errors += errors;
    this.cpuMs += cpuMs;
    this.wallMs += wallMs;
    const hook = (this.hooks[label] ??= { calls: 0, events: 0, errors: 0, cpuMs: 0, wallMs: 0 });
    hook.calls++;
    hook.events += events;
    hook.errors += errors;
    hook.cpuMs += cpuMs;
    hook.wallMs += wallMs;
  }

  recordLimit(limit: LimitName): void {
    this.limitHits[limit] = (this.limitHits[limit] ?? 0) + 1;
  }

  snapshot(base: Pick<AgentStats, 'id' | 'title' | 'revision' | 'state'>): AgentStats {
    const hooks: AgentStats['hooks'] = {};
    for (const [label, value] of Object.entries(this.hooks)) hooks[label as StatsLabel] = { ...value };
    return {
      ...base,
      calls: this.calls,
      events: this.events,
      errors: this.errors,
      cpuMs: round(this.cpuMs),
      wallMs: round(this.wallMs),
      limitHits: { ...this.limitHits },
      consoleDropped: this.consoleDropped,
      droppedBatches: this.droppedBatches,
      hooks,
    };
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** At most `perSecond` events per second; the rest are counted for a later summary. */
export class RateGate {
  private window = 0;
  private used = 0;
  suppressed = 0;

  constructor(private readonly perSecond: number) {}

  allow(now = Date.now()): boolean {
    const second = Math.floor(now / 1000);
    if (second !== this.window) {
      this.window = second;
      this.used = 0;
    }
    if (this.used < this.perSecond) {
      this.used++;
      return true;
    }
    this.suppressed++;
    return false;
  }

  takeSuppressed(): number {
    const n = this.suppressed;
    this.suppressed = 0;
    return n;
  }
}
