import { statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { FileCaptureSource, TcpReassembler, type CaptureStats, type DecodedPacket, type TcpReassemblerOptions } from '@wirehook/capture';
import type { Item } from '@wirehook/contracts';
import type { EndpointResolver } from './flow';
import type { DissectionLimits } from './limits';
import { createDissectionPipeline } from './pipeline';
import type { DissectionStats } from './stats';

export interface ReplayProgress {
  /** Approximate bytes of the file consumed (exact at the end of a pass). */
  bytesRead: number;
  packets: number;
  items: number;
}

export interface ReplayOptions {
  onItem(item: Item): void;
  /** Every decoded packet, before reassembly (views into the read buffer: copy to keep). */
  onPacket?(packet: DecodedPacket): void;
  /** Called every few thousand packets and once at the end. */
  onProgress?(progress: ReplayProgress): void;
  /** Worker name in item ids (default `replay`). */
  worker?: string;
  nodeIp?: string;
  /** Replay again from the start at the end of the file (timestamps keep increasing). */
  loop?: boolean;
  /** With `loop`: number of passes (default: until aborted). */
  laps?: number;
  /** 0 = as fast as possible (default), 1 = original timing, n = n times faster. */
  speed?: number;
  signal?: AbortSignal;
  limits?: Partial<DissectionLimits>;
  reassembly?: Omit<TcpReassemblerOptions, 'counters'>;
  resolveEndpoint?: EndpointResolver;
  onError?(error: unknown, context: string): void;
}

export interface ReplaySummary {
  packets: number;
  items: number;
  /** Items with `error` set. */
  errors: number;
  /** Frames the decoder refused, holes in TCP streams, streams evicted, dissector failures. */
  drops: number;
  durationMs: number;
  dissection: DissectionStats;
  capture: CaptureStats;
}

const PROGRESS_EVERY = 8192;
/** Approximate per-record overhead in a pcap file (record header) for progress reporting. */
const RECORD_HEADER = 16;

/**
 * Reads a pcap/pcapng file through capture's decoder and TCP reassembler into the dissectors.
 * Resolves when the file (or the last lap) ends or `signal` aborts, after flushing every
 * outstanding request as an item.
 */
export async function replayCaptureToItems(path: string, options: ReplayOptions): Promise<ReplaySummary> {
  const started = performance.now();
  const fileSize = statSync(path).size;
  const pipeline = createDissectionPipeline({
    worker: options.worker ?? 'replay',
    nodeIp: options.nodeIp,
    onItem: options.onItem,
    limits: options.limits,
    resolveEndpoint: options.resolveEndpoint,
    onError: options.onError,
  });
  const source = new FileCaptureSource({
    path,
    loop: options.loop,
    laps: options.laps,
    speed: options.speed,
    signal: options.signal,
  });
  const counters = source.counters;
  const reassembler = new TcpReassembler(pipeline, { ...options.reassembly, counters });
  const { onPacket, onProgress } = options;
  let nextProgress = PROGRESS_EVERY;
  const progress = (): ReplayProgress => ({
    bytesRead: Math.min(fileSize, 24 + counters.bytes + counters.packets * RECORD_HEADER),
    packets: counters.packets,
    items: pipeline.stats().items,
  });

  let lastTimestamp = 0;
  await source.start((packet) => {
    lastTimestamp = packet.timestamp;
    if (onPacket !== undefined) onPacket(packet);
    reassembler.push(packet);
    if (onProgress !== undefined && counters.packets >= nextProgress) {
      nextProgress = counters.packets + PROGRESS_EVERY;
      onProgress(progress());
    }
  });
  reassembler.closeAll(lastTimestamp);
  pipeline.close();

  const dissection = pipeline.stats();
  const capture = source.stats();
  if (onProgress !== undefined) onProgress({ ...progress(), bytesRead: options.loop ? progress().bytesRead : fileSize });
  const errors = Object.values(dissection.errors).reduce((a, b) => a + b, 0);
  return {
    packets: capture.packets,
    items: dissection.items,
    errors,
    drops: capture.decodeErrors + capture.gaps + capture.evictedStreams + dissection.internalErrors,
    durationMs: performance.now() - started,
    dissection,
    capture,
  };
}
