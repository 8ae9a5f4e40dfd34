import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import {
  QueueGroups,
  Subjects,
  type HubActionMessage,
  type ItemBatchMessage,
  type LogEntry,
  type PodEventMessage,
  type ScriptsChangedMessage,
  type WorkerStatusMessage,
} from '@wirehook/contracts';
import { AgentCatalog } from '../agents/agent-catalog.service';
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

  /** A worker's batch of items: each is counted, kept and streamed on its own. */
  @EventPattern(Subjects.itemsAll)
  onItems(@Payload() message: ItemBatchMessage): void {
    for (const item of message.items) this.items.add(item);
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
