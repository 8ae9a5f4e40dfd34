import { Module, type DynamicModule } from '@nestjs/common';
import { AgentCatalog } from './agents/agent-catalog.service';
import { API_CONTROLLERS, API_PROVIDERS } from './api/api-components';
import { HubEventsController } from './events/hub-events.controller';
import { FLOW_CONTROLLERS, FLOW_PROVIDERS } from './flows/flows-components';
import { HUB_OPTIONS, type HubOptions } from './hub-options';
import { ItemStreamServer } from './items/item-stream.server';
import { ItemsController } from './items/items.controller';
import { RecentItemsService } from './items/recent-items.service';
import { ConfigMapMirrorService } from './kubernetes/config-map-mirror.service';
import { PodPolicyController } from './kubernetes/pod-policy.controller';
import { PodPolicyService } from './kubernetes/pod-policy.service';
import { PodWatchService } from './kubernetes/pod-watch.service';
import { LogService } from './logs/log.service';
import { PLUGIN_CONTROLLERS, PLUGIN_PROVIDERS } from './plugins/plugins-components';
import { HubRuntimeService } from './runtime/hub-runtime.service';
import { ItemsStreamService } from './streams/items-stream.service';
import { WorkerRegistry } from './workers/worker-registry.service';

@Module({})
export class HubModule {
  static forRoot(options: HubOptions): DynamicModule {
    return {
      module: HubModule,
      controllers: [...API_CONTROLLERS, ...FLOW_CONTROLLERS, HubEventsController, ItemsController, PodPolicyController, ...PLUGIN_CONTROLLERS],
      providers: [{ provide: HUB_OPTIONS, useValue: options }, LogService, WorkerRegistry, HubRuntimeService, AgentCatalog, ItemsStreamService, RecentItemsService, ItemStreamServer, ConfigMapMirrorService, PodWatchService, PodPolicyService, ...API_PROVIDERS, ...FLOW_PROVIDERS, ...PLUGIN_PROVIDERS],
    };
  }
}
