// One open watch: a chunked HTTP response that carries one JSON event per line, filtered by
// namespace and selectors the way the API server filters them (an object that stops matching
// a selector is sent as DELETED, one that starts matching as ADDED).
import type { ServerResponse } from 'node:http';
import type { ObjectPredicate } from './selectors';
import type { KubeStatus } from './status';
import type { KubeObject, KubeResourceType, StoredEvent } from './types';
import { apiVersionOf } from './resources';

export interface WatchFilter {
  namespace?: string;
  labels: ObjectPredicate;
  fields: ObjectPredicate;
}

export class WatchStream {
  private closed = false;

  constructor(
    readonly type: KubeResourceType,
    private readonly response: ServerResponse,
    private readonly filter: WatchFilter,
    readonly allowBookmarks: boolean,
  ) {}

  get isOpen(): boolean {
    return !this.closed && !this.response.destroyed;
  }

  matches(object: KubeObject | undefined): boolean {
    if (!object) return false;
    if (this.filter.namespace !== undefined && object.metadata.namespace !== this.filter.namespace) return false;
    return this.filter.labels(object) && this.filter.fields(object);
  }

  /** Sends what this watcher should see of a stored change, if anything. */
  deliver(event: StoredEvent): void {
    if (event.resource !== this.type.resource) return;
    const now = event.type === 'DELETED' ? false : this.matches(event.object);
    const before = event.type === 'ADDED' ? false : this.matches(event.type === 'DELETED' ? event.object : event.previous);
    if (now && before) this.send('MODIFIED', event.object);
    else if (now) this.send('ADDED', event.object);
    else if (before) this.send('DELETED', event.object);
  }

  send(type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK', object: KubeObject): void {
    this.write({ type, object });
  }

  bookmark(resourceVersion: number, annotations?: Record<string, string>): void {
    if (!this.allowBookmarks) return;
    const metadata: KubeObject['metadata'] = { resourceVersion: String(resourceVersion) };
    if (annotations) metadata.annotations = annotations;
    this.send('BOOKMARK', { kind: this.type.kind, apiVersion: apiVersionOf(this.type), metadata });
  }

  /** An ERROR event (how a watch reports 410 Expired), after which the server ends the watch. */
  fail(status: KubeStatus): void {
    this.write({ type: 'ERROR', object: status });
    this.end();
  }

  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.response.end();
  }

  /** Cuts the connection without ending the chunked body, as a crashed server or a broken network does. */
  destroy(): void {
    this.closed = true;
    this.response.destroy();
  }

  private write(event: unknown): void {
    if (!this.isOpen) return;
    this.response.write(`${JSON.stringify(event)}\n`);
  }
}
