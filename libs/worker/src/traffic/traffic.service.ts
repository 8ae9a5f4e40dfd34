import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ItemBatchPublisher } from '@wirehook/bus';
import { TcpReassembler, toPacketInfo, type CaptureSource, type DecodedPacket } from '@wirehook/capture';
import { SCHEMA_VERSION, Subjects, type Item, type PacketInfo, type PacketMessage, type WorkerCounters } from '@wirehook/contracts';
import { createDissectionPipeline, type DissectionPipeline } from '@wirehook/dissectors';
import { WorkerKubernetesService } from '../kubernetes/worker-kubernetes.service';
import { RecordingService } from '../recording/recording.service';
import { WorkerRuntimeService } from '../runtime/worker-runtime.service';
import { WORKER_OPTIONS, workerNodeName, type WorkerOptions } from '../worker-options';
import { createCaptureSource } from './capture-source.factory';
import { DeliveryBatcher } from './delivery-batcher';

const BATCH = { maxBatch: 1024, maxDelayMs: 50, maxQueuedBatches: 256 };
/** How long capture waits for the hub's agent list before starting without agents. */
const AGENTS_WAIT_MS = 15_000;
/** How often idle streams and unanswered requests are checked, in capture time. */
const HOUSEKEEPING_MS = 1_000;

/**
 * The worker's hot path: packets from the capture source go to `onPacketCaptured` (batched),
 * through TCP reassembly into the dissectors; each item is published on the bus and given to
 * `onItemCaptured` (batched). Agents never hold capture back: slow agents lose events, counted.
 */
@Injectable()
export class TrafficService implements OnApplicationBootstrap, OnModuleDestroy {
  private source?: CaptureSource;
  private running?: Promise<void>;
  private readonly node: string;
  private readonly dissection: DissectionPipeline;
  private readonly reassembler: TcpReassembler;
  private readonly packetsToAgents: DeliveryBatcher<PacketInfo>;
  /** Items as JSON text: serialised once for the bus and the sandbox. */
  private readonly itemsToAgents: DeliveryBatcher<string>;
  private readonly packetsToBus?: DeliveryBatcher<PacketInfo>;
  /** Items to the bus: several per message, sent at the end of each event-loop turn. */
  private readonly itemsToBus: ItemBatchPublisher;
  private housekeeping?: NodeJS.Timeout;
  private stopped = false;
  private cancelWait: () => void = () => undefined;
  private lastPacketTime = 0;
  private packetsAtLastTick = 0;
  private idleMs = 0;
  /** Item ids restart with the process; this tells two runs of the same worker apart. */
  private readonly session = Date.now().toString(36);
  private readonly counters: WorkerCounters = { packets: 0, bytes: 0, items: 0, itemErrors: 0, drops: 0 };

  constructor(
    @Inject(WORKER_OPTIONS) private readonly options: WorkerOptions,
    private readonly agents: WorkerRuntimeService,
    private readonly recording: RecordingService,
    kubernetes: WorkerKubernetesService,
  ) {
    this.node = workerNodeName(options.config);
    const runtime = agents.runtime;
    this.dissection = createDissectionPipeline({ worker: this.node, onItem: (item) => this.onItem(item), resolveEndpoint: kubernetes.resolveEndpoint });
    this.reassembler = new TcpReassembler(this.dissection);
    this.packetsToAgents = new DeliveryBatcher({ ...BATCH, deliver: (batch) => runtime.onPacketsCaptured(batch) });
    this.itemsToAgents = new DeliveryBatcher({ ...BATCH, deliver: (json) => runtime.onItemsCaptured({ json }) });
    this.itemsToBus = new ItemBatchPublisher({
      bus: options.bus,
      session: this.session,
      onError: (error, subject, items) => options.logger.warn(`${items} items not published on ${subject}: ${error.message}`),
    });
    if (options.config.tap.packets) {
      this.packetsToBus = new DeliveryBatcher({
        ...BATCH,
        deliver: async (packets) => {
          const message: PacketMessage = { v: SCHEMA_VERSION, node: this.node, packets };
          options.bus.publish(Subjects.packets(this.node), message);
        },
      });
    }
  }

  get captureDescription(): string {
    return this.source?.describe() ?? 'not started';
  }

  async onApplicationBootstrap(): Promise<void> {
    this.source = await createCaptureSource(this.options.config, this.options.logger);
    this.running = this.startWhenAgentsReady(this.source);
  }

  /** Agents see traffic from the first packet: a replayed file must not run past them while they load. */
  private async startWhenAgentsReady(source: CaptureSource): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const ready = await Promise.race([
      this.agents.ready.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), AGENTS_WAIT_MS);
        this.cancelWait = () => resolve(false);
      }),
    ]);
    clearTimeout(timer);
    if (this.stopped) return;
    if (!ready) this.options.logger.warn(`no agent list from the hub after ${AGENTS_WAIT_MS / 1000} s: capturing without agents until it answers`);
    this.housekeeping = setInterval(() => this.tick(), HOUSEKEEPING_MS);
    try {
      await source.start((packet) => this.onPacket(packet));
      this.endOfCapture();
    } catch (error) {
      this.options.logger.error(`capture stopped: ${(error as Error).message}`);
    }
  }

  snapshot(): WorkerCounters {
    const dropped =
      this.packetsToAgents.dropped +
      this.itemsToAgents.dropped +
      this.reassembler.stats().dropped +
      this.options.bus.stats().dropped +
      this.itemsToBus.stats().failedItems;
    return { ...this.counters, drops: dropped };
  }

  private onPacket(packet: DecodedPacket): void {
    this.counters.packets++;
    this.counters.bytes += packet.length;
    this.lastPacketTime = packet.timestamp;
    const wantsPackets = this.agents.runtime.hasHook('onPacketCaptured');
    if (wantsPackets || this.packetsToBus) {
      const info = toPacketInfo(packet);
      if (wantsPackets) this.packetsToAgents.add(info);
      this.packetsToBus?.add(info);
    }
    this.reassembler.push(packet);
    this.recording.record(packet);
  }

  private onItem(item: Item): void {
    this.counters.items++;
    if (item.error) this.counters.itemErrors++;
    const subject = Subjects.items(this.node, item.protocol.name);
    const toBus = this.options.bus.hasSubscribers(subject);
    const toAgents = this.agents.runtime.hasHook('onItemCaptured');
    if (!toBus && !toAgents) return;
    const json = JSON.stringify(item);
    // The batch's message id (from the session and the first item's id) lets the durable items stream store a resent batch once.
    if (toBus) this.itemsToBus.add(subject, item.id, json);
    if (toAgents) this.itemsToAgents.add(json);
  }

  /**
   * Time moves with the capture, not the wall clock, so a replayed file times out as it did live;
   * while no packet arrives (an idle link), it moves on with the wall clock so that pending
   * requests still time out.
   */
  private tick(): void {
    if (this.lastPacketTime === 0) return;
    if (this.counters.packets === this.packetsAtLastTick) this.idleMs += HOUSEKEEPING_MS;
    else this.idleMs = 0;
    this.packetsAtLastTick = this.counters.packets;
    const now = this.lastPacketTime + this.idleMs;
    this.reassembler.flushIdle(now);
    this.dissection.flush(now);
  }

  private endOfCapture(): void {
    this.reassembler.closeAll(this.lastPacketTime);
    this.dissection.close();
    this.itemsToBus.flush();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.cancelWait();
    clearInterval(this.housekeeping);
    await this.source?.stop();
    await this.running;
    // Items dissected in this last turn (capture stop closes the streams) go out before the bus closes.
    this.itemsToBus.flush();
    await Promise.all([this.packetsToAgents.drain(), this.itemsToAgents.drain(), this.packetsToBus?.drain()]);
  }
}
