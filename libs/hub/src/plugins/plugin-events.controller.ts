import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { QueueGroups, Subjects, type PluginsChangedMessage, type PluginStatsReply } from '@wirehook/contracts';
import { pluginStatsReply } from '@wirehook/plugin-sdk';
import { HUB_NODE_NAME } from '../hub-options';
import { HubPluginHost } from './hub-plugin-host.service';
import { PluginRegistry } from './plugin-registry.service';

/** Plugin messages on the bus, hub side. */
@Controller()
export class PluginEventsController {
  constructor(
    private readonly hubHost: HubPluginHost,
    private readonly registry: PluginRegistry,
  ) {}

  /** Every hub replica runs the announced set in its own runtime (broadcast). */
  @EventPattern(Subjects.pluginsChanged)
  async onPluginsChanged(@Payload() message: PluginsChangedMessage): Promise<void> {
    await this.hubHost.apply(message.plugins);
  }

  /** A starting node asks for the installed set; one replica answers. */
  @MessagePattern(Subjects.pluginsCurrent, { queue: QueueGroups.hub })
  current(): Promise<PluginsChangedMessage> {
    return this.registry.message();
  }

  @MessagePattern(Subjects.pluginStats(HUB_NODE_NAME))
  stats(): PluginStatsReply {
    return pluginStatsReply(HUB_NODE_NAME, this.hubHost.host);
  }
}
