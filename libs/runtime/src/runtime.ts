import ivm from 'isolated-vm';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import type { AgentDefinition, Item, LogEntry, LogLevel, PacketInfo, PodChange, PodEventType } from '@wirehook/contracts';
import { SCHEMA_VERSION } from '@wirehook/contracts';
import { AgentStatsAccumulator, RateGate, type StatsLabel } from './agent-stats';
import { checkEs5, agentTitle } from './es5-check';
import { AgentLoadError } from './errors';
import { AgentFiles } from './helpers/agent-files';
import { JobScheduler } from './helpers/jobs';
import { AgentMetricRegistry, RuntimeMetrics } from './helpers/metrics';
import { kflToSource, parseKfl } from './kfl';
import { AgentSandbox, type CallOutcome, type CallResult, type SandboxCallbacks } from './sandbox/sandbox';
import { SharedGlobals } from './shared-globals';
import type { AgentState, AgentStats, AgentStatus, HelperFunction, HookName, JobInfo, LimitHit, LimitName, RuntimeHost, SyncReport } from './types';

/** A batch as objects, or already serialised (one JSON text per element, e.g. the bus payloads). */
export type EventBatch<T> = readonly T[] | { readonly json: readonly string[] };

/** Message of the LogEntry that stands for `console.clear()`. */
export const CONSOLE_CLEAR_MESSAGE = '\f';

export interface RuntimeOptions {
  /** Most batches waiting for one agent before new ones are dropped for it (and counted). Default 64. */
  maxQueuedBatches?: number;
  /** Hook-error log lines per agent per second; the rest are counted and summarised. Default 10. */
  errorLogsPerSecond?: number;
}

interface LoadedSandbox {
  sandbox: AgentSandbox;
  sandboxId: string;
  hooks: Set<HookName>;
}

interface Slot {
  id: string;
  definition: AgentDefinition;
  title: string;
  fileName: string;
  state: AgentState;
  current?: LoadedSandbox;
  status: AgentStatus;
  stats: AgentStatsAccumulator;
  /** Tail of this agent's serial queue: loads, swaps, batches, events and job runs run in order. */
  queue: Promise<void>;
  queued: number;
  /** Replacements queued but not yet swapped in: batches keep coming to this slot meanwhile. */
  pendingSwaps: number;
  files: AgentFiles;
  aborter: AbortController;
  errorGate: RateGate;
  consoleDroppedPending: number;
  consoleDroppedLogged: number;
  unloaded: boolean;
}

let sandboxCounter = 0;

/** Characters per chunk string: below V8's large-object threshold (128 KiB) so strings stay in the young generation. */
const CHUNK_CHARS = 100 * 1024;

interface BatchCall {
  /**
   * Copied out of the host heap once; each agent's isolate copies it in on its own thread, so the
   * event loop pays one copy per batch whatever the number of agents.
   */
  chunks: ivm.ExternalCopy<string>[];
  /** Elements in this call. */
  count: number;
}

/**
 * Runs agents: one isolate per agent (its own heap budget and CPU budget per call), a serial
 * queue per agent (so a replaced version takes over between two batches and nothing is seen
 * twice), batches that cross once per agent, helpers bridged to the host, and node-cron jobs.
 */
export class AgentRuntime {
  private readonly slots = new Map<string, Slot>();
  private readonly shared = new SharedGlobals();
  private readonly scheduler: JobScheduler;
  private readonly agentMetrics?: AgentMetricRegistry;
  private readonly runtimeMetrics?: RuntimeMetrics;
  private readonly kflCache = new Map<string, string>();
  private readonly maxQueuedBatches: number;
  private readonly errorLogsPerSecond: number;
  private closed = false;

  readonly jobs: {
    list(): JobInfo[];
    run(agentId: string, tag: string): Promise<{ ok: boolean; error: string } | null>;
    remove(agentId: string, tag: string): Promise<void>;
    scheduler: { isRunning(): boolean; start(): void; stop(): void };
  };

  constructor(
    private readonly host: RuntimeHost,
    options: RuntimeOptions = {},
  ) {
    this.maxQueuedBatches = options.maxQueuedBatches ?? 64;
    this.errorLogsPerSecond = options.errorLogsPerSecond ?? 10;
    this.scheduler = new JobScheduler(
      (owner, tag, final) => this.runJob(owner, tag, final),
      (message) => this.log('', 'warn', 'runtime', `scheduler: ${message}`),
    );
    if (host.metrics) {
      this.agentMetrics = new AgentMetricRegistry(host.metrics);
      this.runtimeMetrics = new RuntimeMetrics(host.metrics);
    }
    const scheduler = this.scheduler;
    this.jobs = {
      list: () => scheduler.list(),
      run: async (agentId, tag) => {
        const owner = this.slots.get(agentId)?.current?.sandboxId;
        return owner ? scheduler.runNow(owner, tag) : null;
      },
      remove: async (agentId, tag) => {
        const slot = this.slots.get(agentId);
        const current = slot?.current;
        if (!slot || !current) return;
        scheduler.remove(current.sandboxId, tag);
        await this.enqueue(slot, async (loaded) => {
          if (loaded.sandboxId === current.sandboxId) await loaded.sandbox.dropJob(tag, this.host.limits.hookCpuMs);
        }, 'event');
      },
      scheduler: { isRunning: () => scheduler.isRunning(), start: () => scheduler.start(), stop: () => scheduler.stop() },
    };
  }

  // ---------------------------------------------------------------- loading

  /** Loads an agent (replacing a loaded one with the same id). Throws AgentLoadError when refused. */
  async load(agent: AgentDefinition): Promise<AgentStatus> {
    const status = await this.install(agent);
    if (status.state === 'failed' && status.error) {
      throw new AgentLoadError(agent.id, status.title, status.error.kind, status.error.reason, status.error.line, status.error.column);
    }
    return status;
  }

  async unload(id: string): Promise<void> {
    const slot = this.slots.get(id);
    if (!slot) return;
    this.slots.delete(id);
    slot.unloaded = true;
    // Disposed now, not after the queue: a call in flight ends at once instead of running to its budget.
    this.retire(slot);
    await this.enqueueControl(slot, async () => {
      this.retire(slot);
    });
  }

  /** Makes the loaded set exactly `agents`: loads new ones, replaces changed ones, unloads the rest. Never throws for one agent. */
  async sync(agents: AgentDefinition[]): Promise<SyncReport> {
    const report: SyncReport = { loaded: [], replaced: [], unloaded: [], unchanged: [], failed: [] };
    const wanted = new Set(agents.map((a) => a.id));
    const removals = [...this.slots.keys()].filter((id) => !wanted.has(id));
    // Installs and removals are queued synchronously, before any await, so that a batch submitted
    // after sync() returns its promise goes to the new set and one submitted before to the old.
    const installs = agents.map((agent) => {
      const existing = this.slots.get(agent.id);
      if (existing && existing.definition.revision === agent.revision && existing.definition.source === agent.source) {
        report.unchanged.push(agent.id);
        return Promise.resolve();
      }
      return this.install(agent).then((status) => {
        (existing ? report.replaced : report.loaded).push(status);
        if (status.state === 'failed') report.failed.push(status);
      });
    });
    const unloads = removals.map((id) => this.unload(id));
    report.unloaded.push(...removals);
    await Promise.all([...installs, ...unloads]);
    return report;
  }

  private async install(agent: AgentDefinition): Promise<AgentStatus> {
    if (this.closed) throw new Error('runtime closed');
    const fileName = agentFileName(agent);
    const title = agent.title && agent.title.trim() !== '' ? agent.title : agentTitle(agent.source, fileName);
    let slot = this.slots.get(agent.id);
    if (!slot) {
      slot = {
        id: agent.id,
        definition: agent,
        title,
        fileName,
        state: 'loading',
        status: { id: agent.id, title, revision: agent.revision, state: 'loading', hooks: [] },
        stats: new AgentStatsAccumulator(),
        queue: Promise.resolve(),
        queued: 0,
        pendingSwaps: 0,
        files: new AgentFiles(join(this.host.dataDir, 'agents', safeFolderName(agent.id))),
        aborter: new AbortController(),
        errorGate: new RateGate(this.errorLogsPerSecond),
        consoleDroppedPending: 0,
        consoleDroppedLogged: 0,
        unloaded: false,
      };
      this.slots.set(agent.id, slot);
    }
    const target = slot;
    target.definition = agent;
    target.title = title;
    target.fileName = fileName;
    target.pendingSwaps++;
    // The new version loads now, beside the old one; it takes over at its place in the queue.
    const prepared = this.prepare(target, agent, title, fileName);
    let status!: AgentStatus;
    await this.enqueueControl(
      target,
      async () => {
        const outcome = await prepared;
        target.pendingSwaps--;
        this.retire(target);
        if (target.unloaded) {
          if ('loaded' in outcome) this.disposeSandbox(outcome.loaded);
          status = { id: agent.id, title, revision: agent.revision, state: 'failed', hooks: [], error: { kind: 'internal', reason: 'unloaded while loading' } };
          return;
        }
        if ('loaded' in outcome) {
          target.current = outcome.loaded;
          target.aborter = new AbortController();
          target.state = 'loaded';
          this.scheduler.activate(outcome.loaded.sandboxId);
          status = { id: agent.id, title, revision: agent.revision, state: 'loaded', hooks: [...outcome.loaded.hooks] };
        } else {
          target.state = 'failed';
          status = { id: agent.id, title, revision: agent.revision, state: 'failed', hooks: [], error: outcome.error };
        }
        target.status = status;
      },
    );
    return status;
  }

  /** ES5 check, new isolate, top-level code. Never throws: a refusal is logged and returned. */
  private async prepare(
    slot: Slot,
    agent: AgentDefinition,
    title: string,
    fileName: string,
  ): Promise<{ loaded: LoadedSandbox } | { error: NonNullable<AgentStatus['error']> }> {
    const refuse = (error: NonNullable<AgentStatus['error']>) => {
      const at = error.line !== undefined ? ` at ${fileName}:${error.line}${error.column !== undefined ? `:${error.column}` : ''}` : '';
      this.log(title, 'error', 'load', `refused (${error.kind})${at}: ${error.reason}`);
      return { error };
    };
    const diagnostics = checkEs5(agent.source, fileName);
    if (diagnostics.length > 0) {
      const d = diagnostics[0];
      return refuse({ kind: 'es5', line: d.line, column: d.column, reason: d.message.replace(/^.*?:\d+:\d+: /, '') });
    }
    const sandboxId = `${agent.id}#${++sandboxCounter}`;
    const limits = this.host.limits;
    let sandbox: AgentSandbox | undefined;
    try {
      sandbox = new AgentSandbox({
        fileName,
        nodeName: this.host.nodeName,
        env: this.host.env,
        memoryMb: limits.memoryMb,
        consoleLinesPerSecond: limits.consoleLinesPerSecond,
        vendorHelpers: Object.keys(this.vendorHelpers()),
        callbacks: this.callbacks(slot, sandboxId),
      });
      await sandbox.init();
      const outcome = await sandbox.load(agent.source, this.shared.updatesFor(sandboxId), limits.loadCpuMs);
      this.record(slot, 'load', outcome, 0);
      if (!outcome.ok) {
        const limit = outcome.failure === 'memory' ? 'memoryMb' : outcome.failure === 'timeout' ? 'loadCpuMs' : undefined;
        if (limit) {
          this.limitHit(slot, { limit, where: 'load', message: `${describeLimit(limit, limits)} exceeded by top-level code (cpu ${outcome.cpuMs.toFixed(0)} ms, wall ${outcome.wallMs.toFixed(0)} ms)`, time: Date.now() });
        }
        throw Object.assign(new Error(outcome.message), { kind: limit ? 'limit' : 'internal' });
      }
      const loadError = (outcome.result.value as { loadError?: { message: string; line?: number; column?: number } } | null)?.loadError;
      this.absorb(slot, sandboxId, outcome.result, 'load');
      if (loadError) {
        sandbox.dispose();
        this.scheduler.remove(sandboxId, '');
        return refuse({ kind: 'top-level-throw', line: loadError.line, column: loadError.column, reason: loadError.message });
      }
      return { loaded: { sandbox, sandboxId, hooks: new Set(outcome.result.hooks) } };
    } catch (error) {
      sandbox?.dispose();
      this.scheduler.remove(sandboxId, '');
      const kind = (error as { kind?: 'limit' | 'internal' }).kind ?? 'internal';
      return refuse({ kind, reason: (error as Error).message });
    }
  }

  /** Stops and disposes the slot's current sandbox (its jobs stop with it). */
  private retire(slot: Slot): void {
    const current = slot.current;
    if (!current) return;
    slot.current = undefined;
    slot.aborter.abort(new Error(`agent "${slot.title}" replaced or stopped`));
    this.disposeSandbox(current);
  }

  private disposeSandbox(loaded: LoadedSandbox): void {
    this.scheduler.remove(loaded.sandboxId, '');
    this.shared.forget(loaded.sandboxId);
    loaded.sandbox.dispose();
  }

  // ---------------------------------------------------------------- queue

  /**
   * Appends work to the agent's queue. `batch` work is dropped (and counted) beyond
   * maxQueuedBatches, so a stuck agent cannot make the host hold unbounded batches; `event` work
   * (queries, actions, pod events, job runs) is never dropped; both run only while the agent is
   * loaded. `control` work (loads, swaps, unloads) always runs.
   */
  private enqueue(slot: Slot, work: (loaded: LoadedSandbox) => Promise<void>, kind: 'batch' | 'event' = 'batch'): Promise<void> {
    if (kind === 'batch' && slot.queued >= this.maxQueuedBatches) {
      slot.stats.droppedBatches++;
      return Promise.resolve();
    }
    slot.queued++;
    const run = slot.queue.then(async () => {
      try {
        const current = slot.current;
        if (current && slot.state === 'loaded' && !current.sandbox.disposed) await work(current);
      } catch (error) {
        this.log(slot.title, 'error', 'runtime', `internal error: ${(error as Error).stack ?? String(error)}`);
      } finally {
        slot.queued--;
      }
    });
    slot.queue = run;
    return run;
  }

  /** Appends a load, swap or unload step to the agent's queue; it runs whatever the agent's state. */
  private enqueueControl(slot: Slot, work: () => Promise<void>): Promise<void> {
    const run = slot.queue.then(async () => {
      try {
        await work();
      } catch (error) {
        this.log(slot.title, 'error', 'runtime', `internal error: ${(error as Error).stack ?? String(error)}`);
      }
    });
    slot.queue = run;
    return run;
  }

  private targets(hook: HookName): Slot[] {
    const out: Slot[] = [];
    for (const slot of this.slots.values()) {
      if (slot.pendingSwaps > 0 || (slot.state === 'loaded' && slot.current?.hooks.has(hook))) out.push(slot);
    }
    return out;
  }

  hasHook(hook: HookName): boolean {
    return this.targets(hook).length > 0;
  }

  // ---------------------------------------------------------------- events

  onPacketsCaptured(batch: EventBatch<PacketInfo>): Promise<void> {
    return this.deliverBatch('onPacketCaptured', batch);
  }

  onItemsCaptured(batch: EventBatch<Item>): Promise<void> {
    return this.deliverBatch('onItemCaptured', batch);
  }

  private async deliverBatch(hook: 'onItemCaptured' | 'onPacketCaptured', batch: EventBatch<unknown>): Promise<void> {
    const slots = this.targets(hook);
    if (slots.length === 0) return;
    const calls = this.serialise(batch);
    if (calls.length === 0) return;
    try {
      await Promise.all(
        slots.map((slot) =>
          this.enqueue(slot, async (loaded) => {
            if (!loaded.hooks.has(hook)) return;
            for (const call of calls) {
              const outcome = await loaded.sandbox.batch(hook, call.chunks, this.shared.updatesFor(loaded.sandboxId), this.host.limits.hookCpuMs);
              if (!this.settle(slot, loaded, hook, outcome, call.count, 'hookCpuMs', hook)) break;
            }
          }),
        ),
      );
    } finally {
      for (const call of calls) for (const chunk of call.chunks) chunk.release();
    }
  }

  /**
   * Serialises a batch once for all agents: elements' JSON joined by "\n" (JSON text never holds a
   * raw newline) in chunks below V8's large-object size (large strings are much slower to allocate
   * and copy), grouped into calls sized to the sandbox heap. One call crosses per group per agent.
   */
  private serialise(batch: EventBatch<unknown>): BatchCall[] {
    const maxCallChars = Math.max(256 * 1024, Math.floor((this.host.limits.memoryMb * 1024 * 1024) / 16));
    const calls: BatchCall[] = [];
    let call: BatchCall = { chunks: [], count: 0 };
    let callChars = 0;
    let parts: string[] = [];
    let chunkChars = 0;
    const flushChunk = () => {
      if (parts.length === 0) return;
      call.chunks.push(new ivm.ExternalCopy(parts.join('\n')));
      call.count += parts.length;
      callChars += chunkChars;
      parts = [];
      chunkChars = 0;
      if (callChars >= maxCallChars) flushCall();
    };
    const flushCall = () => {
      if (call.chunks.length === 0) return;
      calls.push(call);
      call = { chunks: [], count: 0 };
      callChars = 0;
    };
    const add = (json: string) => {
      if (chunkChars > 0 && chunkChars + json.length + 1 > CHUNK_CHARS) flushChunk();
      parts.push(json);
      chunkChars += json.length + 1;
    };
    if ('json' in batch && !Array.isArray(batch)) {
      for (const json of batch.json) add(json.includes('\n') ? json.replace(/\n/g, ' ') : json);
    } else {
      for (const element of batch as readonly unknown[]) {
        let json: string | undefined;
        try {
          json = JSON.stringify(element);
        } catch (error) {
          this.log('', 'warn', 'runtime', `element skipped, not serialisable: ${(error as Error).message}`);
        }
        if (json !== undefined) add(json);
      }
    }
    flushChunk();
    flushCall();
    return calls;
  }

  /** Runs every onItemQueried in turn; each one sees what the previous returned. */
  async onItemQueried(item: Item): Promise<Item> {
    let current: Item = item;
    for (const slot of this.targets('onItemQueried')) {
      await this.enqueue(
        slot,
        async (loaded) => {
          if (!loaded.hooks.has('onItemQueried')) return;
          const outcome = await loaded.sandbox.queried(JSON.stringify(current), this.shared.updatesFor(loaded.sandboxId), this.host.limits.hookCpuMs);
          if (this.settle(slot, loaded, 'onItemQueried', outcome, 1, 'hookCpuMs', 'onItemQueried') && outcome.ok && typeof outcome.result.value === 'string') {
            current = JSON.parse(outcome.result.value) as Item;
          }
        },
        'event',
      );
    }
    return current;
  }

  async onHubAction(action: string, object: unknown): Promise<void> {
    const slots = this.targets('onHubAction');
    if (slots.length === 0) return;
    const objectJson = JSON.stringify(object === undefined ? null : object) ?? 'null';
    await Promise.all(
      slots.map((slot) =>
        this.enqueue(slot, async (loaded) => {
          if (!loaded.hooks.has('onHubAction')) return;
          const outcome = await loaded.sandbox.hubAction(action, objectJson, this.shared.updatesFor(loaded.sandboxId), this.host.limits.hookCpuMs);
          this.settle(slot, loaded, 'onHubAction', outcome, 1, 'hookCpuMs', 'onHubAction');
        }, 'event'),
      ),
    );
  }

  async onPodEvent(event: PodEventType, pod: Record<string, unknown>, change: PodChange): Promise<void> {
    const slots = this.targets('onPodEvent');
    if (slots.length === 0) return;
    const podJson = JSON.stringify(pod);
    const changeJson = JSON.stringify(change);
    await Promise.all(
      slots.map((slot) =>
        this.enqueue(slot, async (loaded) => {
          if (!loaded.hooks.has('onPodEvent')) return;
          const outcome = await loaded.sandbox.podEvent(event, podJson, changeJson, this.shared.updatesFor(loaded.sandboxId), this.host.limits.hookCpuMs);
          this.settle(slot, loaded, 'onPodEvent', outcome, 1, 'hookCpuMs', 'onPodEvent');
        }, 'event'),
      ),
    );
  }

  private async runJob(owner: string, tag: string, final: boolean): Promise<{ ok: boolean; error: string } | null> {
    const slot = [...this.slots.values()].find((s) => s.current?.sandboxId === owner);
    if (!slot) return null;
    let result: { ok: boolean; error: string } | null = null;
    await this.enqueue(
      slot,
      async (loaded) => {
        if (loaded.sandboxId !== owner) return;
        const outcome = await loaded.sandbox.job(tag, final, this.shared.updatesFor(loaded.sandboxId), this.host.limits.jobCpuMs);
        if (this.settle(slot, loaded, 'job', outcome, 1, 'jobCpuMs', `job ${tag}`) && outcome.ok) {
          result = (outcome.result.value as { ok: boolean; error: string } | null) ?? null;
          if (result) {
            const job = this.scheduler.find(owner, tag);
            const message = result.ok ? `job "${tag}" passed` : `job "${tag}" failed: ${result.error}`;
            this.log(slot.title, result.ok ? 'debug' : 'error', 'job', `${message}${job ? ` (run ${job.runs}${job.limit ? ` of ${job.limit}` : ''})` : ''}`);
          }
        } else {
          result = { ok: false, error: outcome.ok ? 'unknown' : outcome.message };
        }
      },
      'event',
    );
    return result;
  }

  // ---------------------------------------------------------------- outcomes

  /** Records a call's outcome; returns false when the agent was stopped by it. */
  private settle(slot: Slot, loaded: LoadedSandbox, label: StatsLabel, outcome: CallOutcome, events: number, budget: 'hookCpuMs' | 'jobCpuMs', where: string): boolean {
    this.record(slot, label, outcome, events);
    // Unloaded or replaced while the call ran: its sandbox was disposed on purpose, nothing to report.
    if (slot.unloaded || slot.current !== loaded) return false;
    const limits = this.host.limits;
    if (outcome.ok) {
      this.absorb(slot, loaded.sandboxId, outcome.result, label);
      loaded.hooks = new Set(outcome.result.hooks);
      if (outcome.cpuMs > limits[budget]) {
        this.stop(slot, { limit: budget, where, message: `${describeLimit(budget, limits)} exceeded in ${where} (cpu ${outcome.cpuMs.toFixed(0)} ms)`, time: Date.now() });
        return false;
      }
      return true;
    }
    if (outcome.failure === 'timeout') {
      this.stop(slot, { limit: budget, where, message: `${describeLimit(budget, limits)} exceeded in ${where} (cpu ${outcome.cpuMs.toFixed(0)} ms, wall ${outcome.wallMs.toFixed(0)} ms)`, time: Date.now() });
    } else if (outcome.failure === 'memory') {
      this.stop(slot, { limit: 'memoryMb', where, message: `${describeLimit('memoryMb', limits)} exceeded in ${where}; sandbox disposed`, time: Date.now() });
    } else {
      this.log(slot.title, 'error', 'runtime', `${where}: sandbox failure (${outcome.failure}): ${outcome.message}`);
      if (loaded.sandbox.disposed) this.stop(slot, { limit: 'memoryMb', where, message: `sandbox lost: ${outcome.message}`, time: Date.now() });
    }
    return false;
  }

  /** An agent over a budget is stopped (its sandbox disposed, its jobs removed) and reported; the others go on. */
  private stop(slot: Slot, hit: LimitHit): void {
    this.limitHit(slot, hit);
    slot.state = 'stopped';
    slot.status = { ...slot.status, state: 'stopped', hooks: [], stoppedBy: hit };
    this.retire(slot);
    this.log(slot.title, 'error', 'limit', `stopped: ${hit.message}`);
  }

  private limitHit(slot: Slot, hit: LimitHit): void {
    slot.stats.recordLimit(hit.limit);
    this.runtimeMetrics?.limitHits.inc({ agent: slot.title, limit: hit.limit });
  }

  private record(slot: Slot, label: StatsLabel, outcome: CallOutcome, events: number): void {
    const errors = outcome.ok ? outcome.result.errors : 0;
    slot.stats.recordCall(label, events, errors, outcome.cpuMs, outcome.wallMs);
    const m = this.runtimeMetrics;
    if (m) {
      const labels = { agent: slot.title, hook: label };
      m.calls.inc(labels);
      if (events) m.events.inc(labels, events);
      if (errors) m.errors.inc(labels, errors);
      m.cpuSeconds.inc(labels, outcome.cpuMs / 1000);
    }
  }

  /** Takes in what a successful call hands back: shared globals, metrics, errors, dropped console lines. */
  private absorb(slot: Slot, sandboxId: string, result: CallResult, label: StatsLabel): void {
    this.shared.publish(sandboxId, result.shared);
    if (result.metrics && result.metrics.length > 0) {
      const errors = this.agentMetrics ? this.agentMetrics.apply(result.metrics) : ['prometheus.metric: this node has no metrics registry'];
      for (const e of errors) if (slot.errorGate.allow()) this.log(slot.title, 'error', 'hook-error', e);
    }
    for (const sample of result.samples) {
      if (!slot.errorGate.allow()) continue;
      const at = sample.line !== undefined ? ` at ${slot.fileName}:${sample.line}:${sample.column ?? 0}` : '';
      this.log(slot.title, 'error', 'hook-error', `${sample.where}: ${sample.message}${at}${sample.stack ? `\n${sample.stack}` : ''}`);
    }
    const unlogged = result.errors - result.samples.length + slot.errorGate.takeSuppressed();
    if (unlogged > 0) this.log(slot.title, 'warn', 'hook-error', `${unlogged} more error(s) in ${label} not logged one by one`);
    if (result.consoleDropped > 0) {
      slot.stats.consoleDropped += result.consoleDropped;
      slot.consoleDroppedPending += result.consoleDropped;
      this.runtimeMetrics?.consoleDropped.inc({ agent: slot.title }, result.consoleDropped);
      const now = Date.now();
      if (now - slot.consoleDroppedLogged >= 1000) {
        slot.consoleDroppedLogged = now;
        this.limitHit(slot, { limit: 'consoleLinesPerSecond', where: label, message: '', time: now });
        this.log(slot.title, 'warn', 'limit', `console output over ${this.host.limits.consoleLinesPerSecond} lines/s: ${slot.consoleDroppedPending} line(s) dropped`);
        slot.consoleDroppedPending = 0;
      }
    }
  }

  // ---------------------------------------------------------------- helpers bridged to the host

  private vendorHelpers(): Record<string, HelperFunction> {
    return this.host.helpers?.helpers() ?? {};
  }

  private callbacks(slot: Slot, sandboxId: string): SandboxCallbacks {
    const host = this.host;
    const ok = (value: unknown): string => JSON.stringify({ value }) ?? '{}';
    const fail = (error: unknown): string => JSON.stringify({ error: error instanceof Error ? error.message : String(error) });
    const guard = async (work: () => Promise<unknown>): Promise<string> => {
      try {
        return ok(await work());
      } catch (error) {
        return fail(error);
      }
    };
    const isActive = () => slot.current?.sandboxId === sandboxId;
    return {
      console: (level, message) => {
        if (level === 'clear') this.log(slot.title, 'info', 'console', CONSOLE_CLEAR_MESSAGE);
        else this.log(slot.title, level === 'error' ? 'error' : level === 'warn' ? 'warn' : 'info', 'console', message);
      },
      jobSchedule: (tag, pattern, limit) => {
        const error = this.scheduler.schedule(sandboxId, slot.id, slot.title, tag, pattern, limit, isActive());
        return error ? fail(error) : ok(true);
      },
      jobRemove: (tag) => this.scheduler.remove(sandboxId, tag),
      jobRan: (tag, passed, error) => {
        this.scheduler.recordManualRun(sandboxId, tag, passed, error);
        this.log(slot.title, passed ? 'debug' : 'error', 'job', passed ? `job "${tag}" passed (run by jobs.run)` : `job "${tag}" failed (run by jobs.run): ${error}`);
      },
      scheduler: (op) => {
        if (op === 'start') this.scheduler.start();
        else if (op === 'stop') this.scheduler.stop();
        return this.scheduler.isRunning();
      },
      hubAction: (action, objectJson) => {
        try {
          host.hubAction(action, JSON.parse(objectJson), slot.title);
        } catch (error) {
          this.log(slot.title, 'error', 'runtime', `hub.action ${JSON.stringify(action)}: ${(error as Error).message}`);
        }
      },
      targeted: () => {
        try {
          return ok(host.targeted());
        } catch (error) {
          return fail(error);
        }
      },
      json2Yaml: (jsonText) => {
        try {
          return ok(toYaml(JSON.parse(jsonText)));
        } catch (error) {
          return fail(error);
        }
      },
      kflCompile: (query) => {
        const cached = this.kflCache.get(query);
        if (cached !== undefined) return cached;
        let answer: string;
        try {
          answer = ok(kflToSource(parseKfl(query)));
        } catch (error) {
          answer = fail(error);
        }
        if (this.kflCache.size > 1000) this.kflCache.clear();
        this.kflCache.set(query, answer);
        return answer;
      },
      fileOp: (op, argsJson) =>
        guard(async () => {
          const args = JSON.parse(argsJson) as unknown[];
          const files = slot.files;
          switch (op) {
            case 'write': return files.write(args[0], args[1]);
            case 'append': return files.append(args[0], args[1]);
            case 'read': return files.read(args[0]);
            case 'move': return files.move(args[0], args[1]);
            case 'copy': return files.copy(args[0], args[1]);
            case 'delete': return files.delete(args[0]);
            case 'mkdir': return files.mkdir(args[0]);
            case 'mkdirTemp': return files.mkdirTemp(args[0], args[1]);
            case 'temp': return files.temp(args[0], args[1], args[2]);
            case 'tar': return files.tar(args[0]);
            default: throw new Error(`unknown file operation ${op}`);
          }
        }),
      pcapOp: (op, argsJson) =>
        guard(async () => {
          const pcap = host.pcap;
          if (!pcap) throw new Error(`recorded traffic is not available on node "${host.nodeName}" (no pcap provider)`);
          const args = JSON.parse(argsJson) as unknown[];
          switch (op) {
            case 'path': {
              if (typeof args[0] !== 'string' || args[0] === '') throw new Error('stream must be a non-empty string');
              return slot.files.importFile(await pcap.path(args[0]), 'pcaps');
            }
            case 'snapshot': {
              const streams = Array.isArray(args[0]) ? args[0].map(String) : undefined;
              return slot.files.importFile(await pcap.snapshot(streams), 'pcaps');
            }
            case 'nameResolutionHistory':
              return pcap.nameResolutionHistory();
            default:
              throw new Error(`unknown pcap operation ${op}`);
          }
        }),
      hubCall: (op, argsJson) =>
        guard(async () => {
          const [name, namespace] = JSON.parse(argsJson) as [string, string];
          const call = op === 'blockPod' ? host.blockPod : op === 'unblockPod' ? host.unblockPod : undefined;
          if (op !== 'blockPod' && op !== 'unblockPod') throw new Error(`unknown hub operation ${op}`);
          if (!call) throw new Error(`not available on node "${host.nodeName}" (no Kubernetes connection)`);
          // Bounded like a vendor helper: the agent's isolate waits, capture and other agents go on.
          const timeoutMs = Math.min(host.helpers?.timeoutMs ?? 5000, host.limits.hookCpuMs, host.limits.jobCpuMs);
          let timer: NodeJS.Timeout | undefined;
          const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms (the hub may still complete it)`)), timeoutMs);
          });
          try {
            await Promise.race([call.call(host, name, namespace, slot.title), timeout]);
            return null;
          } finally {
            clearTimeout(timer);
          }
        }),
      vendorCall: (name, argsJson) =>
        guard(async () => {
          const helper = this.vendorHelpers()[name];
          if (!helper) throw new Error(`vendor.${name} is not installed on node "${host.nodeName}"`);
          const timeoutMs = Math.min(host.helpers?.timeoutMs ?? 5000, host.limits.hookCpuMs, host.limits.jobCpuMs);
          const signal = AbortSignal.any([slot.aborter.signal, AbortSignal.timeout(timeoutMs)]);
          let timer: NodeJS.Timeout | undefined;
          const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`vendor.${name} did not answer within ${timeoutMs} ms`)), timeoutMs);
          });
          try {
            const value = await Promise.race([helper(JSON.parse(argsJson) as unknown[], { agentId: slot.id, agentTitle: slot.title, nodeName: host.nodeName, signal }), timeout]);
            return value === undefined ? null : value;
          } finally {
            clearTimeout(timer);
          }
        }),
    };
  }

  // ---------------------------------------------------------------- reporting

  stats(): AgentStats[] {
    return [...this.slots.values()].map((slot) => slot.stats.snapshot({ id: slot.id, title: slot.title, revision: slot.definition.revision, state: slot.state }));
  }

  /** Status of every agent known to the runtime (loaded, refused or stopped). */
  statuses(): AgentStatus[] {
    return [...this.slots.values()].map((slot) => ({ ...slot.status }));
  }

  /** The properties agents share through `this` (for diagnostics and tests). */
  sharedGlobals(): Record<string, unknown> {
    return this.shared.snapshot();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.scheduler.close();
    const slots = [...this.slots.values()];
    for (const slot of slots) slot.aborter.abort(new Error('runtime closed'));
    await Promise.all(slots.map((slot) => this.unload(slot.id)));
  }

  private log(agent: string, level: LogLevel, source: LogEntry['source'], message: string): void {
    try {
      this.host.log({ v: SCHEMA_VERSION, time: Date.now(), node: this.host.nodeName, agent, level, source, message });
    } catch {
      // A failing log sink must not take the runtime down.
    }
  }
}

function describeLimit(limit: LimitName, limits: RuntimeHost['limits']): string {
  switch (limit) {
    case 'hookCpuMs': return `hook CPU budget (${limits.hookCpuMs} ms per call)`;
    case 'jobCpuMs': return `job CPU budget (${limits.jobCpuMs} ms per run)`;
    case 'loadCpuMs': return `load CPU budget (${limits.loadCpuMs} ms)`;
    case 'memoryMb': return `memory budget (${limits.memoryMb} MB)`;
    case 'consoleLinesPerSecond': return `console rate (${limits.consoleLinesPerSecond} lines/s)`;
  }
}

/** File name used in stack traces: the agent's `.js` file when its id is one, else its title. */
function agentFileName(agent: AgentDefinition): string {
  const base = agent.id.replace(/^.*[\\/]/, '');
  if (/\.js$/i.test(base)) return base;
  const title = (agent.title || agent.id).replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${title || 'agent'}.js`;
}

function safeFolderName(id: string): string {
  const s = id.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_');
  return s.length > 0 ? s.slice(0, 120) : '_';
}
