import type { HelperDefinition, PluginModule } from '@wirehook/plugin-sdk';
import { isIdempotent, webhook, type WebhookArgs, type WebhookSettings } from './http-request';

const webhookHelper: HelperDefinition<WebhookArgs, WebhookSettings> = { run: webhook, idempotent: isIdempotent };

/** The plugin's entry: export names match `wirehook.helpers[].name` without `vendor.`. */
export const helpers: PluginModule['helpers'] = { webhook: webhookHelper };
