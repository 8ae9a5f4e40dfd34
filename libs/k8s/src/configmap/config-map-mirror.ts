import { EventEmitter } from 'node:events';
import { CoreV1Api, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import type { K8sLogger } from '../logger';
import type { MirroredAgent, MirroredAgentStore } from '../mirrored-agent-store';
import { describeKubeError, isConflict, isNotFound } from '../kube/kube-errors';
import { ListWatch } from '../kube/list-watch';
import { CONFIG_MAP_LABELS, DEFAULT_CONFIG_MAP_NAME } from './configmap-format';
import { planImport, type AgentImport, type Refusal } from './import-plan';
import { mirrorData, sameData } from './mirror-data';

export interface ConfigMapMirrorOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  /** Default `wirehook-config-map`. */
  name?: string;
  store: MirroredAgentStore;
  logger: K8sLogger;
  /**
   * Checks a source edited or added in the ConfigMap before it is imported: returns why it is
   * refused (e.g. the ES5 check's "x.js:3:5: arrow functions are not ES5"), or undefined. Default: accept.
   */
  checkSource?: (source: string, key: string) => string | undefined;
  /** Largest delay between retries after a failed reconcile. Default 60 s (first retry after 1 s). */
  maxRetryDelayMs?: number;
  /** Asks the API server to end each watch after this long (it is resumed). Default 300. */
  watchTimeoutSeconds?: number;
}

export interface MirrorImportedEvent {
  key: string;
  change: 'created' | 'updated' | 'renamed' | 'reactivated' | 'deactivated';
  agentId: string;
  title: string;
  revision: number;
}

export interface MirrorExportedEvent {
  /** resourceVersion of the ConfigMap as written. */
  resourceVersion: string;
  created: boolean;
  /** Agent keys written. */
  keys: string[];
}

export interface MirrorReconciledEvent {
  /** What asked for it: `start`, `sync`, `watch MODIFIED`, `retry`... */
  trigger: string;
  /** resourceVersion of the ConfigMap afterwards. */
  resourceVersion: string;
  wrote: boolean;
}

export interface MirrorEvents {
  imported: [MirrorImportedEvent];
  exported: [MirrorExportedEvent];
  refused: [Refusal];
  reconciled: [MirrorReconciledEvent];
  failed: [{ trigger: string; error: Error }];
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/** Errors that mean "someone wrote in between": read everything again and retry at once. */
const RACE_ERRORS = new Set(['RevisionConflictError', 'DuplicateTitleError', 'NotFoundError']);
const RACE_ATTEMPTS = 4;
const REMEMBERED_VERSIONS = 32;

/**
 * Keeps the agents ConfigMap equal to the store's active agents, and imports edits made to it
 * outside Wirehook as new revisions (author `configmap:<name>`). Format and rules: libs/k8s/README.md.
 *
 * Every change goes through one reconcile at a time: read the ConfigMap and the store, import what
 * the ConfigMap changed (import-plan.ts), then write the ConfigMap only if its data differs from
 * what the store gives, with the read resourceVersion as precondition. A reconcile that writes
 * nothing causes no watch event, so an import never loops back; the resourceVersions a reconcile
 * read or wrote are remembered so their own watch events do not even trigger a read.
 */
export class ConfigMapMirror extends EventEmitter<MirrorEvents> {
  readonly namespace: string;
  readonly name: string;
  private readonly core: CoreV1Api;
  private readonly watcher: ListWatch<V1ConfigMap>;
  private readonly author: string;
  private readonly where: string;
  private readonly handledVersions: string[] = [];
  private readonly reportedIndexProblems = new Set<string>();
  private pending = { forced: false, versions: new Set<string>(), triggers: new Set<string>(), waiters: [] as Waiter[] };
  private running?: Promise<void>;
  private failures = 0;
  private retryTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly options: ConfigMapMirrorOptions) {
    super();
    this.namespace = options.namespace;
    this.name = options.name ?? DEFAULT_CONFIG_MAP_NAME;
    this.author = `configmap:${this.name}`;
    this.where = `ConfigMap ${this.namespace}/${this.name}`;
    this.core = options.kubeConfig.makeApiClient(CoreV1Api);
    const fieldSelector = `metadata.name=${this.name}`;
    this.watcher = new ListWatch<V1ConfigMap>({
      kubeConfig: options.kubeConfig,
      path: `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/configmaps`,
      fieldSelector,
      list: async () => {
        const { body } = await this.core.listNamespacedConfigMap(this.namespace, undefined, undefined, undefined, fieldSelector);
        return { items: body.items, resourceVersion: body.metadata?.resourceVersion ?? '' };
      },
      onList: (items) => {
        const version = items[0]?.metadata?.resourceVersion;
        // Absent after a relist: it was deleted while the watch was down.
        if (version === undefined) this.request('relist (absent)', { forced: true });
        else this.request('relist', { version });
      },
      onEvent: (type, configMap) => {
        if (type === 'DELETED') this.request('watch DELETED', { forced: true });
        else this.request(`watch ${type}`, { version: configMap.metadata?.resourceVersion });
      },
      logger: options.logger,
      description: this.where,
      timeoutSeconds: options.watchTimeoutSeconds,
    });
  }

  /**
   * Writes the ConfigMap from the store (importing what it holds that Wirehook did not write), then
   * watches it. A failure is logged and retried in the background; start() does not throw for it.
   */
  async start(): Promise<void> {
    this.stopped = false;
    await this.sync().catch(() => undefined); // logged and retried by the reconcile loop
    await this.watcher.start().catch(() => undefined); // logged and retried by the watch loop
  }

  /**
   * Brings the ConfigMap in line with the store: call it after every change of an agent. Resolves
   * when a reconcile that began after the call has finished; rejects with its error (which is also
   * logged, and retried in the background).
   */
  sync(): Promise<void> {
    return new Promise<void>((resolve, reject) => this.request('sync', { forced: true, waiter: { resolve, reject } }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.watcher.stop();
    await this.running;
  }

  private request(trigger: string, how: { forced?: boolean; version?: string; waiter?: Waiter }): void {
    if (this.stopped) {
      how.waiter?.reject(new Error(`${this.where}: the mirror is stopped`));
      return;
    }
    this.pending.triggers.add(trigger);
    if (how.forced) this.pending.forced = true;
    if (how.version !== undefined) this.pending.versions.add(how.version);
    if (how.waiter) this.pending.waiters.push(how.waiter);
    this.kick();
  }

  private hasPendingWork(): boolean {
    return this.pending.forced || this.pending.versions.size > 0 || this.pending.waiters.length > 0;
  }

  /** Runs drain() unless it runs already; whatever arrives while it finishes starts it again. */
  private kick(): void {
    if (this.running) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.stopped) {
        for (const waiter of this.pending.waiters.splice(0)) waiter.reject(new Error(`${this.where}: the mirror is stopped`));
      } else if (this.hasPendingWork()) {
        this.kick();
      }
    });
  }

  private async drain(): Promise<void> {
    while (!this.stopped && this.hasPendingWork()) {
      const batch = this.pending;
      this.pending = { forced: false, versions: new Set(), triggers: new Set(), waiters: [] };
      const trigger = [...batch.triggers].join(', ');
      const needed = batch.forced || [...batch.versions].some((v) => !this.handledVersions.includes(v));
      if (!needed) {
        for (const waiter of batch.waiters) waiter.resolve();
        continue;
      }
      try {
        await this.reconcileWithRetries(trigger);
        this.failures = 0;
        for (const waiter of batch.waiters) waiter.resolve();
      } catch (error) {
        // Not `instanceof Error`: errors made by Node's own modules fail that check inside Jest's sandbox.
        const failure = typeof error === 'object' && error !== null && 'message' in error ? (error as Error) : new Error(String(error));
        this.options.logger.error(`${this.where}: mirroring agents failed (${trigger}): ${describeFailure(failure)}`);
        this.emit('failed', { trigger, error: failure });
        for (const waiter of batch.waiters) waiter.reject(failure);
        this.scheduleRetry();
      }
    }
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    this.failures += 1;
    const delay = Math.min(1000 * 2 ** (this.failures - 1), this.options.maxRetryDelayMs ?? 60_000);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.request('retry', { forced: true }), delay);
  }

  private async reconcileWithRetries(trigger: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.reconcile(trigger);
      } catch (error) {
        const race = isConflict(error) || RACE_ERRORS.has((error as Error)?.name);
        if (!race || attempt >= RACE_ATTEMPTS) throw error;
        this.options.logger.info(`${this.where}: written by someone else meanwhile (${describeFailure(error)}); reading again`);
      }
    }
  }

  private async reconcile(trigger: string): Promise<void> {
    const configMap = await this.read();
    const agents = await this.options.store.list();
    const plan = planImport({ agents, data: configMap ? (configMap.data ?? {}) : undefined, checkSource: this.options.checkSource ?? (() => undefined) });
    if (plan.indexProblem !== undefined && !this.reportedIndexProblems.has(plan.indexProblem)) {
      this.reportedIndexProblems.add(plan.indexProblem);
      this.options.logger.warn(`${this.where}: ${plan.indexProblem}; every agent key is treated as new`);
    }
    for (const refusal of plan.refusals) this.refuse(refusal);
    const keptKeys = new Map(plan.keptKeys);
    let imported = 0;
    for (const action of plan.imports) {
      let agent: MirroredAgent;
      try {
        agent = await this.importOne(action);
      } catch (error) {
        // The store refuses the value itself (a title too long...): refuse this key, go on with the others.
        if ((error as Error)?.name !== 'InvalidInputError') throw error;
        const title = action.kind === 'create' ? action.title : action.agent.title;
        this.refuse({
          key: action.key, reason: 'invalid', title, agentId: action.kind === 'create' ? undefined : action.agent.id,
          configMapSource: action.kind === 'deactivate' ? undefined : action.source,
          message: `key "${action.key}" (agent "${title}") not imported: ${(error as Error).message}`,
        });
        continue;
      }
      imported += 1;
      if (action.kind === 'create') keptKeys.set(agent.id, action.key);
      const change = IMPORT_CHANGE[action.kind];
      this.options.logger.info(`${this.where}: key "${action.key}" ${change} agent "${agent.title}" (revision ${agent.revision})`);
      this.emit('imported', { key: action.key, change, agentId: agent.id, title: agent.title, revision: agent.revision });
    }

    const current = imported > 0 ? await this.options.store.list() : agents;
    const data = mirrorData(current, keptKeys, configMap?.data ?? {});
    const readVersion = configMap?.metadata?.resourceVersion;
    if (readVersion !== undefined) this.remember(readVersion);
    if (configMap && sameData(configMap.data ?? {}, data)) {
      this.emit('reconciled', { trigger, resourceVersion: readVersion ?? '', wrote: false });
      return;
    }
    const written = await this.write(configMap, data);
    const version = written.metadata?.resourceVersion ?? '';
    this.remember(version);
    const keys = Object.keys(data).filter((k) => k.endsWith('.js')).sort();
    this.options.logger.info(`${this.where}: ${configMap ? 'updated' : 'created'} with ${keys.length} agent(s) (resourceVersion ${version})`);
    this.emit('exported', { resourceVersion: version, created: !configMap, keys });
    this.emit('reconciled', { trigger, resourceVersion: version, wrote: true });
  }

  private refuse(refusal: Refusal): void {
    this.options.logger.warn(`${this.where}: ${refusal.message}`);
    this.emit('refused', refusal);
  }

  private async importOne(action: AgentImport): Promise<MirroredAgent> {
    const store = this.options.store;
    const author = this.author;
    const at = `${this.where} key "${action.key}"`;
    switch (action.kind) {
      case 'create':
        return store.create({ title: action.title, source: action.source, author, message: `created from ${at}`, active: true });
      case 'update':
        return store.update(action.agent.id, { source: action.source }, { baseRevision: action.agent.revision, author, message: `edited in ${at}` });
      case 'rename':
        return store.update(action.agent.id, { source: action.source }, {
          baseRevision: action.agent.revision, author, message: `moved from key "${action.fromKey}" to ${at}`,
        });
      case 'reactivate':
        return store.update(action.agent.id, { source: action.source, active: true }, {
          baseRevision: action.agent.revision, author, message: `reactivated by ${at}`,
        });
      case 'deactivate':
        return store.update(action.agent.id, { active: false }, {
          baseRevision: action.agent.revision, author, message: `deactivated: ${at} was removed`,
        });
    }
  }

  private async read(): Promise<V1ConfigMap | undefined> {
    try {
      return (await this.core.readNamespacedConfigMap(this.name, this.namespace)).body;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Creates the ConfigMap, or replaces it on the resourceVersion it was read at (409 when someone wrote since). */
  private async write(current: V1ConfigMap | undefined, data: Record<string, string>): Promise<V1ConfigMap> {
    if (!current) {
      const created = await this.core.createNamespacedConfigMap(this.namespace, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: this.name, namespace: this.namespace, labels: { ...CONFIG_MAP_LABELS } },
        data,
      });
      return created.body;
    }
    const metadata = { ...current.metadata, labels: { ...(current.metadata?.labels ?? {}), ...CONFIG_MAP_LABELS } };
    const replaced = await this.core.replaceNamespacedConfigMap(this.name, this.namespace, { ...current, metadata, data });
    return replaced.body;
  }

  private remember(version: string): void {
    if (version === '' || this.handledVersions.includes(version)) return;
    this.handledVersions.push(version);
    if (this.handledVersions.length > REMEMBERED_VERSIONS) this.handledVersions.shift();
  }
}

const IMPORT_CHANGE: Record<AgentImport['kind'], MirrorImportedEvent['change']> = {
  create: 'created',
  update: 'updated',
  rename: 'renamed',
  reactivate: 'reactivated',
  deactivate: 'deactivated',
};

function describeFailure(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'statusCode' in error) return describeKubeError(error);
  if (error instanceof Error) return error.message;
  return describeKubeError(error);
}
