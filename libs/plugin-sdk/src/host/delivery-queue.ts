import type { DeliveryOptions } from '../manifest';
import type { HelperFailure } from '../helper-contract';

/** One helper call to deliver. */
export interface DeliveryJob<T> {
  agent: { id: string; title: string };
  /** Full helper name, for messages. */
  helper: string;
  /** One attempt; must stop when `signal` aborts. */
  attempt(signal: AbortSignal, attempt: number): Promise<T>;
  /** Whether this failure may be retried (the host asks the helper's idempotency and the error). */
  retryable(error: unknown): boolean;
  /** The caller's deadline: aborted = give up (waiting or between retries); the running attempt is aborted too. */
  signal: AbortSignal;
}

export interface DeliveryCounters {
  /** Calls that succeeded (after retries or not). */
  sent: number;
  /** Calls that ended in an error (after any retries). */
  failed: number;
  /** Retries made (a call retried twice counts 2). */
  retried: number;
  /** Calls refused because the queue was full. */
  dropped: number;
}

export interface AgentDeliveryStats extends DeliveryCounters {
  agentId: string;
  agent: string;
  /** Waiting now (queued or between retries). */
  queued: number;
  inFlight: number;
}

export interface DeliveryQueueStats extends DeliveryCounters {
  queued: number;
  inFlight: number;
  agents: AgentDeliveryStats[];
}

/** Told of every outcome (metrics). */
export interface DeliveryListener {
  counted(kind: keyof DeliveryCounters, agent: { id: string; title: string }): void;
  depth(queued: number, inFlight: number): void;
}

/** Thrown synchronously by submit() when the queue is full: the call is dropped and counted. */
export class DeliveryDroppedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeliveryDroppedError';
  }
}

interface Entry {
  job: DeliveryJob<unknown>;
  lane: Lane;
  attempts: number;
  state: 'ready' | 'running' | 'backoff' | 'done';
  resolve(value: unknown): void;
  reject(error: Error): void;
  backoffTimer?: NodeJS.Timeout;
  onCallerAbort: () => void;
  lastError?: unknown;
}

interface Lane {
  id: string;
  title: string;
  ready: Entry[];
  /** ready + backoff */
  waiting: number;
  inFlight: number;
  counters: DeliveryCounters;
}

/**
 * A plugin's bounded delivery queue on one node. Jobs wait in one lane per agent and lanes are served
 * in turn, each with at most `agentConcurrency` attempts running, so an agent whose destination is
 * dead (every attempt hanging until its timeout) holds at most its own share of the slots: the other
 * agents' calls keep flowing. Failed attempts are retried with exponential backoff (with jitter) when
 * the job says it is safe; a job waiting for its backoff holds no slot.
 */
export class DeliveryQueue {
  private readonly lanes = new Map<string, Lane>();
  /** Lane ids in service order; the cursor walks it round-robin. */
  private order: string[] = [];
  private cursor = 0;
  private waiting = 0;
  private inFlight = 0;
  private closed = false;
  private readonly running = new Set<AbortController>();
  /** Jobs not finished yet (any state), so close() can end them all. */
  private readonly live = new Set<Entry>();

  constructor(
    /** For messages: the plugin name. */
    readonly name: string,
    private options: DeliveryOptions,
    private readonly listener?: DeliveryListener,
  ) {}

  /** New tuning applies to jobs started from now on. */
  setOptions(options: DeliveryOptions): void {
    this.options = options;
    this.pump();
  }

  /**
   * Queues a job; the promise settles with its result or its last error. Throws DeliveryDroppedError
   * at once when the plugin's or the agent's queue is full.
   */
  submit<T>(job: DeliveryJob<T>): Promise<T> {
    if (this.closed) throw new DeliveryDroppedError(`plugin ${this.name} is unloaded`);
    const lane = this.lane(job.agent);
    if (this.waiting >= this.options.queueSize || lane.waiting >= this.options.agentQueueSize) {
      this.count('dropped', lane);
      const full = this.waiting >= this.options.queueSize ? `${this.waiting} calls of plugin ${this.name} waiting` : `${lane.waiting} calls of this agent waiting`;
      throw new DeliveryDroppedError(`delivery queue full (${full}); call dropped`);
    }
    return new Promise<T>((resolve, reject) => {
      const entry: Entry = {
        job: job as DeliveryJob<unknown>,
        lane,
        attempts: 0,
        state: 'ready',
        resolve: resolve as (value: unknown) => void,
        reject,
        onCallerAbort: () => this.callerGaveUp(entry),
      };
      if (job.signal.aborted) {
        this.count('failed', lane);
        reject(giveUpError(job.signal.reason, 0));
        return;
      }
      job.signal.addEventListener('abort', entry.onCallerAbort, { once: true });
      this.live.add(entry);
      lane.ready.push(entry);
      lane.waiting++;
      this.waiting++;
      this.pump();
    });
  }

  /** Counts a call refused before it was queued (its arguments did not validate) as failed. */
  countRejected(agent: { id: string; title: string }): void {
    this.count('failed', this.lane(agent));
  }

  stats(): DeliveryQueueStats {
    const agents = [...this.lanes.values()].map((lane) => ({ agentId: lane.id, agent: lane.title, ...lane.counters, queued: lane.waiting, inFlight: lane.inFlight }));
    const total = (key: keyof DeliveryCounters) => agents.reduce((sum, a) => sum + a[key], 0);
    return { sent: total('sent'), failed: total('failed'), retried: total('retried'), dropped: total('dropped'), queued: this.waiting, inFlight: this.inFlight, agents };
  }

  /** Fails every waiting job and aborts the running attempts (plugin removed, node stopping). */
  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const entry of [...this.live]) {
      if (entry.state === 'running') continue;
      this.unqueue(entry);
      this.count('failed', entry.lane);
      this.finish(entry, new Error(reason));
    }
    // Running attempts end through afterFailure, which no longer retries once closed.
    for (const controller of this.running) controller.abort(new Error(reason));
    this.listener?.depth(this.waiting, this.inFlight);
  }

  private lane(agent: { id: string; title: string }): Lane {
    let lane = this.lanes.get(agent.id);
    if (!lane) {
      lane = { id: agent.id, title: agent.title, ready: [], waiting: 0, inFlight: 0, counters: { sent: 0, failed: 0, retried: 0, dropped: 0 } };
      this.lanes.set(agent.id, lane);
      this.order.push(agent.id);
    }
    lane.title = agent.title;
    return lane;
  }

  private pump(): void {
    while (!this.closed && this.inFlight < this.options.concurrency) {
      const entry = this.next();
      if (!entry) break;
      this.start(entry);
    }
    this.listener?.depth(this.waiting, this.inFlight);
  }

  /** The next job, taking lanes in turn and skipping those at their concurrency limit. */
  private next(): Entry | undefined {
    for (let i = 0; i < this.order.length; i++) {
      const index = (this.cursor + i) % this.order.length;
      const lane = this.lanes.get(this.order[index]);
      if (!lane || lane.ready.length === 0 || lane.inFlight >= this.options.agentConcurrency) continue;
      this.cursor = (index + 1) % this.order.length;
      return lane.ready.shift();
    }
    return undefined;
  }

  private start(entry: Entry): void {
    const { job, lane } = entry;
    entry.state = 'running';
    entry.attempts++;
    lane.waiting--;
    this.waiting--;
    lane.inFlight++;
    this.inFlight++;
    const timeoutMs = this.options.timeoutMs;
    const controller = new AbortController();
    this.running.add(controller);
    const signal = AbortSignal.any([job.signal, controller.signal]);
    let timer: NodeJS.Timeout | undefined;
    // The attempt is raced against its signal: a helper that ignores the signal still frees the slot.
    const aborted = new Promise<never>((_, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason))), { once: true });
    });
    timer = setTimeout(() => controller.abort(timeoutError(timeoutMs)), timeoutMs);
    let attempt: Promise<unknown>;
    try {
      attempt = Promise.resolve(job.attempt(signal, entry.attempts));
    } catch (error) {
      attempt = Promise.reject(error);
    }
    Promise.race([attempt, aborted]).then(
      (value) => {
        this.settleAttempt(entry, controller, timer);
        timer = undefined;
        this.count('sent', lane);
        this.finish(entry, undefined, value);
        this.pump();
      },
      (error: unknown) => {
        this.settleAttempt(entry, controller, timer);
        timer = undefined;
        entry.lastError = error;
        this.afterFailure(entry, error);
      },
    );
    // The helper's own promise may reject after the race was decided; that rejection is expected.
    attempt.catch(() => undefined);
  }

  private settleAttempt(entry: Entry, controller: AbortController, timer: NodeJS.Timeout | undefined): void {
    clearTimeout(timer);
    this.running.delete(controller);
    entry.lane.inFlight--;
    this.inFlight--;
  }

  private afterFailure(entry: Entry, error: unknown): void {
    const { job, lane } = entry;
    const retriesLeft = entry.attempts <= this.options.retries;
    if (!this.closed && !job.signal.aborted && retriesLeft && job.retryable(error)) {
      this.count('retried', lane);
      entry.state = 'backoff';
      lane.waiting++;
      this.waiting++;
      const delay = this.backoff(entry.attempts, (error as HelperFailure | undefined)?.retryAfterMs);
      entry.backoffTimer = setTimeout(() => {
        entry.backoffTimer = undefined;
        if (entry.state !== 'backoff') return;
        entry.state = 'ready';
        // Retries go first in their lane: the agent's calls stay in order.
        lane.ready.unshift(entry);
        this.pump();
      }, delay);
      this.pump();
      return;
    }
    const reason = job.signal.aborted && !isOwnTimeout(error) ? giveUpError(job.signal.reason, entry.attempts, error) : finalError(error, entry.attempts);
    this.count('failed', lane);
    this.finish(entry, reason);
    this.pump();
  }

  /** Exponential with "equal jitter": half fixed, half random, capped; never below a server's Retry-After. */
  private backoff(attempts: number, retryAfterMs: number | undefined): number {
    const { backoffMs, maxBackoffMs } = this.options;
    const exponential = Math.min(maxBackoffMs, backoffMs * 2 ** (attempts - 1));
    const jittered = exponential / 2 + Math.random() * (exponential / 2);
    return Math.min(maxBackoffMs, Math.max(jittered, retryAfterMs ?? 0));
  }

  private callerGaveUp(entry: Entry): void {
    if (entry.state === 'ready' || entry.state === 'backoff') {
      this.unqueue(entry);
      this.count('failed', entry.lane);
      this.finish(entry, giveUpError(entry.job.signal.reason, entry.attempts, entry.lastError));
      this.pump();
    }
    // A running attempt sees the abort through its own signal and ends through afterFailure.
  }

  /** Takes a waiting job (queued or in backoff) out of its lane. */
  private unqueue(entry: Entry): void {
    const lane = entry.lane;
    const index = lane.ready.indexOf(entry);
    if (index >= 0) lane.ready.splice(index, 1);
    clearTimeout(entry.backoffTimer);
    entry.backoffTimer = undefined;
    lane.waiting--;
    this.waiting--;
  }

  private finish(entry: Entry, error?: Error, value?: unknown): void {
    if (entry.state === 'done') return;
    entry.state = 'done';
    this.live.delete(entry);
    clearTimeout(entry.backoffTimer);
    entry.job.signal.removeEventListener('abort', entry.onCallerAbort);
    if (error) entry.reject(error);
    else entry.resolve(value);
  }

  private count(kind: keyof DeliveryCounters, lane: Lane): void {
    lane.counters[kind]++;
    this.listener?.counted(kind, { id: lane.id, title: lane.title });
  }
}

/** Marks the errors the queue made itself for an attempt that ran out of time. */
const OWN_TIMEOUT = Symbol('delivery-timeout');

function timeoutError(timeoutMs: number): Error {
  return Object.assign(new Error(`no answer within ${timeoutMs} ms`), { [OWN_TIMEOUT]: true });
}

function isOwnTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && OWN_TIMEOUT in error;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// Messages do not repeat the helper name: the runtime prefixes what the agent sees with it.
function finalError(error: unknown, attempts: number): Error {
  const message = messageOf(error);
  return new Error(attempts > 1 ? `${message} (after ${attempts} attempts)` : message);
}

function giveUpError(reason: unknown, attempts: number, last?: unknown): Error {
  const why = reason === undefined ? 'the caller gave up' : messageOf(reason);
  const lastPart = last !== undefined ? `; last error: ${messageOf(last)}` : '';
  return new Error(`gave up after ${attempts} attempt(s) (${why})${lastPart}`);
}
