import { join, resolve } from 'node:path';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { StreamRecorder, type DecodedPacket } from '@wirehook/capture';
import type { PcapProvider } from '@wirehook/runtime';
import { WORKER_OPTIONS, workerNodeName, type WorkerOptions } from '../worker-options';

/**
 * The worker's recorded traffic: a rolling pcap per stream (`tap.recording`), which agents read
 * through `pcap.path(stream)` and `pcap.snapshot(streams)`.
 */
@Injectable()
export class RecordingService implements PcapProvider, OnModuleDestroy {
  private readonly recorder?: StreamRecorder;
  /** Set by the Kubernetes index when it is wired; empty history otherwise. */
  history: () => Promise<unknown> = async () => [];

  constructor(@Inject(WORKER_OPTIONS) options: WorkerOptions) {
    const { recording } = options.config.tap;
    if (!recording.enabled) return;
    const directory = recording.directory ?? join(resolve(options.config.database.dataDir), 'recordings', workerNodeName(options.config));
    this.recorder = new StreamRecorder({ directory, ttlMs: recording.ttlSeconds * 1000, maxTotalBytes: recording.maxBytes });
  }

  /** After reassembly, so the packet carries its stream id. */
  record(packet: DecodedPacket): void {
    this.recorder?.record(packet);
  }

  async path(stream: string): Promise<string> {
    const recorder = this.require();
    const id = Number(stream);
    await recorder.flush();
    const path = Number.isInteger(id) ? recorder.pathOf(id) : undefined;
    if (!path) throw new Error(`no recording of stream "${stream}" (unknown, or removed after tap.recording.ttlSeconds)`);
    return path;
  }

  async snapshot(streams?: string[]): Promise<string> {
    const recorder = this.require();
    const ids = streams?.length ? streams.map((s) => Number(s)).filter((n) => Number.isInteger(n)) : undefined;
    return recorder.snapshot(ids);
  }

  nameResolutionHistory(): Promise<unknown> {
    return this.history();
  }

  async onModuleDestroy(): Promise<void> {
    await this.recorder?.close();
  }

  private require(): StreamRecorder {
    if (!this.recorder) throw new Error('traffic recording is off on this worker (tap.recording.enabled=false)');
    return this.recorder;
  }
}
