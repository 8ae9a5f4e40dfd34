import cron from 'node-cron';
import type { JobInfo } from '../types';

const MAX_JOBS_PER_AGENT = 100;

interface JobEntry extends JobInfo {
  /** Sandbox that scheduled it: jobs of a replaced version stop with it. */
  owner: string;
  task: ReturnType<typeof cron.createTask>;
  active: boolean;
  busy: boolean;
}

/** Runs one job: resolves when the run (queued behind the agent's other calls) is over. */
export type JobRunner = (owner: string, tag: string, final: boolean) => Promise<{ ok: boolean; error: string } | null>;

/**
 * Every job of this node: a node-cron task per (agent, tag) with a 6-field (seconds) pattern.
 * The function itself stays in the agent's sandbox; a tick queues a run behind the agent's other
 * calls. `stop()` pauses every job of the node, `start()` resumes them.
 */
export class JobScheduler {
  private running = true;
  private readonly jobs = new Map<string, JobEntry>();

  constructor(
    private readonly runner: JobRunner,
    private readonly onWarning: (message: string) => void,
  ) {}

  static validate(pattern: string): string | null {
    const fields = pattern.trim().split(/\s+/);
    if (fields.length !== 6 && fields.length !== 5) return `cron ${JSON.stringify(pattern)} must have 6 fields (seconds first), e.g. "0 */1 * * * *"`;
    const detail = cron.validateDetailed(pattern);
    if (!detail.valid) return `cron ${JSON.stringify(pattern)}: ${detail.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`;
    return null;
  }

  /** Schedules (or replaces) a job; returns an error text or null. Inactive owners' jobs wait for activate(). */
  schedule(owner: string, agentId: string, agentTitle: string, tag: string, pattern: string, limit: number, active: boolean): string | null {
    const invalid = JobScheduler.validate(pattern);
    if (invalid) return invalid;
    this.remove(owner, tag);
    // Also enforced inside the sandbox; checked here because the host pays for every task.
    if ([...this.jobs.values()].filter((j) => j.owner === owner).length >= MAX_JOBS_PER_AGENT) return `an agent may have at most ${MAX_JOBS_PER_AGENT} jobs`;
    const key = `${owner}\u0000${tag}`;
    const task = cron.createTask(pattern, () => this.tick(key), {
      name: `${agentTitle}/${tag}`,
      noOverlap: true,
      logger: { info: () => undefined, debug: () => undefined, warn: (m) => this.onWarning(String(m)), error: (m) => this.onWarning(String(m)) },
    });
    const entry: JobEntry = { owner, agentId, agentTitle, tag, cron: pattern, limit, runs: 0, passed: 0, failed: 0, task, active, busy: false };
    this.jobs.set(key, entry);
    if (active) void task.start();
    return null;
  }

  /** Starts the jobs a sandbox scheduled while loading, once it has taken over. */
  activate(owner: string): void {
    for (const entry of this.jobs.values()) {
      if (entry.owner === owner && !entry.active) {
        entry.active = true;
        void entry.task.start();
      }
    }
  }

  /** Removes one job, or all of an owner's jobs when `tag` is ''. */
  remove(owner: string, tag: string): void {
    for (const [key, entry] of this.jobs) {
      if (entry.owner === owner && (tag === '' || entry.tag === tag)) {
        void entry.task.destroy();
        this.jobs.delete(key);
      }
    }
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map(({ agentId, agentTitle, tag, cron: pattern, limit, runs, passed, failed, lastRun, lastError }) => ({
      agentId, agentTitle, tag, cron: pattern, limit, runs, passed, failed, lastRun, lastError,
    }));
  }

  find(agentOwner: string, tag: string): JobInfo | undefined {
    return this.jobs.get(`${agentOwner}\u0000${tag}`);
  }

  /** Records a run started from inside the agent (jobs.run / jobs.runAll). */
  recordManualRun(owner: string, tag: string, ok: boolean, error: string): void {
    const entry = this.jobs.get(`${owner}\u0000${tag}`);
    if (entry) this.record(entry, ok, error);
  }

  /** Runs a job now (outside its schedule; not counted against its limit). */
  async runNow(owner: string, tag: string): Promise<{ ok: boolean; error: string } | null> {
    const entry = this.jobs.get(`${owner}\u0000${tag}`);
    if (!entry) return null;
    const outcome = await this.runner(owner, tag, false);
    if (outcome) this.record(entry, outcome.ok, outcome.error);
    return outcome;
  }

  isRunning(): boolean {
    return this.running;
  }

  start(): void {
    this.running = true;
  }

  stop(): void {
    this.running = false;
  }

  close(): void {
    for (const entry of this.jobs.values()) void entry.task.destroy();
    this.jobs.clear();
  }

  private async tick(key: string): Promise<void> {
    const entry = this.jobs.get(key);
    if (!entry || !entry.active || !this.running || entry.busy) return;
    entry.busy = true;
    try {
      const final = entry.limit > 0 && entry.runs + 1 >= entry.limit;
      entry.runs++;
      const outcome = await this.runner(entry.owner, entry.tag, final);
      if (outcome) this.record(entry, outcome.ok, outcome.error);
      if (final && this.jobs.get(key) === entry) this.remove(entry.owner, entry.tag);
    } finally {
      entry.busy = false;
    }
  }

  private record(entry: JobEntry, ok: boolean, error: string): void {
    entry.lastRun = Date.now();
    if (ok) entry.passed++;
    else {
      entry.failed++;
      entry.lastError = error;
    }
  }
}
