import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import type { BusContext } from '@wirehook/bus';
import {
  QueueGroups,
  SCHEMA_VERSION,
  Subjects,
  type HubActionMessage,
  type ItemBatchMessage,
  type LogEntry,
  type PodEventMessage,
  type ScriptsChangedMessage,
  type WorkerStatusMessage,
} from '@wirehook/contracts';
import { AgentCatalog } from '../agents/agent-catalog.service';
import { HUB_NODE_NAME } from '../hub-options';
import { RecentItemsService } from '../items/recent-items.service';
import { LogService } from '../logs/log.service';
import { HubRuntimeService } from '../runtime/hub-runtime.service';
import { WorkerRegistry } from '../workers/worker-registry.service';

/** What the hub receives over the bus. Queue groups where exactly one hub replica must act. */
@Controller()
export class HubEventsController {
  constructor(
    private readonly logs: LogService,
    private readonly workers: WorkerRegistry,
    private readonly hubRuntime: HubRuntimeService,
    private readonly catalog: AgentCatalog,
    private readonly items: RecentItemsService,
  ) {}

  /** A worker's batch of items: each is counted, kept and streamed on its own; a gap before it is reported. */
  @EventPattern(Subjects.itemsAll)
  onItems(@Payload() message: ItemBatchMessage, @Ctx() context: BusContext): void {
    const missed = this.items.addBatch(context.subject, message);
    if (!missed) return;
    const last = missed.from + missed.count - 1;
    this.logs.publish({
      v: SCHEMA_VERSION,
      time: Date.now(),
      node: HUB_NODE_NAME,
      agent: '',
      level: 'warn',
      source: 'runtime',
      message:
        `missed ${missed.count} item(s) on ${missed.subject} (items ${missed.from}-${last} of publisher ${missed.session}): ` +
        'this hub was disconnected or cut off as a slow consumer, or the worker dropped them (see its drops); ' +
        'a durable consumer of the items stream has what the worker sent',
    });
  }

  @EventPattern(Subjects.logsAll)
  onLog(@Payload() entry: LogEntry): void {
    this.logs.add(entry);
  }

  @EventPattern(Subjects.workerStatusAll)
  onWorkerStatus(@Payload() status: WorkerStatusMessage): void {
    this.workers.update(status);
  }

  @EventPattern(Subjects.hubActionsAll, { queue: QueueGroups.hub })
  onHubAction(@Payload() message: HubActionMessage): Promise<void> {
    return this.hubRuntime.runtime.onHubAction(message.action, message.object);
  }

  @EventPattern(Subjects.podEventsAll)
  onPodEvent(@Payload() message: PodEventMessage): Promise<void> {
    return this.hubRuntime.runtime.onPodEvent(message.event, message.pod, message.change);
  }

  @EventPattern(Subjects.scriptsChanged)
  onScriptsChanged(@Payload() message: ScriptsChangedMessage): Promise<unknown> {
    return this.hubRuntime.sync(message.agents);
  }

  @MessagePattern(Subjects.scriptsCurrent, { queue: QueueGroups.hub })
  currentScripts(): Promise<ScriptsChangedMessage> {
    return this.catalog.current();
  }
}
