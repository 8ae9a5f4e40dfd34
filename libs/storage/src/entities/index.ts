import { AgentRevisionEntity } from './agent-revision.entity';
import { AgentEntity } from './agent.entity';
import { ApiTokenEntity } from './api-token.entity';
import { FlowEntity } from './flow.entity';
import { PluginEntity } from './plugin.entity';
import { SettingEntity } from './setting.entity';

export { AgentEntity, AgentRevisionEntity, ApiTokenEntity, FlowEntity, PluginEntity, SettingEntity };
export type { AgentOrigin } from './agent.entity';
export type { ApiRole } from './api-token.entity';

/** Every entity of the schema, for the DataSource. */
export const storageEntities = [
  AgentEntity,
  AgentRevisionEntity,
  FlowEntity,
  PluginEntity,
  SettingEntity,
  ApiTokenEntity,
];
