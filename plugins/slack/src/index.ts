import type { PluginModule } from '@wirehook/plugin-sdk';
import { slackBot } from './bot-message';
import { slack } from './incoming-webhook';

/** The plugin's entry: `vendor.slack` and `vendor.slackBot`. */
export const helpers: PluginModule['helpers'] = { slack, slackBot };
