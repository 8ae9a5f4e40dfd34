// A local Kubernetes API server for tests: real paths, status codes, Status objects,
// resourceVersion and watch semantics for the resources Wirehook uses, so the real
// @kubernetes/client-node talks to it exactly as it would to a cluster. Objects live in memory.
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import { ObjectStore } from './kube-api/object-store';
import { applyPatch, patchTypeOf, TestFailed } from './kube-api/patch';
import { apiVersionOf, DEFAULT_RESOURCE_TYPES } from './kube-api/resources';
import { parseFieldSelector, parseLabelSelector } from './kube-api/selectors';
import {
  badRequest,
  expired,
  invalid,
  KubeStatusError,
  methodNotAllowed,
  notFound,
  pathNotFound,
  success,
  type KubeStatus,
} from './kube-api/status';
import type { KubeObject, KubeResourceType } from './kube-api/types';
import { WatchStream } from './kube-api/watch-stream';

export type { KubeObject, KubeObjectMeta, KubeResourceType, FieldProblem, WatchEventType } from './kube-api/types';
export type { KubeStatus, StatusCause } from './kube-api/status';
export {
  DEFAULT_RESOURCE_TYPES,
  CONFIGMAPS,
  PODS,
  SERVICES,
  NAMESPACES,
  NODES,
  ENDPOINT_SLICES,
  NETWORK_POLICIES,
  MAX_CONFIGMAP_BYTES,
} from './kube-api/resources';

export interface KubeApiServerOptions {
  /** Resource types to serve; default DEFAULT_RESOURCE_TYPES (configmaps, pods, services, namespaces, nodes, endpointslices, networkpolicies). */
  resourceTypes?: readonly KubeResourceType[];
  /** Changes kept for watches to resume from; older resourceVersions get 410 Expired. Default 1000. */
  historyLimit?: number;
}

/** One request as the server received it, for assertions on what the client sent. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string;
}

export interface KubeApiServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /** The cluster-wide resourceVersion of the latest change. */
  readonly resourceVersion: number;
  readonly requests: readonly RecordedRequest[];

  /** The stored object (a copy), or undefined. `namespace` is ignored for cluster-scoped types. */
  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined;
  list(resource: string, namespace?: string): KubeObject[];
  /** Creates the object, or replaces it whatever its resourceVersion (like `kubectl apply`/`replace`). */
  apply(resource: string, object: KubeObject): KubeObject;
  /** Changes a stored object in place, as `kubectl edit` does; throws when it does not exist. */
  edit(resource: string, namespace: string | undefined, name: string, change: (object: KubeObject) => void): KubeObject;
  /** Deletes a stored object, as `kubectl delete` does; throws when it does not exist. */
  remove(resource: string, namespace: string | undefined, name: string): KubeObject;

  /** Forgets the change history (an etcd compaction): a watch from any earlier resourceVersion gets 410 Expired. */
  expireHistory(): void;
  /**
   * Closes every open watch (server side), gracefully (end of the chunked body, as on a watch
   * timeout) or, with `abrupt`, by cutting the connection. Returns how many were closed. The watches
   * are detached at once, so changes made in the same synchronous block are not sent to them.
   */
  dropWatches(options?: { abrupt?: boolean }): number;
  /** Sends a BOOKMARK at the current resourceVersion to every watch that allowed bookmarks; returns how many. */
  sendBookmarks(): number;
  /** Watches open now (of one resource type, or all). */
  openWatches(resource?: string): number;
  /** Resolves once at least `count` watches of the type are open. */
  waitForWatches(resource: string, count?: number): Promise<void>;

  close(): Promise<void>;
}

interface Route {
  type: KubeResourceType;
  namespace?: string;
  name?: string;
}

class FakeKubeApi {
  readonly store: ObjectStore;
  readonly requests: RecordedRequest[] = [];
  readonly watches = new Set<WatchStream>();
  readonly watchEvents = new EventEmitter();
  private readonly types: ReadonlyMap<string, KubeResourceType>;

  constructor(options: KubeApiServerOptions) {
    const list = options.resourceTypes ?? DEFAULT_RESOURCE_TYPES;
    const types = new Map<string, KubeResourceType>();
    for (const type of list) {
      if (types.has(type.resource)) throw new Error(`fake API server: resource type ${type.resource} given twice`);
      types.set(type.resource, type);
    }
    this.types = types;
    this.store = new ObjectStore(types, options.historyLimit ?? 1000);
    this.store.subscribe((event) => {
      for (const watch of this.watches) watch.deliver(event);
    });
    this.watchEvents.setMaxListeners(0);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams.entries());
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname, query, contentType: String(req.headers['content-type'] ?? '') });
    try {
      const body = await readBody(req);
      if (query.dryRun !== undefined) throw badRequest('fake API server: dryRun is not supported');
      const discovery = this.discovery(url.pathname);
      if (discovery !== undefined) {
        if (method !== 'GET') throw methodNotAllowed(method);
        return sendJson(res, 200, discovery);
      }
      const route = this.route(url.pathname);
      if (route.name === undefined) return this.collection(method, route, url.searchParams, body, res);
      return this.item(method, route as Route & { name: string }, String(req.headers['content-type'] ?? ''), body, res);
    } catch (error) {
      if (error instanceof KubeStatusError) return sendJson(res, error.status.code, error.status);
      const status: KubeStatus = {
        kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
        message: `fake API server: ${(error as Error).message}`, reason: 'InternalError', code: 500,
      };
      return sendJson(res, 500, status);
    }
  }

  /** `/api/v1/namespaces/ns/configmaps/name` and the like → resource type, namespace, name. */
  private route(pathname: string): Route {
    const segments = pathname.split('/').filter((s) => s.length > 0).map(decodeURIComponent);
    let group: string;
    let version: string;
    let rest: string[];
    if (segments[0] === 'api' && segments.length >= 2) {
      [group, version, rest] = ['', segments[1], segments.slice(2)];
    } else if (segments[0] === 'apis' && segments.length >= 3) {
      [group, version, rest] = [segments[1], segments[2], segments.slice(3)];
    } else {
      throw pathNotFound(pathname);
    }
    const typeNamed = (resource: string | undefined): KubeResourceType => {
      const type = resource === undefined ? undefined : this.types.get(resource);
      if (!type || type.group !== group || type.version !== version) throw pathNotFound(pathname);
      return type;
    };
    // namespaces/<ns>/<resource>[/<name>] addresses a namespaced resource; anything else is <resource>[/<name>].
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      if (rest.length > 4) throw pathNotFound(pathname);
      const type = typeNamed(rest[2]);
      if (!type.namespaced) throw pathNotFound(pathname);
      return { type, namespace: rest[1], name: rest[3] };
    }
    if (rest.length === 0 || rest.length > 2) throw pathNotFound(pathname);
    const type = typeNamed(rest[0]);
    if (rest.length === 2 && type.namespaced) throw pathNotFound(pathname);
    return { type, name: rest[1] };
  }

  private collection(method: string, route: Route, params: URLSearchParams, body: unknown, res: ServerResponse): void {
    const { type, namespace } = route;
    if (method === 'GET') {
      const watch = params.get('watch');
      if (watch === 'true' || watch === '1') return this.watch(route, params, res);
      return sendJson(res, 200, this.listResponse(type, namespace, params));
    }
    if (method === 'POST') {
      if (type.namespaced && namespace === undefined) throw methodNotAllowed(method);
      const object = requireObject(body);
      const metadata = object.metadata ?? {};
      if (type.namespaced) {
        if (metadata.namespace !== undefined && metadata.namespace !== '' && metadata.namespace !== namespace) {
          throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
        }
        metadata.namespace = namespace;
      } else {
        delete metadata.namespace;
      }
      checkKind(type, object);
      return sendJson(res, 201, this.store.create(type.resource, { ...object, metadata }));
    }
    throw methodNotAllowed(method);
  }

  private item(method: string, route: Route & { name: string }, contentType: string, body: unknown, res: ServerResponse): void {
    const { type, namespace, name } = route;
    switch (method) {
      case 'GET': {
        const object = this.store.get(type.resource, namespace, name);
        if (!object) throw notFound(this.store.subject(type, name));
        return sendJson(res, 200, object);
      }
      case 'PUT': {
        const object = requireObject(body);
        checkKind(type, object);
        const metadata = { ...(object.metadata ?? {}) };
        if (metadata.name !== undefined && metadata.name !== name) {
          throw badRequest(`the name of the object (${metadata.name}) does not match the name on the URL (${name})`);
        }
        if (type.namespaced && metadata.namespace !== undefined && metadata.namespace !== '' && metadata.namespace !== namespace) {
          throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
        }
        metadata.name = name;
        if (type.namespaced) metadata.namespace = namespace;
        return sendJson(res, 200, this.store.replace(type.resource, { ...object, metadata }));
      }
      case 'PATCH': {
        const patchType = patchTypeOf(contentType);
        const current = this.store.get(type.resource, namespace, name);
        if (!current) throw notFound(this.store.subject(type, name));
        let patched: KubeObject;
        try {
          patched = applyPatch(patchType, current, body) as unknown as KubeObject;
        } catch (error) {
          if (error instanceof TestFailed) {
            throw invalid(type.kind, type.group, name, [{ reason: 'FieldValueInvalid', field: error.path, message: error.message }]);
          }
          throw error;
        }
        if (typeof patched !== 'object' || patched === null || typeof patched.metadata !== 'object' || patched.metadata === null) {
          throw badRequest('the patch removed metadata');
        }
        if (patched.metadata.name !== name || (type.namespaced && patched.metadata.namespace !== namespace)) {
          throw badRequest('metadata.name and metadata.namespace cannot be changed by a patch');
        }
        return sendJson(res, 200, this.store.replace(type.resource, patched));
      }
      case 'DELETE': {
        const options = (body ?? {}) as { preconditions?: { resourceVersion?: string; uid?: string } };
        const deleted = this.store.delete(type.resource, namespace, name, options.preconditions ?? {});
        return sendJson(res, 200, type.returnDeletedObject ? deleted : success({ ...this.store.subject(type, name), uid: deleted.metadata.uid }));
      }
      default:
        throw methodNotAllowed(method);
    }
  }

  private listResponse(type: KubeResourceType, namespace: string | undefined, params: URLSearchParams): unknown {
    const labels = parseLabelSelector(params.get('labelSelector'));
    const fields = parseFieldSelector(params.get('fieldSelector'));
    let resourceVersion = this.store.currentRevision;
    let after = '';
    const token = params.get('continue');
    if (token) {
      const decoded = decodeContinue(token);
      if (decoded.resourceVersion < this.store.oldestWatchableRevision) {
        throw expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
      }
      resourceVersion = decoded.resourceVersion;
      after = decoded.after;
    }
    const all = this.store
      .list(type.resource, namespace)
      .filter((o) => labels(o) && fields(o))
      .filter((o) => after === '' || itemKey(o) > after);
    const limit = Number(params.get('limit') ?? '0');
    const page = limit > 0 ? all.slice(0, limit) : all;
    const metadata: Record<string, unknown> = { resourceVersion: String(resourceVersion) };
    if (page.length < all.length) {
      metadata.continue = encodeContinue(resourceVersion, itemKey(page[page.length - 1]));
      metadata.remainingItemCount = all.length - page.length;
    }
    // Items of a list carry no apiVersion/kind, as with a real server.
    const items = page.map(({ apiVersion: _apiVersion, kind: _kind, ...rest }) => rest);
    return { kind: `${type.kind}List`, apiVersion: apiVersionOf(type), metadata, items };
  }

  private watch(route: Route, params: URLSearchParams, res: ServerResponse): void {
    const { type, namespace } = route;
    const filter = { namespace, labels: parseLabelSelector(params.get('labelSelector')), fields: parseFieldSelector(params.get('fieldSelector')) };
    const rvText = params.get('resourceVersion') ?? '';
    const fromVersion = rvText === '' || rvText === '0' ? undefined : Number(rvText);
    if (fromVersion !== undefined && !(Number.isInteger(fromVersion) && fromVersion >= 0)) {
      throw badRequest(`resourceVersion: Invalid value: "${rvText}": must be an unsigned integer`);
    }
    const allowBookmarks = params.get('allowWatchBookmarks') === 'true';
    const sendInitialEvents = params.get('sendInitialEvents') === 'true';
    if (sendInitialEvents && !allowBookmarks) throw badRequest('sendInitialEvents requires allowWatchBookmarks=true');

    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
    res.flushHeaders();
    const stream = new WatchStream(type, res, filter, allowBookmarks);

    if (fromVersion !== undefined && !sendInitialEvents) {
      const events = this.store.eventsSince(type.resource, fromVersion);
      if (!events) {
        // What the watch cache does: the request is accepted, then fails with an ERROR event.
        stream.fail(expired(`too old resource version: ${fromVersion} (${this.store.oldestWatchableRevision})`).status);
        return;
      }
      for (const event of events) stream.deliver(event);
    } else {
      // No resourceVersion (or sendInitialEvents): the current state as ADDED events, then changes.
      for (const object of this.store.list(type.resource, namespace)) {
        if (stream.matches(object)) stream.send('ADDED', object);
      }
      if (sendInitialEvents) stream.bookmark(this.store.currentRevision, { 'k8s.io/initial-events-end': 'true' });
    }
    // Registered in the same tick as the replay, so no change can fall between the two.
    this.watches.add(stream);
    this.watchEvents.emit('opened', type.resource);

    const timeoutSeconds = Number(params.get('timeoutSeconds') ?? '0');
    const timer = timeoutSeconds > 0 ? setTimeout(() => stream.end(), timeoutSeconds * 1000) : undefined;
    timer?.unref();
    const forget = (): void => {
      clearTimeout(timer);
      this.watches.delete(stream);
    };
    // The response's 'close' (not the request's, which fires once the body is read) marks a gone client.
    res.on('close', forget);
  }

  /** Discovery documents (/api, /apis, /api/v1, /apis/<group>/<version>, /version), else undefined. */
  private discovery(pathname: string): unknown {
    const path = pathname.replace(/\/+$/, '');
    const types = [...this.types.values()];
    if (path === '/version') {
      return { major: '1', minor: '30', gitVersion: 'v1.30.0-wirehook-test', platform: `${process.platform}/${process.arch}` };
    }
    if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
    if (path === '/apis') {
      const groups = new Map<string, Set<string>>();
      for (const t of types.filter((t) => t.group !== '')) groups.set(t.group, (groups.get(t.group) ?? new Set()).add(t.version));
      return {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: [...groups].map(([name, versions]) => {
          const list = [...versions].map((version) => ({ groupVersion: `${name}/${version}`, version }));
          return { name, versions: list, preferredVersion: list[0] };
        }),
      };
    }
    const m = /^\/(?:api\/([^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(path);
    if (!m) return undefined;
    const [group, version] = m[1] !== undefined ? ['', m[1]] : [m[2], m[3]];
    const served = types.filter((t) => t.group === group && t.version === version);
    if (served.length === 0) return undefined;
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: group === '' ? version : `${group}/${version}`,
      resources: served.map((t) => ({
        name: t.resource,
        singularName: t.kind.toLowerCase(),
        namespaced: t.namespaced,
        kind: t.kind,
        verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
        ...(t.shortNames ? { shortNames: t.shortNames } : {}),
      })),
    };
  }
}

function itemKey(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name ?? ''}`;
}

function encodeContinue(resourceVersion: number, after: string): string {
  return Buffer.from(JSON.stringify({ rv: resourceVersion, start: after })).toString('base64url');
}

function decodeContinue(token: string): { resourceVersion: number; after: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { rv?: unknown; start?: unknown };
    if (typeof parsed.rv === 'number' && typeof parsed.start === 'string') return { resourceVersion: parsed.rv, after: parsed.start };
  } catch {
    // falls through to the 400 below
  }
  throw badRequest(`continue key is not valid: ${token}`);
}

function checkKind(type: KubeResourceType, object: KubeObject): void {
  if (object.kind !== undefined && object.kind !== type.kind) {
    throw badRequest(`the kind in the data (${String(object.kind)}) does not match the expected kind (${type.kind})`);
  }
  if (object.apiVersion !== undefined && object.apiVersion !== apiVersionOf(type)) {
    throw badRequest(`the API version in the data (${String(object.apiVersion)}) does not match the expected API version (${apiVersionOf(type)})`);
  }
}

function requireObject(body: unknown): KubeObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the request body is not a JSON object');
  const object = body as KubeObject;
  if (object.metadata !== undefined && (typeof object.metadata !== 'object' || object.metadata === null)) {
    throw badRequest('metadata must be an object');
  }
  return { ...object, metadata: { ...(object.metadata ?? {}) } };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw badRequest(`the request body is not valid JSON: ${(error as Error).message}`);
  }
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Starts a fake API server on a free loopback port. */
export async function startKubeApiServer(options: KubeApiServerOptions = {}): Promise<KubeApiServer> {
  const api = new FakeKubeApi(options);
  const server: Server = createServer((req, res) => void api.handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const need = (resource: string, namespace: string | undefined, name: string): KubeObject => {
    const object = api.store.get(resource, scoped(resource, namespace), name);
    if (!object) throw new Error(`fake API server: ${resource} ${namespace ? `${namespace}/` : ''}${name} does not exist`);
    return object;
  };
  const scoped = (resource: string, namespace: string | undefined): string | undefined =>
    api.store.type(resource).namespaced ? namespace : undefined;
  const openWatches = (resource?: string): number =>
    [...api.watches].filter((w) => w.isOpen && (resource === undefined || w.type.resource === resource)).length;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get resourceVersion() {
      return api.store.currentRevision;
    },
    requests: api.requests,
    get: (resource, namespace, name) => api.store.get(resource, scoped(resource, namespace), name),
    list: (resource, namespace) => api.store.list(resource, namespace),
    apply(resource, object) {
      const existing = api.store.get(resource, scoped(resource, object.metadata.namespace), object.metadata.name ?? '');
      if (!existing) return api.store.create(resource, object);
      return api.store.replace(resource, { ...object, metadata: { ...object.metadata, resourceVersion: undefined } });
    },
    edit(resource, namespace, name, change) {
      const object = need(resource, namespace, name);
      change(object);
      return api.store.replace(resource, { ...object, metadata: { ...object.metadata, resourceVersion: undefined } });
    },
    remove(resource, namespace, name) {
      need(resource, namespace, name);
      return api.store.delete(resource, scoped(resource, namespace), name);
    },
    expireHistory: () => api.store.compact(),
    dropWatches(dropOptions = {}) {
      const open = [...api.watches];
      api.watches.clear();
      for (const watch of open) {
        if (dropOptions.abrupt) watch.destroy();
        else watch.end();
      }
      return open.length;
    },
    sendBookmarks() {
      let sent = 0;
      for (const watch of api.watches) {
        if (!watch.isOpen || !watch.allowBookmarks) continue;
        watch.bookmark(api.store.currentRevision);
        sent++;
      }
      return sent;
    },
    openWatches,
    waitForWatches(resource, count = 1) {
      return new Promise<void>((resolve) => {
        const check = (): void => {
          if (openWatches(resource) < count) return;
          api.watchEvents.off('opened', check);
          resolve();
        };
        api.watchEvents.on('opened', check);
        check();
      });
    },
    async close() {
      for (const watch of api.watches) watch.destroy();
      api.watches.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** A KubeConfig whose current context points at the fake server (plain HTTP, a dummy token). */
export function makeKubeConfig(server: { url: string }, options: { namespace?: string } = {}): KubeConfig {
  // Loaded on first use: the client takes ~0.5 s to load, and most tests that import
  // @wirehook/testing never talk to Kubernetes.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const client = require('@kubernetes/client-node') as typeof import('@kubernetes/client-node');
  const kubeConfig = new client.KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'wirehook-test', server: server.url, skipTLSVerify: true }],
    users: [{ name: 'wirehook-test', token: 'wirehook-test-token' }],
    contexts: [{ name: 'wirehook-test', cluster: 'wirehook-test', user: 'wirehook-test', namespace: options.namespace }],
    currentContext: 'wirehook-test',
  });
  return kubeConfig;
}
