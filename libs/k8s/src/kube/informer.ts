import type { KubeConfig } from '@kubernetes/client-node';
import type { K8sLogger } from '../logger';
import { ListWatch, type ObjectEventType } from './list-watch';
import { objectKey, type RawObject } from './raw-objects';
import type { WatchedResource } from './watched-resources';

/** What an Informer reports; each call sees the cache already updated. */
export interface InformerHandlers<T> {
  /** `initial`: found by the first list (it existed before Wirehook started), not created now. */
  added(object: T, initial: boolean): void;
  updated(previous: T, current: T): void;
  deleted(object: T): void;
}

export interface InformerOptions<T extends RawObject> {
  kubeConfig: KubeConfig;
  resource: WatchedResource<T>;
  /** Namespaces to watch, one list + watch each; empty = one cluster-wide list + watch. */
  namespaces: readonly string[];
  handlers: InformerHandlers<T>;
  logger: K8sLogger;
  /** Asks the server to end each watch after this long (then resumed). Default 300. */
  timeoutSeconds?: number;
  minRetryMs?: number;
  maxRetryMs?: number;
  /** Items per list page. Default 500. */
  pageSize?: number;
}

/**
 * A cache of one resource type kept equal to the cluster by list + watch (ListWatch), reporting
 * adds, updates and deletes. A relist (after a 410 Expired) is compared with the cache, so what
 * changed while the watch was down is reported like any other change: objects gone are deleted,
 * new ones added, changed ones updated.
 */
export class Informer<T extends RawObject> {
  private readonly scopes: { cache: Map<string, T>; listed: boolean; watch: ListWatch<T> }[];

  constructor(private readonly options: InformerOptions<T>) {
    const namespaces: (string | undefined)[] = options.namespaces.length > 0 ? [...new Set(options.namespaces)] : [undefined];
    this.scopes = namespaces.map((namespace) => {
      const scope = { cache: new Map<string, T>(), listed: false, watch: undefined as unknown as ListWatch<T> };
      const { resource } = options;
      const path = namespace === undefined ? `${resource.apiPrefix}/${resource.plural}` : `${resource.apiPrefix}/namespaces/${namespace}/${resource.plural}`;
      scope.watch = new ListWatch<T>({
        kubeConfig: options.kubeConfig,
        path,
        list: () => this.listAll(namespace),
        onList: (items) => this.onList(scope, items),
        onEvent: (type, object) => this.onEvent(scope, type, object),
        logger: options.logger,
        description: namespace === undefined ? `${resource.plural} in every namespace` : `${resource.plural} in namespace ${namespace}`,
        timeoutSeconds: options.timeoutSeconds,
        minRetryMs: options.minRetryMs,
        maxRetryMs: options.maxRetryMs,
      });
      return scope;
    });
  }

  /** Resolves once every namespace was listed once; rejects with the first list's error (retries go on until stop()). */
  async start(): Promise<void> {
    await Promise.all(this.scopes.map((scope) => scope.watch.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.scopes.map((scope) => scope.watch.stop()));
  }

  /** Every cached object. */
  list(): T[] {
    return this.scopes.flatMap((scope) => [...scope.cache.values()]);
  }

  private async listAll(namespace: string | undefined): Promise<{ items: T[]; resourceVersion: string }> {
    const items: T[] = [];
    let continueToken: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.options.resource.listPage(this.options.kubeConfig, namespace, continueToken, this.options.pageSize ?? 500);
      items.push(...(page.items ?? []));
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
      continueToken = page.metadata?.continue || undefined;
    } while (continueToken);
    return { items, resourceVersion };
  }

  private onList(scope: { cache: Map<string, T>; listed: boolean }, items: T[]): void {
    const initial = !scope.listed;
    scope.listed = true;
    const seen = new Set<string>();
    for (const item of items) {
      const key = objectKey(item);
      seen.add(key);
      const previous = scope.cache.get(key);
      scope.cache.set(key, item);
      if (!previous) this.report(item, (h) => h.added(item, initial));
      else if (previous.metadata?.resourceVersion !== item.metadata?.resourceVersion) this.report(item, (h) => h.updated(previous, item));
    }
    for (const [key, previous] of [...scope.cache]) {
      if (seen.has(key)) continue;
      scope.cache.delete(key);
      this.report(previous, (h) => h.deleted(previous));
    }
  }

  private onEvent(scope: { cache: Map<string, T> }, type: ObjectEventType, object: T): void {
    const key = objectKey(object);
    const previous = scope.cache.get(key);
    if (type === 'DELETED') {
      scope.cache.delete(key);
      this.report(object, (h) => h.deleted(object));
      return;
    }
    scope.cache.set(key, object);
    if (previous) this.report(object, (h) => h.updated(previous, object));
    else this.report(object, (h) => h.added(object, false));
  }

  /** One failing handler call is logged and does not keep the others (or the rest of a list) from running. */
  private report(object: T, call: (handlers: InformerHandlers<T>) => void): void {
    try {
      call(this.options.handlers);
    } catch (error) {
      this.options.logger.error(`handling a change of ${this.options.resource.plural} ${objectKey(object)} failed: ${(error as Error).message}`);
    }
  }
}
