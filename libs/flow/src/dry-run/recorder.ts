import { fullHelperName } from '../catalog/helper-nodes';
import { DRY_RUN_ACTION } from './dry-run-source';

/** Where in the agent a recorded call happened. */
export interface DryRunContext {
  /** A hook name, `load` (top-level code) or `job`. */
  hook: string;
  /** The item's id (onItemCaptured, onItemQueried). */
  item?: string;
  /** The job tag (job runs, onJobPassed, onJobFailed). */
  job?: string;
  /** The hub action (onHubAction). */
  action?: string;
  /** The pod event (onPodEvent). */
  event?: string;
}

/** One helper call a dry run recorded instead of making. `helper` is `throw` when a hook threw (args: [message]). */
export interface DryRunCall {
  /** Order in the agent: calls are shown sorted by it. */
  seq: number;
  /** `console.log`, `hub.action`, `prometheus.metric`, `vendor.slack`, `jobs.schedule`, `file.write`… */
  helper: string;
  /** The arguments as JSON values (functions as "[function]", undefined as null). */
  args: unknown[];
  context: DryRunContext;
}

function isCall(value: unknown): value is DryRunCall {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.seq === 'number' && typeof v.helper === 'string' && Array.isArray(v.args) && v.context !== null && typeof v.context === 'object';
}

/**
 * The host side of a dry run: the runtime running the instrumented agent (dryRunSource) hands
 * recorded calls over as hub actions; pass every `hubAction(action, object)` of that runtime's host
 * to `accept`. Keeps at most `maxCalls` calls (then counts the rest in `dropped`).
 */
export class DryRunRecorder {
  private readonly recorded: DryRunCall[] = [];
  private lastSeq = 0;
  /** Calls over `maxCalls`, not kept. */
  dropped = 0;
  /** Transports that could not be read (should stay 0). */
  unreadable = 0;

  constructor(private readonly maxCalls = 10000) {}

  /** Takes a hub action of the dry-run runtime; false when it is not the dry run's (then it is the caller's). */
  accept(action: string, object: unknown): boolean {
    if (action !== DRY_RUN_ACTION) return false;
    const json = object !== null && typeof object === 'object' ? (object as { calls?: unknown }).calls : undefined;
    let calls: unknown;
    try {
      calls = typeof json === 'string' ? JSON.parse(json) : undefined;
    } catch {
      calls = undefined;
    }
    if (!Array.isArray(calls)) {
      this.unreadable++;
      return true;
    }
    for (const call of calls) {
      if (isCall(call)) this.add(call);
      else this.unreadable++;
    }
    return true;
  }

  /** A call recorded on the host (see recordingHelpers), numbered after those seen so far. */
  recordHelperCall(helper: string, args: unknown[], context: DryRunContext = { hook: 'unknown' }): void {
    this.add({ seq: this.lastSeq + 0.5, helper, args: JSON.parse(JSON.stringify(args ?? [])) as unknown[], context });
  }

  private add(call: DryRunCall): void {
    this.lastSeq = Math.max(this.lastSeq, call.seq);
    if (this.recorded.length >= this.maxCalls) {
      this.dropped++;
      return;
    }
    this.recorded.push(call);
  }

  /** Every call kept, in the agent's order. */
  calls(): DryRunCall[] {
    return [...this.recorded].sort((a, b) => a.seq - b.seq);
  }
}

/** The runtime's HelperBridge shape (`@wirehook/runtime`), declared here: libs/flow does not import the runtime. */
export interface RecordingHelperBridge {
  helpers(): Record<string, (args: unknown[]) => Promise<unknown>>;
  timeoutMs?: number;
}

/**
 * Helpers for a dry-run runtime: the installed helper names must exist in the sandbox so the agent
 * loads as it would for real, but a call never reaches a plugin. With dryRunSource the sandbox
 * records vendor calls itself and these are not reached; without it, they record on the host.
 * Each answers undefined.
 */
export function recordingHelpers(helperNames: string[], recorder: DryRunRecorder): RecordingHelperBridge {
  const helpers: Record<string, (args: unknown[]) => Promise<unknown>> = {};
  for (const name of helperNames) {
    const full = fullHelperName(name);
    helpers[full.slice('vendor.'.length)] = async (args) => {
      recorder.recordHelperCall(full, args);
      return undefined;
    };
  }
  return { helpers: () => helpers };
}
