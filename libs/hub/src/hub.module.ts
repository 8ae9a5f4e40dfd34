import { Module, type DynamicModule } from '@nestjs/common';
import { AgentCatalog } from './agents/agent-catalog.service';
import { API_CONTROLLERS, API_PROVIDERS } from './api/api-components';
import { HubEventsController } from './events/hub-events.controller';
import { HUB_OPTIONS, type HubOptions } from './hub-options';
import { ItemsController } from './items/items.controller';
import { RecentItemsService } from './items/recent-items.service';
import { ConfigMapMirrorService } from './kubernetes/config-map-mirror.service';
import { LogService } from './logs/log.service';
import { HubRuntimeService } from './runtime/hub-runtime.service';
import { ItemsStreamService } from './streams/items-stream.service';
import { WorkerRegistry } from './workers/worker-registry.service';

@Module({})
export class HubModule {
  static forRoot(options: HubOptions): DynamicModule {
    return {
      module: HubModule,
      controllers: [...API_CONTROLLERS, HubEventsController, ItemsController],
      providers: [{ provide: HUB_OPTIONS, useValue: options }, LogService, WorkerRegistry, HubRuntimeService, AgentCatalog, ItemsStreamService, RecentItemsService, ConfigMapMirrorService, ...API_PROVIDERS],
    };
  }
}
