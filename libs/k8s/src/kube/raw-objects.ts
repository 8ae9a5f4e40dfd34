// The parts of Kubernetes objects Wirehook reads, as the API server sends them (JSON: timestamps
// are strings). The typed models of @kubernetes/client-node turn timestamps into Date objects
// when listing but not when watching; Wirehook keeps the JSON form everywhere, which is also what
// agents receive in `onPodEvent`.

export interface RawOwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
}

export interface RawObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: RawOwnerReference[];
}

export interface RawObject {
  apiVersion?: string;
  kind?: string;
  metadata?: RawObjectMeta;
}

export interface RawContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { exitCode?: number; signal?: number; reason?: string; message?: string; startedAt?: string; finishedAt?: string; containerID?: string };
}

export interface RawContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: RawContainerState;
  lastState?: RawContainerState;
  containerID?: string;
}

export interface RawContainerPort {
  containerPort: number;
  hostPort?: number;
  protocol?: string;
  name?: string;
}

export interface RawPod extends RawObject {
  spec?: {
    nodeName?: string;
    hostNetwork?: boolean;
    containers?: { name: string; ports?: RawContainerPort[] }[];
    initContainers?: { name: string; ports?: RawContainerPort[] }[];
  };
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    podIP?: string;
    podIPs?: { ip: string }[];
    hostIP?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: RawContainerStatus[];
    initContainerStatuses?: RawContainerStatus[];
    ephemeralContainerStatuses?: RawContainerStatus[];
  };
}

export interface RawServicePort {
  name?: string;
  port: number;
  protocol?: string;
  targetPort?: number | string;
}

export interface RawService extends RawObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    ports?: RawServicePort[];
    selector?: Record<string, string>;
  };
}

export interface RawEndpointSlice extends RawObject {
  addressType?: string;
  endpoints?: {
    addresses: string[];
    conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
    targetRef?: { kind?: string; name?: string; namespace?: string; uid?: string };
    nodeName?: string;
  }[];
  ports?: { name?: string; port?: number; protocol?: string }[];
}

/** `namespace/name`: how objects are keyed in caches and named in log lines. */
export function objectKey(object: RawObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}
