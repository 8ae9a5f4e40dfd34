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
export { Informer } from './kube/informer';
export type { InformerHandlers, InformerOptions } from './kube/informer';
export { POD_RESOURCE, SERVICE_RESOURCE, ENDPOINT_SLICE_RESOURCE } from './kube/watched-resources';
export type { WatchedResource, RawList } from './kube/watched-resources';
export { objectKey } from './kube/raw-objects';
export type {
  RawObject,
  RawObjectMeta,
  RawOwnerReference,
  RawPod,
  RawService,
  RawEndpointSlice,
  RawContainerStatus,
  RawContainerState,
} from './kube/raw-objects';
export { podChanges } from './pods/pod-changes';
export { PodTargeting } from './pods/pod-targeting';
export type { PodTargetingOptions, PodTargetClass } from './pods/pod-targeting';
export { summarisePod } from './pods/targeted-pods';
export type { TargetedPod, TargetedPods } from './pods/targeted-pods';
export { ClusterWatch } from './pods/cluster-watch';
export type { ClusterWatchOptions } from './pods/cluster-watch';
export { WorkloadIndex } from './workloads/workload-index';
export type { WorkloadIdentity, NameResolutionChange, WorkloadIndexOptions } from './workloads/workload-index';
export { workloadOf } from './workloads/workload-of';
export type { Workload } from './workloads/workload-of';
export { PodBlocker, PodPolicyError } from './policy/pod-blocker';
export type { BlockOutcome, UnblockOutcome } from './policy/pod-blocker';
export { BLOCK_LABEL, BLOCK_POLICY_LABELS, blockPolicyFor, blockPolicyName } from './policy/pod-block-policy';
export type { BlockPolicy, BlockRequester } from './policy/pod-block-policy';
