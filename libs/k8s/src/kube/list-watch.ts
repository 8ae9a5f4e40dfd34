import { Watch, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { K8sLogger } from '../logger';
import { describeKubeError, httpStatusOf } from './kube-errors';

export type ObjectEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ListResult<T> {
  items: T[];
  /** The list's metadata.resourceVersion: where the watch starts. */
  resourceVersion: string;
}

export interface ListWatchOptions<T extends KubernetesObject> {
  kubeConfig: KubeConfig;
  /** API path of the collection, e.g. `/api/v1/namespaces/wirehook/configmaps`. */
  path: string;
  /** Lists the collection with the same selectors as the watch. */
  list(): Promise<ListResult<T>>;
  fieldSelector?: string;
  labelSelector?: string;
  /** After every (re)list, with the complete current set (what changed while not watching is in it). */
  onList(items: T[], resourceVersion: string): void | Promise<void>;
  /** Each change seen by the watch, in order; a handler's failure is logged and does not stop the watch. */
  onEvent(type: ObjectEventType, object: T): void | Promise<void>;
  logger: K8sLogger;
  /** Names the watched thing in log lines (`ConfigMap wirehook/wirehook-config-map`). */
  description: string;
  /** Asks the server to end each watch after this long (it is then resumed). Default 300. */
  timeoutSeconds?: number;
  /** First and largest delay between retries after a failure. Defaults 200 ms and 30 s. */
  minRetryMs?: number;
  maxRetryMs?: number;
}

type WatchOutcome = 'closed' | 'expired';

interface WatchRequest {
  abort(): void;
}

/** A watch ERROR event other than 410, or a malformed event. */
export class WatchFailedError extends Error {
  constructor(
    readonly description: string,
    readonly status: { code?: number; reason?: string; message?: string },
  ) {
    super(`watch of ${description} failed: ${status.code ?? '?'} ${status.reason ?? ''}: ${status.message ?? ''}`.trim());
    this.name = 'WatchFailedError';
  }
}

/**
 * List, then watch from the list's resourceVersion, for as long as it runs: resumes a watch the
 * server ended from the last resourceVersion seen (events and BOOKMARKs advance it), relists when
 * the server answers 410 Expired (history compacted), and retries with exponential backoff when
 * the server cannot be reached. What @kubernetes/client-node's informer does, minus its double
 * restart on ERROR events, plus bookmarks.
 */
export class ListWatch<T extends KubernetesObject> {
  private readonly watch: Watch;
  private resourceVersionSeen = '';
  private stopped = true;
  private running?: Promise<void>;
  private cancelWatch?: () => void;
  private cancelSleep?: () => void;
  private handlers: Promise<void> = Promise.resolve();
  private firstList?: { resolve(): void; reject(error: unknown): void };

  constructor(private readonly options: ListWatchOptions<T>) {
    this.watch = new Watch(options.kubeConfig);
  }

  /** The resourceVersion the watch resumes from ('' before the first list, and after a 410). */
  get resourceVersion(): string {
    return this.resourceVersionSeen;
  }

  /**
   * Starts listing and watching. Resolves after the first list was handled; rejects with the
   * first list's error (the loop keeps retrying in the background until stop()).
   */
  start(): Promise<void> {
    if (!this.stopped) return Promise.resolve();
    this.stopped = false;
    this.resourceVersionSeen = '';
    const listed = new Promise<void>((resolve, reject) => (this.firstList = { resolve, reject }));
    this.running = this.run();
    return listed;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.firstList?.resolve(); // a start() still waiting for its first list ends with the loop
    this.firstList = undefined;
    this.cancelWatch?.();
    this.cancelSleep?.();
    await this.running;
    await this.handlers;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        if (this.resourceVersionSeen === '') await this.relist();
        const started = Date.now();
        const before = this.resourceVersionSeen;
        const outcome = await this.watchOnce();
        if (outcome === 'expired') {
          this.options.logger.info(`watch of ${this.options.description}: resourceVersion ${before} expired (410), listing again`);
          this.resourceVersionSeen = '';
        } else if (Date.now() - started < 1000 && this.resourceVersionSeen === before) {
          // Closed at once with nothing delivered: do not hammer a server that keeps refusing.
          await this.sleep(this.options.minRetryMs ?? 200);
        }
        failures = 0;
      } catch (error) {
        if (this.stopped) break;
        failures += 1;
        const delay = Math.min((this.options.minRetryMs ?? 200) * 2 ** (failures - 1), this.options.maxRetryMs ?? 30_000);
        this.options.logger.warn(`watch of ${this.options.description} failed (${describeKubeError(error)}); retrying in ${delay} ms`);
        if (this.firstList) {
          this.firstList.reject(error);
          this.firstList = undefined;
        }
        await this.sleep(delay);
      }
    }
  }

  private async relist(): Promise<void> {
    const { items, resourceVersion } = await this.options.list();
    // Changes already queued are handled before the new complete state.
    await this.handlers;
    this.resourceVersionSeen = resourceVersion;
    await this.runHandler(() => this.options.onList(items, resourceVersion));
    this.firstList?.resolve();
    this.firstList = undefined;
  }

  private watchOnce(): Promise<WatchOutcome> {
    return new Promise<WatchOutcome>((resolve, reject) => {
      if (this.stopped) {
        resolve('closed');
        return;
      }
      let request: WatchRequest | undefined;
      let settled = false;
      const finish = (settle: () => void): void => {
        if (settled) return;
        settled = true;
        this.cancelWatch = undefined;
        request?.abort();
        // Events already received are handled before the caller relists or resumes.
        void this.handlers.then(settle);
      };
      this.cancelWatch = () => finish(() => resolve('closed'));

      const params: Record<string, string | number | boolean> = {
        resourceVersion: this.resourceVersionSeen,
        allowWatchBookmarks: true,
        timeoutSeconds: this.options.timeoutSeconds ?? 300,
      };
      if (this.options.fieldSelector) params.fieldSelector = this.options.fieldSelector;
      if (this.options.labelSelector) params.labelSelector = this.options.labelSelector;

      const onLine = (type: string, object: unknown): void => {
        if (settled) return;
        if (type === 'ERROR') {
          const status = (object ?? {}) as { code?: number; reason?: string; message?: string };
          if (status.code === 410) finish(() => resolve('expired'));
          else finish(() => reject(new WatchFailedError(this.options.description, status)));
          return;
        }
        const version = (object as KubernetesObject | undefined)?.metadata?.resourceVersion;
        if (version) this.resourceVersionSeen = version;
        if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') {
          void this.runHandler(() => this.options.onEvent(type, object as T));
        }
        // BOOKMARK: only its resourceVersion matters, taken above.
      };
      const onDone = (error: unknown): void => {
        if (error === null || error === undefined) finish(() => resolve('closed'));
        else if (httpStatusOf(error) === 410) finish(() => resolve('expired'));
        else finish(() => reject(error));
      };

      this.watch.watch(this.options.path, params, onLine, onDone).then(
        (started: WatchRequest) => {
          request = started;
          if (settled) started.abort();
        },
        (error: unknown) => finish(() => reject(error)),
      );
    });
  }

  /** Handlers run one at a time, in the order the events came. */
  private runHandler(handler: () => void | Promise<void>): Promise<void> {
    this.handlers = this.handlers.then(async () => {
      try {
        await handler();
      } catch (error) {
        this.options.logger.error(`handling a change of ${this.options.description} failed: ${(error as Error).message}`);
      }
    });
    return this.handlers;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.cancelSleep = done;
    });
  }
}
