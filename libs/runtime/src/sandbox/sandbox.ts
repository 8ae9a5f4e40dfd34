import ivm from 'isolated-vm';
import type { HookName } from '../types';
import { PRELUDE_SOURCE } from './prelude-source';

/** Host functions one sandbox may call. Implementations must not throw: they answer `{error}`. */
export interface SandboxCallbacks {
  console(level: string, message: string): void;
  jobSchedule(tag: string, cron: string, limit: number): string;
  jobRemove(tag: string): void;
  jobRan(tag: string, ok: boolean, error: string): void;
  scheduler(op: string): boolean;
  hubAction(action: string, objectJson: string): void;
  targeted(): string;
  json2Yaml(jsonText: string): string;
  kflCompile(query: string): string;
  fileOp(op: string, argsJson: string): Promise<string>;
  pcapOp(op: string, argsJson: string): Promise<string>;
  vendorCall(name: string, argsJson: string): Promise<string>;
  hubCall(op: string, argsJson: string): Promise<string>;
}

export interface SandboxOptions {
  /** Name used in stack traces and error locations: the agent's file name. */
  fileName: string;
  nodeName: string;
  env: Record<string, string>;
  memoryMb: number;
  consoleLinesPerSecond: number;
  vendorHelpers: string[];
  callbacks: SandboxCallbacks;
}

/** An error, with the agent's own line, as the prelude reports it. */
export interface AgentErrorSample {
  where: string;
  message: string;
  line?: number;
  column?: number;
  stack?: string;
}

export interface MetricUpdate {
  name: string;
  help: string;
  type: 1 | 2 | 3;
  labels: Record<string, string>;
  value: number;
}

/** What every entry point returns from inside the isolate. */
export interface CallResult {
  errors: number;
  samples: AgentErrorSample[];
  /** Changed shared globals: key → JSON text, or null when deleted. */
  shared: Record<string, string | null> | null;
  hooks: HookName[];
  value: unknown;
  consoleDropped: number;
  metrics: MetricUpdate[] | null;
}

export type CallFailure = 'timeout' | 'memory' | 'disposed' | 'internal';

export type CallOutcome =
  | { ok: true; result: CallResult; cpuMs: number; wallMs: number }
  | { ok: false; failure: CallFailure; message: string; cpuMs: number; wallMs: number };

type EntryPoint = 'load' | 'batch' | 'queried' | 'hubAction' | 'podEvent' | 'job' | 'dropJob';

/** Wall-clock limit of a call, as a multiple of its CPU budget (slack for helpers' waits and a busy machine). */
const WALL_FACTOR = 5;
/** Grace beyond the wall-clock limit after which a call that isolated-vm's timeout did not stop is ended by disposing the isolate. */
const WATCHDOG_GRACE_MS = 2000;

/**
 * One agent's isolate: its own heap (memory budget), its own context and globals. Calls are
 * asynchronous (they run on isolated-vm's threads, never on the event loop) and each has a CPU
 * budget, polled from the isolate's cpuTime; isolated-vm's wall-clock `timeout` (a multiple of
 * the budget) stops code that waits instead; a watchdog disposes the isolate if both fail.
 */
export class AgentSandbox {
  private readonly isolate: ivm.Isolate;
  private context?: ivm.Context;
  private api?: ivm.Reference<Record<string, unknown>>;
  private readonly entries = new Map<EntryPoint, ivm.Reference<(...args: unknown[]) => string>>();
  private disposedReason?: CallFailure;

  constructor(private readonly options: SandboxOptions) {
    this.isolate = new ivm.Isolate({
      memoryLimit: options.memoryMb,
      onCatastrophicError: (message: string) => {
        // V8 lost control of this isolate; it is unusable. Other isolates and the host go on.
        this.disposedReason = 'internal';
        process.emitWarning(`isolated-vm catastrophic error in agent sandbox ${options.fileName}: ${message}`);
      },
    });
  }

  get disposed(): boolean {
    return this.isolate.isDisposed;
  }

  /** Why the isolate went away: "memory" when the memory budget disposed it. */
  get failure(): CallFailure | undefined {
    return this.disposedReason;
  }

  async init(): Promise<void> {
    this.context = await this.isolate.createContext();
    const cb = this.options.callbacks;
    const ignored = { ignored: true } as const;
    const hostObject = {
      console: new ivm.Callback((...a: Parameters<SandboxCallbacks['console']>) => cb.console(...a), ignored),
      jobSchedule: new ivm.Callback((...a: Parameters<SandboxCallbacks['jobSchedule']>) => cb.jobSchedule(...a)),
      jobRemove: new ivm.Callback((...a: Parameters<SandboxCallbacks['jobRemove']>) => cb.jobRemove(...a)),
      jobRan: new ivm.Callback((...a: Parameters<SandboxCallbacks['jobRan']>) => cb.jobRan(...a), ignored),
      scheduler: new ivm.Callback((...a: Parameters<SandboxCallbacks['scheduler']>) => cb.scheduler(...a)),
      hubAction: new ivm.Callback((...a: Parameters<SandboxCallbacks['hubAction']>) => cb.hubAction(...a), ignored),
      targeted: new ivm.Callback((...a: Parameters<SandboxCallbacks['targeted']>) => cb.targeted(...a)),
      json2Yaml: new ivm.Callback((...a: Parameters<SandboxCallbacks['json2Yaml']>) => cb.json2Yaml(...a)),
      kflCompile: new ivm.Callback((...a: Parameters<SandboxCallbacks['kflCompile']>) => cb.kflCompile(...a)),
      fileOp: new ivm.Reference((...a: Parameters<SandboxCallbacks['fileOp']>) => cb.fileOp(...a)),
      pcapOp: new ivm.Reference((...a: Parameters<SandboxCallbacks['pcapOp']>) => cb.pcapOp(...a)),
      vendorCall: new ivm.Reference((...a: Parameters<SandboxCallbacks['vendorCall']>) => cb.vendorCall(...a)),
      hubCall: new ivm.Reference((...a: Parameters<SandboxCallbacks['hubCall']>) => cb.hubCall(...a)),
    };
    const config = JSON.stringify({
      fileName: this.options.fileName,
      nodeName: this.options.nodeName,
      envJson: JSON.stringify(this.options.env),
      consoleLinesPerSecond: this.options.consoleLinesPerSecond,
      vendorHelpers: this.options.vendorHelpers,
    });
    const preludeScript = await this.isolate.compileScript(PRELUDE_SOURCE, { filename: 'wirehook:prelude' });
    const prelude = (await preludeScript.run(this.context, { reference: true, release: true })) as ivm.Reference<(...args: unknown[]) => unknown>;
    // Each callback crosses as a plain function in the isolate; the object holding them is built inside.
    const holder = await this.context.evalClosure(
      'return { console: $0, jobSchedule: $1, jobRemove: $2, jobRan: $3, scheduler: $4, hubAction: $5, targeted: $6, json2Yaml: $7, kflCompile: $8, fileOp: $9, pcapOp: $10, vendorCall: $11, hubCall: $12 };',
      [
        hostObject.console, hostObject.jobSchedule, hostObject.jobRemove, hostObject.jobRan, hostObject.scheduler,
        hostObject.hubAction, hostObject.targeted, hostObject.json2Yaml, hostObject.kflCompile, hostObject.fileOp, hostObject.pcapOp, hostObject.vendorCall,
        hostObject.hubCall,
      ],
      { result: { reference: true } },
    );
    this.api = (await prelude.apply(undefined, [holder.derefInto({ release: true }), config], { result: { reference: true }, timeout: 5000 })) as ivm.Reference<
      Record<string, unknown>
    >;
    prelude.release();
    for (const name of ['load', 'batch', 'queried', 'hubAction', 'podEvent', 'job', 'dropJob'] as const) {
      this.entries.set(name, (await this.api.get(name, { reference: true })) as ivm.Reference<(...args: unknown[]) => string>);
    }
  }

  /**
   * Compiles the agent inside a function so that its top-level vars stay private (script scope)
   * while `this` at top level is the context's global (shared scope). The source starts on the
   * second line of the wrapper; lineOffset -1 keeps reported lines equal to the file's lines.
   */
  async load(source: string, sharedUpdates: string, budgetMs: number): Promise<CallOutcome> {
    if (!this.context) throw new Error('sandbox not initialised');
    const hookResolver = [
      'return function (n) { switch (n) {',
      ...['onPacketCaptured', 'onItemCaptured', 'onItemQueried', 'onHubAction', 'onPodEvent', 'onJobPassed', 'onJobFailed'].map(
        (h) => `case "${h}": return typeof ${h} === "function" ? ${h} : undefined;`,
      ),
      '} };',
    ].join(' ');
    const wrapped = `(function () {\n${source}\n;${hookResolver}\n})`;
    let wrapper: ivm.Reference<unknown>;
    try {
      const script = await this.isolate.compileScript(wrapped, { filename: this.options.fileName, lineOffset: -1 });
      wrapper = (await script.run(this.context, { reference: true, release: true, timeout: budgetMs })) as ivm.Reference<unknown>;
    } catch (error) {
      return this.failureOutcome(error, 0, 0);
    }
    return this.call('load', [wrapper.derefInto({ release: true }), sharedUpdates], budgetMs);
  }

  /** Delivers chunks of "\n"-joined JSON elements to `hook`, all in one crossing. */
  batch(hook: HookName, chunks: ivm.ExternalCopy<string>[], sharedUpdates: string, budgetMs: number): Promise<CallOutcome> {
    return this.call('batch', [hook, sharedUpdates, ...chunks.map((chunk) => chunk.copyInto())], budgetMs);
  }

  queried(itemJson: string, sharedUpdates: string, budgetMs: number): Promise<CallOutcome> {
    return this.call('queried', [itemJson, sharedUpdates], budgetMs);
  }

  hubAction(action: string, objectJson: string, sharedUpdates: string, budgetMs: number): Promise<CallOutcome> {
    return this.call('hubAction', [action, objectJson, sharedUpdates], budgetMs);
  }

  podEvent(event: string, podJson: string, changeJson: string, sharedUpdates: string, budgetMs: number): Promise<CallOutcome> {
    return this.call('podEvent', [event, podJson, changeJson, sharedUpdates], budgetMs);
  }

  /** Runs a job; `final` removes it from the sandbox's table afterwards (its run limit is reached). */
  job(tag: string, final: boolean, sharedUpdates: string, budgetMs: number): Promise<CallOutcome> {
    return this.call('job', [tag, final, sharedUpdates], budgetMs);
  }

  /** Forgets a job ('' = all) in the sandbox's own table after the host removed it. */
  dropJob(tag: string, budgetMs: number): Promise<CallOutcome> {
    return this.call('dropJob', [tag], budgetMs);
  }

  dispose(): void {
    for (const entry of this.entries.values()) entry.release();
    this.entries.clear();
    if (!this.isolate.isDisposed) this.isolate.dispose();
  }

  private async call(entry: EntryPoint, args: unknown[], budgetMs: number): Promise<CallOutcome> {
    const ref = this.entries.get(entry);
    if (!ref || this.isolate.isDisposed) {
      return { ok: false, failure: this.disposedReason ?? 'disposed', message: 'sandbox disposed', cpuMs: 0, wallMs: 0 };
    }
    const cpuBefore = this.isolate.cpuTime;
    const started = process.hrtime.bigint();
    const wallLimitMs = budgetMs * WALL_FACTOR;
    let stoppedBy: string | undefined;
    const end = (reason: string) => {
      stoppedBy = reason;
      this.disposedReason = 'timeout';
      if (!this.isolate.isDisposed) this.isolate.dispose();
    };
    // The budget is CPU time: polled from the isolate while the call runs (contention on the
    // machine does not count against the agent). Over budget, the isolate is disposed at once.
    const poll = setInterval(() => {
      try {
        if (!this.isolate.isDisposed && Number(this.isolate.cpuTime - cpuBefore) / 1e6 > budgetMs) end(`CPU time over ${budgetMs} ms`);
      } catch {
        // disposed meanwhile
      }
    }, Math.min(200, Math.max(10, Math.floor(budgetMs / 5))));
    // Waiting code (Atomics.wait, a slow helper) uses no CPU: isolated-vm's wall-clock timeout
    // ends it at WALL_FACTOR × budget, and the watchdog if even that does not.
    const watchdog = setTimeout(() => end(`still running ${wallLimitMs + WATCHDOG_GRACE_MS} ms after the start`), wallLimitMs + WATCHDOG_GRACE_MS);
    try {
      const json = (await ref.apply(undefined, args as ivm.Transferable[], { timeout: wallLimitMs })) as string;
      const { cpuMs, wallMs } = this.elapsed(cpuBefore, started);
      return { ok: true, result: JSON.parse(json) as CallResult, cpuMs, wallMs };
    } catch (error) {
      const { cpuMs, wallMs } = this.elapsed(cpuBefore, started);
      if (stoppedBy) return { ok: false, failure: 'timeout', message: `${stoppedBy}; sandbox disposed`, cpuMs: Math.max(cpuMs, budgetMs), wallMs };
      return this.failureOutcome(error, cpuMs, wallMs);
    } finally {
      clearInterval(poll);
      clearTimeout(watchdog);
    }
  }

  private elapsed(cpuBefore: bigint, started: bigint): { cpuMs: number; wallMs: number } {
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    let cpuMs = 0;
    try {
      if (!this.isolate.isDisposed) cpuMs = Number(this.isolate.cpuTime - cpuBefore) / 1e6;
    } catch {
      cpuMs = 0;
    }
    return { cpuMs, wallMs };
  }

  private failureOutcome(error: unknown, cpuMs: number, wallMs: number): CallOutcome {
    const message = error instanceof Error ? error.message : String(error);
    if (/memory limit/i.test(message) || (this.isolate.isDisposed && this.disposedReason === undefined && /disposed/i.test(message))) {
      this.disposedReason = 'memory';
      return { ok: false, failure: 'memory', message, cpuMs, wallMs };
    }
    if (/timed out/i.test(message)) return { ok: false, failure: 'timeout', message, cpuMs, wallMs };
    if (this.isolate.isDisposed) return { ok: false, failure: this.disposedReason ?? 'disposed', message, cpuMs, wallMs };
    return { ok: false, failure: 'internal', message, cpuMs, wallMs };
  }
}
