// The fake cluster's storage: one global resourceVersion counter (like etcd's revision), the
// objects of every resource type, and a bounded history of changes that watches replay from.
import { randomUUID } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { alreadyExists, conflict, invalid, notFound, type StatusSubject } from './status';
import { apiVersionOf, validateName } from './resources';
import type { KubeObject, KubeResourceType, StoredEvent } from './types';

export type StoreListener = (event: StoredEvent) => void;

/** Preconditions of a write: the resourceVersion (and uid) the caller based it on. */
export interface Preconditions {
  resourceVersion?: string;
  uid?: string;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

export class ObjectStore {
  private revision = 0;
  /** Events with resourceVersion <= this are forgotten; a watch from before it gets 410. */
  private compactedRevision = 0;
  private readonly history: StoredEvent[] = [];
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly listeners = new Set<StoreListener>();
  private allocated = 0;

  constructor(
    private readonly types: ReadonlyMap<string, KubeResourceType>,
    private readonly historyLimit: number,
  ) {
    for (const key of types.keys()) this.objects.set(key, new Map());
  }

  get currentRevision(): number {
    return this.revision;
  }

  get oldestWatchableRevision(): number {
    return this.compactedRevision;
  }

  type(resource: string): KubeResourceType {
    const type = this.types.get(resource);
    if (!type) throw new Error(`fake API server: unknown resource type ${resource}`);
    return type;
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.bucket(resource).get(objectKey(namespace, name));
    return found ? clone(found) : undefined;
  }

  /** Objects of a type (in one namespace, or all), sorted by namespace and name. */
  list(resource: string, namespace?: string): KubeObject[] {
    return [...this.bucket(resource).entries()]
      .filter(([, o]) => namespace === undefined || o.metadata.namespace === namespace)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, o]) => clone(o));
  }

  create(resource: string, input: KubeObject): KubeObject {
    const type = this.type(resource);
    const object = clone(input);
    object.apiVersion = apiVersionOf(type);
    object.kind = type.kind;
    object.metadata = { ...object.metadata };
    if (!object.metadata.name && object.metadata.generateName) {
      object.metadata.name = `${object.metadata.generateName}${randomUUID().slice(0, 5)}`;
    }
    this.validate(type, object);
    const name = object.metadata.name as string;
    const key = objectKey(object.metadata.namespace, name);
    if (this.bucket(resource).has(key)) throw alreadyExists(this.subject(type, name));
    type.defaultOnCreate?.(object, () => this.allocated++);
    object.metadata.uid = randomUUID();
    object.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    if (object.spec !== undefined) object.metadata.generation = 1;
    delete object.metadata.deletionTimestamp;
    return this.commit(resource, 'ADDED', key, object, undefined);
  }

  /**
   * Replaces the object (PUT). A non-empty `metadata.resourceVersion` in the input is a precondition
   * (409 Conflict when stale); an update that changes nothing keeps the resourceVersion and sends no event.
   */
  replace(resource: string, input: KubeObject): KubeObject {
    const type = this.type(resource);
    const name = input.metadata.name ?? '';
    const key = objectKey(input.metadata.namespace, name);
    const current = this.bucket(resource).get(key);
    if (!current) throw notFound(this.subject(type, name));
    const wanted = input.metadata.resourceVersion;
    if (wanted !== undefined && wanted !== '' && wanted !== current.metadata.resourceVersion) {
      throw conflict(this.subject(type, name));
    }
    if (input.metadata.uid !== undefined && input.metadata.uid !== '' && input.metadata.uid !== current.metadata.uid) {
      throw conflict(this.subject(type, name), `Precondition failed: UID in precondition: ${input.metadata.uid}, UID in object meta: ${current.metadata.uid}`);
    }
    const object = clone(input);
    object.apiVersion = apiVersionOf(type);
    object.kind = type.kind;
    // Fields the server owns are kept from the stored object, whatever the client sent.
    object.metadata = {
      ...object.metadata,
      uid: current.metadata.uid,
      creationTimestamp: current.metadata.creationTimestamp,
      resourceVersion: current.metadata.resourceVersion,
    };
    if (current.metadata.generation !== undefined) object.metadata.generation = current.metadata.generation;
    this.validate(type, object);
    if (current.immutable === true && (canonicalJson(current.data) !== canonicalJson(object.data) || object.immutable !== true)) {
      throw invalid(type.kind, type.group, name, [{ field: 'data', reason: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set' }]);
    }
    if (canonicalJson(object) === canonicalJson(current)) return clone(current);
    if (object.metadata.generation !== undefined && canonicalJson(object.spec) !== canonicalJson(current.spec)) {
      object.metadata.generation += 1;
    }
    return this.commit(resource, 'MODIFIED', key, object, current);
  }

  delete(resource: string, namespace: string | undefined, name: string, preconditions: Preconditions = {}): KubeObject {
    const type = this.type(resource);
    const key = objectKey(namespace, name);
    const current = this.bucket(resource).get(key);
    if (!current) throw notFound(this.subject(type, name));
    if (preconditions.resourceVersion !== undefined && preconditions.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(
        this.subject(type, name),
        `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
      );
    }
    if (preconditions.uid !== undefined && preconditions.uid !== current.metadata.uid) {
      throw conflict(this.subject(type, name), `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${current.metadata.uid}`);
    }
    return this.commit(resource, 'DELETED', key, clone(current), current);
  }

  /**
   * Changes since `resourceVersion` for one type, oldest first; undefined when that point is older
   * than the kept history (the caller answers 410 Expired).
   */
  eventsSince(resource: string, resourceVersion: number): StoredEvent[] | undefined {
    if (resourceVersion < this.compactedRevision) return undefined;
    return this.history.filter((e) => e.resource === resource && e.resourceVersion > resourceVersion);
  }

  /** Forgets all history (as an etcd compaction does): watches from any earlier version get 410. */
  compact(): void {
    this.history.length = 0;
    this.compactedRevision = this.revision;
  }

  subject(type: KubeResourceType, name: string): StatusSubject {
    return { name, group: type.group, resource: type.resource };
  }

  private validate(type: KubeResourceType, object: KubeObject): void {
    const problems = [...validateName(object), ...(type.validate?.(object) ?? [])];
    if (problems.length > 0) {
      throw invalid(
        type.kind,
        type.group,
        object.metadata.name ?? '',
        problems.map((p) => ({ reason: p.reason ?? 'FieldValueInvalid', message: p.message, field: p.field })),
      );
    }
  }

  private bucket(resource: string): Map<string, KubeObject> {
    const bucket = this.objects.get(resource);
    if (!bucket) throw new Error(`fake API server: unknown resource type ${resource}`);
    return bucket;
  }

  private commit(resource: string, type: StoredEvent['type'], key: string, object: KubeObject, previous: KubeObject | undefined): KubeObject {
    this.revision += 1;
    object.metadata.resourceVersion = String(this.revision);
    if (type === 'DELETED') this.bucket(resource).delete(key);
    else this.bucket(resource).set(key, object);
    const event: StoredEvent = { resourceVersion: this.revision, type, resource, object: clone(object), previous: previous && clone(previous) };
    this.history.push(event);
    while (this.history.length > this.historyLimit) {
      const dropped = this.history.shift() as StoredEvent;
      this.compactedRevision = dropped.resourceVersion;
    }
    for (const listener of [...this.listeners]) listener(event);
    return clone(object);
  }
}
