import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Subjects, type PodEventMessage, type ScriptsChangedMessage } from '@wirehook/contracts';
import { WorkerRuntimeService } from '../runtime/worker-runtime.service';

/** What every worker receives over the bus (broadcast: no queue group). */
@Controller()
export class WorkerEventsController {
  constructor(private readonly agents: WorkerRuntimeService) {}

  @EventPattern(Subjects.scriptsChanged)
  onScriptsChanged(@Payload() message: ScriptsChangedMessage): Promise<unknown> {
    return this.agents.onScriptsChanged(message);
  }

  @EventPattern(Subjects.podEventsAll)
  onPodEvent(@Payload() message: PodEventMessage): Promise<void> {
    return this.agents.runtime.onPodEvent(message.event, message.pod, message.change);
  }
}
