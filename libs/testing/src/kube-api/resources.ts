// The resource types the fake API server serves, with the validation and defaulting of the real
// server that Wirehook's code can run into (ConfigMap key rules and size limit, names, clusterIPs).
import type { FieldProblem, KubeObject, KubeResourceType } from './types';
import { badRequest } from './status';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
/** ConfigMaps (like Secrets) are limited to 1 MiB of data + binaryData. */
export const MAX_CONFIGMAP_BYTES = 1024 * 1024;

export function validateName(object: KubeObject): FieldProblem[] {
  const name = object.metadata.name ?? '';
  if (name === '') return [{ field: 'metadata.name', reason: 'FieldValueRequired', message: 'Required value: name or generateName is required' }];
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    return [
      {
        field: 'metadata.name',
        message:
          `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', ` +
          `and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is ` +
          `'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      },
    ];
  }
  return [];
}

function stringMap(object: KubeObject, field: 'data' | 'binaryData'): Record<string, unknown> {
  const value = object[field];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest(`json: cannot unmarshal ${Array.isArray(value) ? 'array' : typeof value} into Go struct field ConfigMap.${field} of type map[string]string`);
  }
  return value as Record<string, unknown>;
}

function validateConfigMap(object: KubeObject): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const data = stringMap(object, 'data');
  const binary = stringMap(object, 'binaryData');
  let bytes = 0;
  for (const [field, map] of [['data', data], ['binaryData', binary]] as const) {
    for (const [key, value] of Object.entries(map)) {
      if (typeof value !== 'string') {
        throw badRequest(`json: cannot unmarshal ${typeof value} into Go struct field ConfigMap.${field} of type string`);
      }
      if (!CONFIG_KEY.test(key) || key.length > 253 || key === '.' || key === '..') {
        problems.push({
          field: `${field}[${key}]`,
          message:
            `Invalid value: "${key}": a valid config key must consist of alphanumeric characters, '-', '_' or '.' ` +
            `(e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
        });
      }
      if (field === 'binaryData' && key in data) {
        problems.push({ field: `data[${key}]`, message: `Invalid value: "${key}": duplicate of key present in binaryData` });
      }
      bytes += key.length + (field === 'data' ? Buffer.byteLength(value) : Buffer.from(value, 'base64').length);
    }
  }
  if (bytes > MAX_CONFIGMAP_BYTES) {
    problems.push({ field: '[]', reason: 'FieldValueTooLong', message: `Too long: must have at most ${MAX_CONFIGMAP_BYTES} bytes` });
  }
  return problems;
}

function spec(object: KubeObject): Record<string, unknown> {
  if (typeof object.spec !== 'object' || object.spec === null) object.spec = {};
  return object.spec as Record<string, unknown>;
}

function status(object: KubeObject): Record<string, unknown> {
  if (typeof object.status !== 'object' || object.status === null) object.status = {};
  return object.status as Record<string, unknown>;
}

export const CONFIGMAPS: KubeResourceType = {
  group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'],
  validate: validateConfigMap,
};

export const PODS: KubeResourceType = {
  group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true, shortNames: ['po'],
  returnDeletedObject: true,
  defaultOnCreate(object) {
    const s = status(object);
    if (s.phase === undefined) s.phase = 'Pending';
  },
};

export const SERVICES: KubeResourceType = {
  group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true, shortNames: ['svc'],
  defaultOnCreate(object, allocate) {
    const s = spec(object);
    if (s.type === undefined) s.type = 'ClusterIP';
    if (s.type !== 'ExternalName' && s.clusterIP === undefined) {
      // Addresses from the default service CIDR 10.96.0.0/12; only ever data, nothing is sent there.
      const n = allocate();
      s.clusterIP = `10.96.${Math.floor(n / 250) % 256}.${(n % 250) + 1}`;
      s.clusterIPs = [s.clusterIP];
    }
  },
};

export const NAMESPACES: KubeResourceType = {
  group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false, shortNames: ['ns'],
  defaultOnCreate(object) {
    const s = status(object);
    if (s.phase === undefined) s.phase = 'Active';
  },
};

export const NODES: KubeResourceType = {
  group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false, shortNames: ['no'],
};

export const ENDPOINT_SLICES: KubeResourceType = {
  group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', kind: 'EndpointSlice', namespaced: true,
  validate(object) {
    const type = object.addressType;
    if (type === undefined) return [{ field: 'addressType', reason: 'FieldValueRequired', message: 'Required value' }];
    if (type !== 'IPv4' && type !== 'IPv6' && type !== 'FQDN') {
      return [{ field: 'addressType', reason: 'FieldValueNotSupported', message: `Unsupported value: "${String(type)}": supported values: "FQDN", "IPv4", "IPv6"` }];
    }
    return [];
  },
};

export const NETWORK_POLICIES: KubeResourceType = {
  group: 'networking.k8s.io', version: 'v1', resource: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true, shortNames: ['netpol'],
  defaultOnCreate(object) {
    const s = spec(object);
    if (s.podSelector === undefined) s.podSelector = {};
    if (s.policyTypes === undefined) s.policyTypes = Array.isArray(s.egress) ? ['Ingress', 'Egress'] : ['Ingress'];
  },
};

/** Everything the server serves unless told otherwise. */
export const DEFAULT_RESOURCE_TYPES: readonly KubeResourceType[] = [
  CONFIGMAPS, PODS, SERVICES, NAMESPACES, NODES, ENDPOINT_SLICES, NETWORK_POLICIES,
];

export function apiVersionOf(type: KubeResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}
