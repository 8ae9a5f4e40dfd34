import type { Provider, Type } from '@nestjs/common';
import { HubPluginHost } from './hub-plugin-host.service';
import { PluginEventsController } from './plugin-events.controller';
import { PluginRegistry } from './plugin-registry.service';
import { PluginsController } from './plugins.controller';

/** The plugin registry's controllers (REST `/api/plugins`, bus handlers), for HubModule. */
export const PLUGIN_CONTROLLERS: Type[] = [PluginsController, PluginEventsController];

export const PLUGIN_PROVIDERS: Provider[] = [HubPluginHost, PluginRegistry];
