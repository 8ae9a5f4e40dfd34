import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { CaptureFileReader, type ChunkRecord } from './capture-file-reader';
import { MAX_WARNINGS, type CaptureSource, type CaptureSourceState, type CaptureStats } from './capture-source';
import { CaptureCounters } from './counters';
import type { CaptureFileError } from './errors';
import { FrameDecoder, type FrameDecoderOptions } from './frame-decoder';
import type { DecodedPacket } from './stream-events';

export interface FileCaptureOptions {
  path: string;
  /** Replay again from the start at the end of the file. */
  loop?: boolean;
  /** With `loop`: stop after this many passes (default: until stopped). */
  laps?: number;
  /** 0 = as fast as possible (default), 1 = original timing, n = n times faster. */
  speed?: number;
  /**
   * With `loop`: pause between the last packet of a pass and the first of the next (ms of capture
   * time; default 1000). Each pass's timestamps are shifted so time keeps increasing.
   */
  loopGapMs?: number;
  /**
   * Shift timestamps so the first packet is stamped with the wall-clock time the replay started
   * (live-looking times for demos); loops keep moving forward from there.
   */
  rebaseTime?: boolean;
  signal?: AbortSignal;
  counters?: CaptureCounters;
  /** A decoder to use (it brings its own counters); else one is made with `decoderOptions`. */
  decoder?: FrameDecoder;
  decoderOptions?: Omit<FrameDecoderOptions, 'counters'>;
  /** Bytes per read (default 4 MiB). */
  chunkSize?: number;
  /**
   * Read into a few reused chunk buffers, the next chunk while the current one is parsed (default
   * true): a packet's `frame` and `payload` are views that stay valid during the callback and until
   * two more chunks are read, so copy what you keep. False gives every chunk a fresh buffer (views
   * valid for as long as they are held), at the cost of the garbage collections that fresh external
   * memory triggers.
   */
  reuseChunks?: boolean;
  /** Called for problems that do not stop the replay (a truncated last record). */
  onWarning?: (problem: CaptureFileError) => void;
  /** Time source for pacing (tests pass their own). */
  clock?: ReplayClock;
}

/** Monotonic milliseconds and an abortable sleep: what paced replay needs from the outside world. */
export interface ReplayClock {
  now(): number;
  /** Resolves after `ms`, or rejects when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

const SYSTEM_CLOCK: ReplayClock = {
  now: () => performance.now(),
  sleep: async (ms, signal) => {
    await sleep(ms, undefined, { signal });
  },
};

/** Pacing sleeps shorter than this are skipped (and caught up on the next packet). */
const MIN_SLEEP_MS = 2;

/** Replays a pcap or pcapng file: as fast as possible or paced, once or looped, until stopped. */
export class FileCaptureSource implements CaptureSource {
  readonly counters: CaptureCounters;
  readonly decoder: FrameDecoder;
  private state: CaptureSourceState = 'idle';
  private readonly warnings: string[] = [];
  private error: string | undefined;
  private abort: AbortController | null = null;
  private running: Promise<void> | null = null;
  private readonly speed: number;
  private readonly options: FileCaptureOptions;

  constructor(options: FileCaptureOptions);
  constructor(path: string, options?: Omit<FileCaptureOptions, 'path'>);
  constructor(pathOrOptions: string | FileCaptureOptions, rest: Omit<FileCaptureOptions, 'path'> = {}) {
    const options = typeof pathOrOptions === 'string' ? { ...rest, path: pathOrOptions } : pathOrOptions;
    this.options = options;
    const speed = options.speed ?? 0;
    if (!Number.isFinite(speed) || speed < 0) throw new RangeError(`replay speed must be a finite number ≥ 0, got ${speed}`);
    this.speed = speed;
    this.decoder = options.decoder ?? new FrameDecoder({ ...options.decoderOptions, counters: options.counters });
    this.counters = this.decoder.counters;
  }

  describe(): string {
    const pace = this.speed === 0 ? 'as fast as possible' : this.speed === 1 ? 'original timing' : `${this.speed}x`;
    const laps = this.options.loop ? (this.options.laps ? `, ${this.options.laps} laps` : ', looped') : '';
    return `file ${this.options.path} (${pace}${laps})`;
  }

  async start(onPacket: (packet: DecodedPacket) => void): Promise<void> {
    if (this.state === 'running') throw new Error(`${this.describe()}: already started`);
    const abort = new AbortController();
    this.abort = abort;
    const external = this.options.signal;
    const onExternalAbort = (): void => abort.abort();
    if (external !== undefined) {
      if (external.aborted) abort.abort();
      else external.addEventListener('abort', onExternalAbort, { once: true });
    }
    this.state = 'running';
    this.error = undefined;
    const run = this.run(onPacket, abort.signal);
    this.running = run.catch(() => undefined);
    try {
      await run;
      this.state = abort.signal.aborted ? 'stopped' : 'ended';
    } catch (error) {
      this.state = 'failed';
      this.error = (error as Error).message;
      throw error;
    } finally {
      external?.removeEventListener('abort', onExternalAbort);
    }
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    await this.running;
  }

  stats(): CaptureStats {
    return {
      ...this.counters.snapshot(),
      source: this.describe(),
      state: this.state,
      warnings: [...this.warnings],
      ...(this.error === undefined ? {} : { error: this.error }),
    };
  }

  private async run(onPacket: (packet: DecodedPacket) => void, signal: AbortSignal): Promise<void> {
    const { loop = false, laps = 0, loopGapMs = 1000 } = this.options;
    const reader = await CaptureFileReader.open(this.options.path, {
      chunkSize: this.options.chunkSize,
      counters: this.counters,
      reuseChunks: this.options.reuseChunks ?? true,
    });
    const clock = this.options.clock ?? SYSTEM_CLOCK;
    const pump = new ReplayPump(reader, this.decoder, onPacket, this.speed, clock, this.options.rebaseTime === true);
    const onAbort = (): void => {
      pump.aborted = true;
    };
    if (signal.aborted) pump.aborted = true;
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      let lap = 1;
      for (;;) {
        const status = pump.pump();
        if (status === PumpStatus.Stopped) return;
        if (status === PumpStatus.Wait) {
          try {
            await clock.sleep(pump.waitMs, signal);
          } catch {
            return;
          }
          continue;
        }
        if (await reader.fill()) continue;
        if (reader.truncation !== null) this.warn(reader.truncation);
        if (!loop || pump.aborted || (laps > 0 && lap >= laps) || !pump.endLap(loopGapMs)) return;
        lap++;
        await reader.rewind();
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      await reader.close();
    }
  }

  private warn(problem: CaptureFileError): void {
    this.warnings.push(problem.message);
    if (this.warnings.length > MAX_WARNINGS) this.warnings.shift();
    this.options.onWarning?.(problem);
  }
}

const enum PumpStatus {
  /** The buffered records are used up: read the next chunk. */
  NeedData,
  /** Paced replay: wait `waitMs` before the held record. */
  Wait,
  Stopped,
}

/**
 * The per-packet loop of a replay, kept out of the async function so its state lives in plain
 * object fields and registers rather than in a suspended generator frame (doubles stored there
 * are boxed on every write).
 */
class ReplayPump {
  aborted = false;
  waitMs = 0;
  private held: ChunkRecord | null = null;
  private lapOffset = Number.NaN;
  private lapFirst = Number.NaN;
  private lapLast = 0;
  private paceWallStart = 0;
  private paceCaptureStart = Number.NaN;

  constructor(
    private readonly reader: CaptureFileReader,
    private readonly decoder: FrameDecoder,
    private readonly onPacket: (packet: DecodedPacket) => void,
    private readonly speed: number,
    private readonly clock: ReplayClock,
    private readonly rebaseTime: boolean,
  ) {}

  pump(): PumpStatus {
    const reader = this.reader;
    const decoder = this.decoder;
    const onPacket = this.onPacket;
    const speed = this.speed;
    let record = this.held;
    this.held = null;
    for (;;) {
      if (this.aborted) return PumpStatus.Stopped;
      if (record === null) {
        record = reader.next();
        if (record === null) return PumpStatus.NeedData;
      }
      const original = record.timestamp;
      if (this.lapOffset !== this.lapOffset) this.lapOffset = this.rebaseTime ? Date.now() - original : 0;
      if (this.lapFirst !== this.lapFirst) this.lapFirst = original;
      this.lapLast = original;
      const timestamp = original + this.lapOffset;
      if (speed > 0) {
        const clock = this.clock;
        if (this.paceCaptureStart !== this.paceCaptureStart) {
          this.paceCaptureStart = timestamp;
          this.paceWallStart = clock.now();
        }
        const wait = this.paceWallStart + (timestamp - this.paceCaptureStart) / speed - clock.now();
        if (wait >= MIN_SLEEP_MS) {
          // The reader's record object stays valid until its next `next()`, which comes after the wait.
          this.held = record;
          this.waitMs = wait;
          return PumpStatus.Wait;
        }
      }
      const start = record.offset;
      const packet = decoder.decodeAt(record.chunk, start, start + record.captureLength, record.linkType, timestamp, record.length, record.interfaceId, null);
      if (packet !== null) onPacket(packet);
      record = null;
    }
  }

  /** Shifts the next lap after this one (plus `gapMs`); false when the lap had no packet. */
  endLap(gapMs: number): boolean {
    if (this.lapFirst !== this.lapFirst) return false;
    this.lapOffset += this.lapLast - this.lapFirst + gapMs;
    this.lapFirst = Number.NaN;
    return true;
  }
}
