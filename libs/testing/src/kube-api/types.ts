// The shape of what the fake API server stores: any Kubernetes object (JSON), keyed by resource type.

export interface KubeObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObjectMeta;
  [field: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change, as the watch cache keeps it; `previous` is the object before (selector transitions). */
export interface StoredEvent {
  resourceVersion: number;
  type: WatchEventType;
  resource: string;
  object: KubeObject;
  previous?: KubeObject;
}

/** A field that failed validation, in the API's cause form. */
export interface FieldProblem {
  field: string;
  message: string;
  reason?: string;
}

/** One kind of resource the server serves (a row of API discovery). */
export interface KubeResourceType {
  /** '' for the core group (/api/v1). */
  group: string;
  version: string;
  /** Plural, lower case: the path segment (configmaps). */
  resource: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  /** DELETE answers with the deleted object (pods) instead of a Success Status (configmaps). */
  returnDeletedObject?: boolean;
  /** Problems that make create/replace fail with 422 Invalid. */
  validate?(object: KubeObject): FieldProblem[];
  /** Fields the server fills on create (a pod's phase, a service's clusterIP). */
  defaultOnCreate?(object: KubeObject, allocate: () => number): void;
}
