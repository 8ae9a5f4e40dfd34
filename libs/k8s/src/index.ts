export { ConfigMapMirror } from './configmap/config-map-mirror';
export type {
  ConfigMapMirrorOptions,
  MirrorEvents,
  MirrorImportedEvent,
  MirrorExportedEvent,
  MirrorReconciledEvent,
} from './configmap/config-map-mirror';
export { readAgentsFromConfigMap, agentsFromConfigMapData, ConfigMapReadError } from './configmap/read-agents';
export { planImport } from './configmap/import-plan';
export type { AgentImport, ImportPlan, PlanInput, Refusal, RefusalReason } from './configmap/import-plan';
export { mirrorData } from './configmap/mirror-data';
export { fileStemOf, candidateKeys, assignKeys } from './configmap/agent-keys';
export { agentTitleOf } from './configmap/agent-title';
export {
  DEFAULT_CONFIG_MAP_NAME,
  INDEX_KEY,
  INDEX_FORMAT,
  CONFIG_MAP_LABELS,
  formatIndex,
  parseIndex,
  sha256Of,
} from './configmap/configmap-format';
export type { AgentIndex, IndexEntry } from './configmap/configmap-format';
export { ListWatch, WatchFailedError } from './kube/list-watch';
export type { ListWatchOptions, ListResult, ObjectEventType } from './kube/list-watch';
export { describeKubeError, httpStatusOf, isConflict, isNotFound } from './kube/kube-errors';
export type { MirroredAgent, MirroredAgentStore } from './mirrored-agent-store';
export type { K8sLogger } from './logger';
export { loadKubeConfig } from './kube/load-kube-config';
