export { openDatabase } from './database/open-database';
export type { Database, OpenDatabaseOptions, StorageLogger } from './database/open-database';
export { redactUrl } from './database/redact-url';
export {
  StorageError,
  NotFoundError,
  RevisionConflictError,
  DuplicateTitleError,
  DatabaseOpenError,
  InvalidInputError,
} from './errors';
export type { StoredKind } from './errors';
export { AgentStore } from './stores/agent-store';
export type {
  Agent,
  AgentRevision,
  NewAgent,
  AgentChanges,
  AgentWriteOptions,
  AgentUpsertResult,
} from './stores/agent-types';
export { FlowStore } from './stores/flow-store';
export type { Flow, FlowScript, NewFlow, FlowChanges, SavedFlow } from './stores/flow-store';
export { PluginStore } from './stores/plugin-store';
export type { InstalledPlugin, PluginInstall } from './stores/plugin-store';
export { SettingsStore } from './stores/settings-store';
export { TokenStore, API_ROLES } from './stores/token-store';
export type { ApiToken, CreatedApiToken } from './stores/token-store';
export type { AgentOrigin, ApiRole } from './entities';
export { storageEntities } from './entities';
export { storageMigrations } from './migrations';
