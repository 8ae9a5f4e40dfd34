// A renderer for the part of kustomize that deploy/kustomize uses, so the manifests can be built
// and checked where no kubectl is installed: resources (files and directories), components,
// patches (strategic merge, JSON 6902), namespace (including Namespace objects and RBAC subjects)
// and images. Anything else in a kustomization is refused rather than ignored. The rendered output
// is compared with what `kubectl kustomize` (kustomize v5) produced (test/fixtures/kustomize).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface KubeDoc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [field: string]: unknown };
  [field: string]: unknown;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface PatchEntry {
  path?: string;
  patch?: string;
  target?: { kind?: string; name?: string; namespace?: string };
}

interface ImageEntry {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  components?: string[];
  patches?: PatchEntry[];
  images?: ImageEntry[];
}

const KNOWN_FIELDS = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'components', 'patches', 'images']);

/** Kinds that have no namespace. */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass',
  'PriorityClass', 'Node', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'IngressClass', 'RuntimeClass',
]);

/** kustomize's "legacy" output order; other kinds come after, by name. */
const LEGACY_ORDER = [
  'Namespace', 'ResourceQuota', 'StorageClass', 'CustomResourceDefinition', 'ServiceAccount', 'PodSecurityPolicy', 'Role',
  'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ConfigMap', 'Secret', 'Endpoints', 'Service', 'LimitRange',
  'PriorityClass', 'PersistentVolume', 'PersistentVolumeClaim', 'Deployment', 'StatefulSet', 'CronJob', 'PodDisruptionBudget',
];

/** Merge keys of the strategic merge patch lists deploy/ uses (as in the Kubernetes API types). */
const MERGE_KEYS: Record<string, (item: JsonObject) => string | undefined> = {
  containers: () => 'name',
  initContainers: () => 'name',
  env: () => 'name',
  volumes: () => 'name',
  volumeMounts: () => 'mountPath',
  imagePullSecrets: () => 'name',
  ports: (item) => ('containerPort' in item ? 'containerPort' : 'port'),
};

export function kustomizeBuild(directory: string): KubeDoc[] {
  return sortLegacy(build(resolve(directory), []));
}

export function idOf(doc: KubeDoc): string {
  return `${doc.kind}/${doc.metadata.namespace ?? ''}/${doc.metadata.name}`;
}

function build(directory: string, inherited: KubeDoc[]): KubeDoc[] {
  const kustomization = load(directory);
  const docs: KubeDoc[] = [...inherited];
  const add = (more: KubeDoc[]): void => {
    for (const doc of more) {
      if (docs.some((d) => idOf(d) === idOf(doc))) throw new Error(`${directory}: ${idOf(doc)} is defined twice`);
      docs.push(doc);
    }
  };
  for (const entry of kustomization.resources ?? []) {
    const path = join(directory, entry);
    add(statSync(path).isDirectory() ? build(path, []) : readDocs(path));
  }
  let result = docs;
  for (const entry of kustomization.components ?? []) {
    const path = join(directory, entry);
    if (load(path).kind !== 'Component') throw new Error(`${path}: not a Component`);
    result = build(path, result);
  }
  for (const entry of kustomization.patches ?? []) result = applyPatchEntry(directory, entry, result);
  if (kustomization.namespace) result = setNamespace(result, kustomization.namespace);
  for (const image of kustomization.images ?? []) result = result.map((doc) => setImage(doc, image));
  return result;
}

function load(directory: string): Kustomization {
  const file = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((f) => join(directory, f)).find((f) => existsSync(f));
  if (!file) throw new Error(`${directory}: no kustomization.yaml`);
  const kustomization = parseAllDocuments(readFileSync(file, 'utf8'))[0].toJS() as Kustomization;
  const unknown = Object.keys(kustomization).filter((key) => !KNOWN_FIELDS.has(key));
  if (unknown.length > 0) throw new Error(`${file}: this renderer does not support ${unknown.join(', ')}`);
  return kustomization;
}

export function readDocs(path: string): KubeDoc[] {
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`${path}: ${document.errors[0].message}`);
      return document.toJS() as KubeDoc | null;
    })
    .filter((doc): doc is KubeDoc => doc !== null);
}

function applyPatchEntry(directory: string, entry: PatchEntry, docs: KubeDoc[]): KubeDoc[] {
  const text = entry.path ? readFileSync(join(directory, entry.path), 'utf8') : entry.patch;
  if (text === undefined) throw new Error(`${directory}: a patch needs path or patch`);
  const patch = parseAllDocuments(text)[0].toJS() as Json;
  if (Array.isArray(patch)) {
    if (!entry.target) throw new Error(`${directory}: a JSON 6902 patch needs a target`);
    return docs.map((doc) => (matches(doc, entry.target!) ? (jsonPatch(doc as unknown as Json, patch) as unknown as KubeDoc) : doc));
  }
  const object = patch as unknown as KubeDoc;
  const target = entry.target ?? { kind: object.kind, name: object.metadata?.name, namespace: object.metadata?.namespace };
  let applied = 0;
  const out = docs.map((doc) => {
    if (!matches(doc, target)) return doc;
    applied++;
    return strategicMerge(doc as unknown as Json, patch, '') as unknown as KubeDoc;
  });
  if (applied === 0) throw new Error(`${directory}: patch ${entry.path ?? '(inline)'} matches no resource`);
  return out;
}

function matches(doc: KubeDoc, target: NonNullable<PatchEntry['target']>): boolean {
  return (!target.kind || doc.kind === target.kind) && (!target.name || doc.metadata.name === target.name) && (!target.namespace || doc.metadata.namespace === target.namespace);
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function strategicMerge(target: Json | undefined, patch: Json, key: string): Json {
  if (isObject(patch)) {
    if ('$patch' in patch) throw new Error('this renderer does not support $patch directives');
    const result: JsonObject = isObject(target) ? { ...target } : {};
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete result[k];
      else result[k] = strategicMerge(result[k], v, k);
    }
    return result;
  }
  if (Array.isArray(patch) && Array.isArray(target) && MERGE_KEYS[key] && patch.every(isObject)) {
    // As kustomize (kyaml) merges an associative list: matching elements in place, new ones first.
    const merged = [...target];
    const added: Json[] = [];
    for (const item of patch as JsonObject[]) {
      const mergeKey = MERGE_KEYS[key](item) as string;
      const at = merged.findIndex((existing) => isObject(existing) && existing[mergeKey] === item[mergeKey]);
      if (at === -1) added.push(structuredClone(item));
      else merged[at] = strategicMerge(merged[at], item, '');
    }
    return [...added, ...merged];
  }
  return structuredClone(patch);
}

function jsonPatch(document: Json, operations: Json): Json {
  const result = structuredClone(document);
  for (const operation of operations as JsonObject[]) {
    const path = String(operation.path).split('/').slice(1).map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = path.pop() as string;
    let parent: Json = result;
    for (const token of path) parent = Array.isArray(parent) ? parent[Number(token)] : (parent as JsonObject)[token];
    const op = String(operation.op);
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (op === 'add') parent.splice(index, 0, operation.value);
      else if (op === 'replace') parent[index] = operation.value;
      else if (op === 'remove') parent.splice(index, 1);
      else throw new Error(`JSON patch op ${op} is not supported`);
    } else if (isObject(parent)) {
      if (op === 'add' || op === 'replace') parent[last] = operation.value;
      else if (op === 'remove') delete parent[last];
      else throw new Error(`JSON patch op ${op} is not supported`);
    }
  }
  return result;
}

/**
 * kustomize's namespace transformer: every namespaced object moves to the namespace, a Namespace
 * object is renamed to it, and a ServiceAccount subject of a (Cluster)RoleBinding moves along
 * with the ServiceAccount it names when that account is one of the resources.
 */
function setNamespace(docs: KubeDoc[], namespace: string): KubeDoc[] {
  const accounts = new Set(docs.filter((d) => d.kind === 'ServiceAccount').map((d) => `${d.metadata.namespace ?? ''}/${d.metadata.name}`));
  return docs.map((doc) => {
    const out = structuredClone(doc);
    if (out.kind === 'Namespace') out.metadata.name = namespace;
    else if (!CLUSTER_SCOPED.has(out.kind)) out.metadata.namespace = namespace;
    if (out.kind === 'RoleBinding' || out.kind === 'ClusterRoleBinding') {
      for (const subject of (out.subjects as JsonObject[] | undefined) ?? []) {
        if (subject.kind === 'ServiceAccount' && accounts.has(`${subject.namespace ?? ''}/${subject.name}`)) subject.namespace = namespace;
      }
    }
    return out;
  });
}

/** kustomize's image transformer, on the pod specs of workloads (and bare pods). */
function setImage(doc: KubeDoc, image: ImageEntry): KubeDoc {
  const out = structuredClone(doc);
  const spec = out.spec as { template?: { spec?: JsonObject }; jobTemplate?: { spec?: { template?: { spec?: JsonObject } } } } | undefined;
  const podSpecs = [spec?.template?.spec, spec?.jobTemplate?.spec?.template?.spec, out.kind === 'Pod' ? (out.spec as JsonObject) : undefined];
  for (const podSpec of podSpecs) {
    for (const container of [...((podSpec?.containers as JsonObject[] | undefined) ?? []), ...((podSpec?.initContainers as JsonObject[] | undefined) ?? [])]) {
      const current = String(container.image ?? '');
      const name = current.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
      if (name !== image.name) continue;
      const reference = image.digest ? `@${image.digest}` : image.newTag ? `:${image.newTag}` : current.slice(name.length);
      container.image = `${image.newName ?? name}${reference}`;
    }
  }
  return out;
}

function sortLegacy(docs: KubeDoc[]): KubeDoc[] {
  const rank = (kind: string) => {
    const at = LEGACY_ORDER.indexOf(kind);
    return at === -1 ? LEGACY_ORDER.length : at;
  };
  return [...docs].sort((a, b) => rank(a.kind) - rank(b.kind) || (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0));
}
