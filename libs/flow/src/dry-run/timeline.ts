import type { DryRunCall, DryRunContext } from './recorder';

/** One line of the dry run's list in the dashboard. */
export interface DryRunStep {
  /** 1-based position in the list. */
  index: number;
  /** `error` when a hook or job threw (args: [message]). */
  kind: 'call' | 'error';
  helper: string;
  args: unknown[];
  /** `onItemCaptured`, `load` (top-level code), `job <tag>`, `onHubAction "deploy"`… */
  where: string;
  /** The item that led to the call, when there is one. */
  item?: string;
  /** `vendor.slack("https://…", "5xx", …)`: the call as one line, long arguments shortened. */
  text: string;
}

export interface DryRunTimeline {
  steps: DryRunStep[];
  /** Calls per helper (errors under `throw`). */
  counts: Record<string, number>;
}

export interface TimelineOptions {
  /** Longest text of one argument in `text` (default 80 characters). */
  maxArgumentLength?: number;
}

function where(context: DryRunContext): string {
  if (context.hook === 'job') return `job ${context.job ?? ''}`.trim();
  if (context.hook === 'onHubAction' && context.action !== undefined) return `onHubAction ${JSON.stringify(context.action)}`;
  if (context.hook === 'onPodEvent' && context.event !== undefined) return `onPodEvent ${context.event}`;
  if ((context.hook === 'onJobPassed' || context.hook === 'onJobFailed') && context.job !== undefined) return `${context.hook} ${context.job}`;
  return context.hook;
}

function shorten(text: string, max: number): string {
  return text.length > max ? text.slice(0, Math.max(1, max - 1)) + '…' : text;
}

function argumentText(value: unknown, max: number): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  return shorten(text ?? String(value), max);
}

/**
 * Turns recorded calls into the ordered list the dashboard shows: sorted by the agent's order
 * (duplicates of a sequence number dropped), each with where it happened and a one-line text.
 * Pure: the same calls always give the same list.
 */
export function dryRunTimeline(calls: readonly DryRunCall[], options: TimelineOptions = {}): DryRunTimeline {
  const max = options.maxArgumentLength ?? 80;
  const seen = new Set<number>();
  const ordered = [...calls].sort((a, b) => a.seq - b.seq).filter((c) => (seen.has(c.seq) ? false : (seen.add(c.seq), true)));
  const counts: Record<string, number> = {};
  const steps = ordered.map((call, i): DryRunStep => {
    counts[call.helper] = (counts[call.helper] ?? 0) + 1;
    const error = call.helper === 'throw';
    const step: DryRunStep = {
      index: i + 1,
      kind: error ? 'error' : 'call',
      helper: call.helper,
      args: call.args,
      where: where(call.context),
      text: error ? `threw ${argumentText(call.args[0], max * 2)}` : `${call.helper}(${call.args.map((a) => argumentText(a, max)).join(', ')})`,
    };
    if (call.context.item !== undefined) step.item = call.context.item;
    return step;
  });
  return { steps, counts };
}
