// deploy/kustomize: every overlay renders (the renderer in support/kustomize.ts, checked against
// what `kubectl kustomize` produced), every object is valid against the Kubernetes schema, the
// configuration in it loads, and the RBAC grants exactly what Wirehook's code uses: the hub's and
// a worker's real API calls against the Kubernetes API test server, mapped to RBAC verbs.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@wirehook/config';
import { makeKubeConfig, pendingPod, repoRoot, startKubeApiServer, type KubeApiServer, type RecordedRequest } from '@wirehook/testing';
import { ClusterWatch, ConfigMapMirror, PodBlocker, readAgentsFromConfigMap, WorkloadIndex, type K8sLogger } from '../src';
import { schemaProblems } from './support/kube-schema';
import { idOf, kustomizeBuild, readDocs, type KubeDoc } from './support/kustomize';
import { MemoryAgentStore } from './support/memory-agent-store';

const OVERLAYS = ['bundled', 'external', 'bundled-block-pods'];
const render = (overlay: string) => kustomizeBuild(join(repoRoot(), 'deploy', 'kustomize', 'overlays', overlay));
const fixture = (overlay: string) => readDocs(join(__dirname, 'fixtures', 'kustomize', `${overlay}.yaml`));
const find = (docs: KubeDoc[], kind: string, name: string) => {
  const doc = docs.find((d) => d.kind === kind && d.metadata.name === name);
  if (!doc) throw new Error(`no ${kind} ${name}`);
  return doc as KubeDoc & { spec: any; data: any; rules: any; subjects: any; roleRef: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
};

describe.each(OVERLAYS)('overlay %s', (overlay) => {
  const docs = render(overlay);

  it('renders as kubectl kustomize does', () => {
    const expected = fixture(overlay);
    expect(docs.map(idOf)).toEqual(expected.map(idOf));
    expect(docs).toEqual(expected);
  });

  it('has only objects valid against the Kubernetes schema, all in one namespace', () => {
    expect(docs.flatMap(schemaProblems)).toEqual([]);
    const namespaced = docs.filter((d) => !['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(d.kind));
    expect(new Set(namespaced.map((d) => d.metadata.namespace))).toEqual(new Set(['wirehook']));
    expect(find(docs, 'Namespace', 'wirehook')).toBeDefined();
  });

  it('runs the worker on the host network with NET_RAW and NET_ADMIN only, named after its node', () => {
    const pod = find(docs, 'DaemonSet', 'wirehook-worker').spec.template.spec;
    expect(pod).toMatchObject({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet', serviceAccountName: 'wirehook-worker' });
    const [container] = pod.containers;
    expect(container.securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['NET_RAW', 'NET_ADMIN'] });
    expect(container.env).toContainEqual({ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
    expect(container.image).toBe('wirehook/worker:0.1.0');
  });

  it('runs one hub behind a Service, scripting.env from the Secret', () => {
    const deployment = find(docs, 'Deployment', 'wirehook-hub').spec;
    expect(deployment).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
    const [container] = deployment.template.spec.containers;
    expect(container.image).toBe('wirehook/hub:0.1.0');
    expect(container.envFrom).toEqual([{ prefix: 'WIREHOOK__SCRIPTING__ENV__', secretRef: { name: 'wirehook-scripting-env' } }]);
    expect(find(docs, 'Secret', 'wirehook-scripting-env').type).toBe('Opaque');
    expect(find(docs, 'Service', 'wirehook-hub').spec.ports).toEqual([{ name: 'http', port: 8898, targetPort: 'http', protocol: 'TCP' }]);
  });

  it('gives the hub and the worker a configuration that loads, with the URLs of NATS and PostgreSQL', () => {
    const file = find(docs, 'ConfigMap', 'wirehook-settings').data['wirehook.yaml'] as string;
    for (const [kind, name] of [['Deployment', 'wirehook-hub'], ['DaemonSet', 'wirehook-worker']]) {
      const [container] = find(docs, kind, name).spec.template.spec.containers;
      const env = containerEnv(container.env, { 'metadata.namespace': 'wirehook', 'spec.nodeName': 'node-a' }, docs);
      const { config } = loadConfig({ file: writeTemp(file), env: { ...env, WIREHOOK__SCRIPTING__ENV__SLACK_WEBHOOK_URL: 'x' } });
      expect(config).toMatchObject({ hub: { host: '0.0.0.0', port: 8898 }, kubernetes: { enabled: true, namespace: 'wirehook', configMap: 'wirehook-config-map' }, scripting: { env: { SLACK_WEBHOOK_URL: 'x' } } });
      expect(config.nats.url).toMatch(/^nats:\/\//);
      if (kind === 'Deployment') expect(config.database.url).toMatch(/^postgres:\/\/wirehook:[^$]+@/);
      else expect(config.node.name).toBe('node-a');
      expect(config.kubernetes.networkPolicy.enabled).toBe(overlay === 'bundled-block-pods' && kind === 'Deployment');
    }
  });
});

describe('the schema check', () => {
  it('finds a misspelt field, a wrong type and a missing required field', () => {
    const docs = render('bundled');
    const worker = structuredClone(find(docs, 'DaemonSet', 'wirehook-worker'));
    worker.spec.template.spec.hostNetwrok = true;
    worker.spec.template.spec.containers[0].ports = [{ containerPort: '8080' }];
    delete worker.spec.template.spec.containers[0].name;
    const problems = schemaProblems(worker);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/containers\/0 must have required property name/),
        expect.stringMatching(/containerPort must be integer/),
        'DaemonSet.spec.template.spec.hostNetwrok: unknown field (not in V1PodSpec)',
      ]),
    );
  });
});

describe('RBAC', () => {
  const logger: K8sLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
  let hubApi: KubeApiServer;
  let workerApi: KubeApiServer;
  beforeEach(async () => {
    hubApi = await startKubeApiServer();
    workerApi = await startKubeApiServer();
  });
  afterEach(async () => {
    await hubApi.close();
    await workerApi.close();
  });

  it('grants the hub and the worker exactly the verbs their code uses', async () => {
    // The hub: pod watch, ConfigMap mirror, and (block-pods) blocking and unblocking.
    const hubConfig = makeKubeConfig(hubApi);
    hubApi.apply('pods', pendingPod({ name: 'scanner-1', namespace: 'shop' }));
    const podWatch = new ClusterWatch({ kubeConfig: hubConfig, logger, targeting: { namespaces: [], include: [], exclude: [] }, onPodEvent: () => undefined });
    await podWatch.start();
    const store = new MemoryAgentStore();
    await store.create({ title: 'First', source: '// First\n', author: 'test' });
    const mirror = new ConfigMapMirror({ kubeConfig: hubConfig, namespace: 'wirehook', store, logger });
    await mirror.start();
    await store.create({ title: 'Second', source: '// Second\n', author: 'test' });
    await mirror.sync();
    const blocker = new PodBlocker(hubConfig);
    await blocker.block('scanner-1', 'shop', { agent: 'a', node: 'hub' });
    hubApi.remove('pods', 'shop', 'scanner-1');
    hubApi.apply('pods', pendingPod({ name: 'scanner-1', namespace: 'shop' }));
    await blocker.block('scanner-1', 'shop', { agent: 'a', node: 'hub' }); // replaces the stale policy
    await blocker.unblock('scanner-1', 'shop');
    await hubApi.waitForWatches('pods');
    await hubApi.waitForWatches('configmaps');
    await mirror.stop();
    await podWatch.stop();

    // A worker: pods, services and endpoint slices for the index; the agents' ConfigMap when the hub is away.
    const workerConfig = makeKubeConfig(workerApi);
    const index = new ClusterWatch({ kubeConfig: workerConfig, logger, targeting: { namespaces: [], include: [], exclude: [] }, index: new WorkloadIndex() });
    await index.start();
    await workerApi.waitForWatches('pods');
    await workerApi.waitForWatches('services');
    await workerApi.waitForWatches('endpointslices');
    await index.stop();
    workerApi.apply('configmaps', { metadata: { name: 'wirehook-config-map', namespace: 'wirehook' }, data: {} });
    await readAgentsFromConfigMap(workerConfig, 'wirehook', 'wirehook-config-map');

    const docs = render('bundled-block-pods');
    for (const [account, api] of [['wirehook-hub', hubApi], ['wirehook-worker', workerApi]] as const) {
      const grants = granted(docs, account);
      const needs = api.requests.map(permissionOf);
      expect({ account, refused: needs.filter((need) => !grants.some((grant) => covers(grant, need))).map(describePermission) }).toEqual({ account, refused: [] });
      expect({ account, unused: grants.filter((grant) => !needs.some((need) => covers(grant, need) && grant.scope === need.scope)).map(describePermission) }).toEqual({ account, unused: [] });
    }
    // Without the block-pods component the hub may not touch NetworkPolicies, nor read or patch single pods.
    expect(granted(render('bundled'), 'wirehook-hub').map(describePermission).sort()).toEqual([
      'cluster  pods list',
      'cluster  pods watch',
      'namespace  configmaps create',
      'namespace  configmaps get',
      'namespace  configmaps list',
      'namespace  configmaps update',
      'namespace  configmaps watch',
    ]);
  });
});

/** One permission: `cluster` from a ClusterRole (any namespace), `namespace` from a Role in wirehook's namespace. */
interface Permission {
  scope: 'cluster' | 'namespace';
  group: string;
  resource: string;
  verb: string;
  /** The object's name; for a grant, set when the rule names objects (resourceNames). */
  name?: string;
}

const describePermission = (p: Permission) => `${p.scope} ${p.group} ${p.resource}${p.name ? `/${p.name}` : ''} ${p.verb}`;

function covers(grant: Permission, need: Permission): boolean {
  return (
    (grant.scope === 'cluster' || need.scope === 'namespace') &&
    grant.group === need.group && grant.resource === need.resource && grant.verb === need.verb &&
    (grant.name === undefined || grant.name === need.name)
  );
}

/** What the service account may do, through the (Cluster)RoleBindings naming it. */
function granted(docs: KubeDoc[], account: string): Permission[] {
  const out: Permission[] = [];
  for (const binding of docs.filter((d) => d.kind === 'RoleBinding' || d.kind === 'ClusterRoleBinding')) {
    const b = binding as KubeDoc & { subjects: { kind: string; name: string; namespace: string }[]; roleRef: { kind: string; name: string } };
    if (!b.subjects.some((s) => s.kind === 'ServiceAccount' && s.name === account && s.namespace === 'wirehook')) continue;
    const role = find(docs, b.roleRef.kind, b.roleRef.name);
    const scope = binding.kind === 'ClusterRoleBinding' ? 'cluster' : 'namespace';
    for (const rule of role.rules as { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }[]) {
      for (const group of rule.apiGroups) for (const resource of rule.resources) for (const verb of rule.verbs) {
        for (const name of rule.resourceNames ?? [undefined]) out.push({ scope, group, resource, verb, ...(name ? { name } : {}) });
      }
    }
  }
  return out;
}

/** The permission a request to the API server needs (RBAC's verbs: a GET of a collection is list, or watch). */
function permissionOf(request: RecordedRequest): Permission {
  const m = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(request.path);
  if (!m) throw new Error(`unexpected request path ${request.path}`);
  const [, group = '', namespace, resource, name] = m;
  const verbs: Record<string, string> = { GET: name ? 'get' : request.query.watch === 'true' ? 'watch' : 'list', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };
  return { scope: namespace === 'wirehook' ? 'namespace' : 'cluster', group, resource, verb: verbs[request.method], ...(name ? { name } : {}) };
}

function containerEnv(
  env: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string }; secretKeyRef?: { name: string; key: string } } }[],
  fields: Record<string, string>,
  docs: KubeDoc[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const variable of env) {
    let value = variable.value;
    if (variable.valueFrom?.fieldRef) value = fields[variable.valueFrom.fieldRef.fieldPath];
    const secret = variable.valueFrom?.secretKeyRef;
    if (secret) value = (find(docs, 'Secret', secret.name) as unknown as { stringData: Record<string, string> }).stringData[secret.key];
    // $(NAME) refers to a variable defined earlier in the list, as Kubernetes expands it.
    out[variable.name] = (value ?? '').replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => out[name] ?? whole);
  }
  return out;
}

function writeTemp(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'wirehook-deploy-config-')), 'wirehook.yaml');
  writeFileSync(file, text);
  return file;
}

describe('Dockerfiles', () => {
  // They cannot be built here (no container engine): check what they rely on instead.
  it.each([['hub', 'wirehook/hub'], ['worker', 'wirehook/worker']])('%s: Node 20, npm ci, libpcap, the CLI with --no-node-snapshot, and the image the manifests use', (role, image) => {
    const text = readFileSync(join(repoRoot(), 'deploy', 'docker', `${role}.Dockerfile`), 'utf8');
    const from = [...text.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(from).toEqual(['node:20-bookworm-slim', 'node:20-bookworm-slim']);
    expect(text).toMatch(/^COPY package\.json package-lock\.json \.\/\nRUN npm ci /m);
    expect(text).toMatch(/apt-get install -y --no-install-recommends python3 make g\+\+ libpcap-dev/);
    expect(text).toMatch(/apt-get install -y --no-install-recommends libpcap0\.8 tini/);
    expect(text).toContain('ENTRYPOINT ["/usr/bin/tini", "--", "node", "--no-node-snapshot", "bin/wirehook.js"]');
    expect(text).toContain(`CMD ["${role}"]`);
    for (const m of text.matchAll(/^RUN node (\S+\.js)/gm)) expect(existsSync(join(repoRoot(), m[1]))).toBe(true);
    expect(existsSync(join(repoRoot(), 'bin', 'wirehook.js'))).toBe(true);
    expect(readFileSync(join(repoRoot(), 'deploy', 'docker', `${role}.Dockerfile.dockerignore`), 'utf8')).toMatch(/^node_modules$/m);
    const kind = role === 'hub' ? 'Deployment' : 'DaemonSet';
    expect(find(render('bundled'), kind, `wirehook-${role}`).spec.template.spec.containers[0].image).toBe(`${image}:0.1.0`);
  });
});
