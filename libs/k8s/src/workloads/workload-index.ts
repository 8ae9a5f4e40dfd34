import { objectKey, type RawEndpointSlice, type RawPod, type RawService } from '../kube/raw-objects';
import { workloadOf } from './workload-of';

/** What an item's `src`/`dst` gets from the index. */
export interface WorkloadIdentity {
  /** The workload (Deployment, StatefulSet…, or the bare pod's name), or the Service's name. */
  name: string;
  namespace: string;
  /** The pod, when the address belongs to one. */
  pod?: string;
}

/** One change of the index, as `pcap.nameResolutionHistory()` returns it. */
export interface NameResolutionChange {
  /** ms since epoch */
  time: number;
  change: 'added' | 'removed';
  ip: string;
  /** Set when the entry names an IP:port (host-network pods, endpoint slices); absent for a whole IP. */
  port?: number;
  name: string;
  namespace: string;
  pod?: string;
  /** The object the entry comes from: `pod/<namespace>/<name>`, `service/…` or `endpointslice/…`. */
  source: string;
}

export interface WorkloadIndexOptions {
  /** Changes kept for `history()`; the oldest are dropped beyond it. Default 10 000. */
  historyLimit?: number;
  now?: () => number;
}

interface Entry {
  ip: string;
  port?: number;
  identity: WorkloadIdentity;
  /** `namespace/name` of the pod an endpoint slice points at: its workload name wins when the pod is known. */
  podRef?: string;
  source: string;
}

/**
 * IP and IP:port → workload, from pods, services and endpoint slices, kept current by the caller
 * (set* on add/update, remove* on delete). A lookup tries IP:port, then the IP alone:
 *
 * - a pod (not host-network) names each of its pod IPs, as `<workload>`/`<pod>`; a host-network pod
 *   shares the node's IP, so it names only `hostIP:port` for each of its container ports;
 * - a Service names its cluster IPs (no pod);
 * - an endpoint slice names `address:port` of each endpoint, as the pod it points at (its workload)
 *   when that pod is known, else as the Service.
 *
 * Two live objects can claim one address (a pod IP reused while the old pod terminates): the
 * newest claim answers, and the older one answers again once the newest is gone.
 */
export class WorkloadIndex {
  private readonly byOwner = new Map<string, Map<string, Entry>>();
  private readonly claims = new Map<string, Entry[]>();
  private readonly pods = new Map<string, WorkloadIdentity>();
  private readonly changes: NameResolutionChange[] = [];
  private readonly historyLimit: number;
  private readonly now: () => number;

  constructor(options: WorkloadIndexOptions = {}) {
    this.historyLimit = options.historyLimit ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** The identity of an address, or undefined when nothing in the index names it. Hot path: two map lookups. */
  resolve(ip: string, port?: string | number): WorkloadIdentity | undefined {
    const exact = port === undefined ? undefined : this.claims.get(addressKey(ip, port));
    const claim = exact ?? this.claims.get(ip);
    if (claim === undefined) return undefined;
    const entry = claim[claim.length - 1];
    return (entry.podRef !== undefined ? this.pods.get(entry.podRef) : undefined) ?? entry.identity;
  }

  /** Every change since the start (bounded by historyLimit), oldest first. */
  history(): NameResolutionChange[] {
    return this.changes.map((change) => ({ ...change }));
  }

  /** Addresses currently named. */
  get size(): number {
    return this.claims.size;
  }

  setPod(pod: RawPod): void {
    const key = objectKey(pod);
    const source = `pod/${key}`;
    const phase = pod.status?.phase;
    const entries = new Map<string, Entry>();
    // A pod that has ended no longer holds its IP (it may already be given to another pod).
    if (phase !== 'Succeeded' && phase !== 'Failed') {
      const workload = workloadOf(pod);
      const identity: WorkloadIdentity = { name: workload.name, namespace: pod.metadata?.namespace ?? '', pod: pod.metadata?.name ?? '' };
      if (pod.spec?.hostNetwork) {
        const hostIP = pod.status?.hostIP;
        const containers = [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? [])];
        for (const port of containers.flatMap((container) => container.ports ?? [])) {
          const number = port.hostPort ?? port.containerPort;
          if (hostIP) entries.set(addressKey(hostIP, number), { ip: hostIP, port: number, identity, source });
        }
      } else {
        const ips = new Set([...(pod.status?.podIPs ?? []).map((entry) => entry.ip), ...(pod.status?.podIP ? [pod.status.podIP] : [])]);
        for (const ip of ips) if (ip) entries.set(ip, { ip, identity, source });
      }
      this.pods.set(key, identity);
    } else {
      this.pods.delete(key);
    }
    this.replace(source, entries);
  }

  removePod(pod: RawPod): void {
    const key = objectKey(pod);
    this.pods.delete(key);
    this.replace(`pod/${key}`, new Map());
  }

  setService(service: RawService): void {
    const source = `service/${objectKey(service)}`;
    const identity: WorkloadIdentity = { name: service.metadata?.name ?? '', namespace: service.metadata?.namespace ?? '' };
    const entries = new Map<string, Entry>();
    const ips = new Set([...(service.spec?.clusterIPs ?? []), ...(service.spec?.clusterIP ? [service.spec.clusterIP] : [])]);
    for (const ip of ips) if (ip && ip !== 'None') entries.set(ip, { ip, identity, source });
    this.replace(source, entries);
  }

  removeService(service: RawService): void {
    this.replace(`service/${objectKey(service)}`, new Map());
  }

  setEndpointSlice(slice: RawEndpointSlice): void {
    const source = `endpointslice/${objectKey(slice)}`;
    const namespace = slice.metadata?.namespace ?? '';
    const service = slice.metadata?.labels?.['kubernetes.io/service-name'] ?? slice.metadata?.name ?? '';
    const entries = new Map<string, Entry>();
    if (slice.addressType === 'IPv4' || slice.addressType === 'IPv6') {
      const ports = (slice.ports ?? []).map((port) => port.port).filter((port): port is number => typeof port === 'number');
      for (const endpoint of slice.endpoints ?? []) {
        const target = endpoint.targetRef?.kind === 'Pod' ? endpoint.targetRef : undefined;
        const identity: WorkloadIdentity = target?.name ? { name: service, namespace, pod: target.name } : { name: service, namespace };
        const podRef = target?.name ? `${target.namespace ?? namespace}/${target.name}` : undefined;
        for (const ip of endpoint.addresses ?? []) {
          for (const port of ports) entries.set(addressKey(ip, port), { ip, port, identity, podRef, source });
        }
      }
    }
    this.replace(source, entries);
  }

  removeEndpointSlice(slice: RawEndpointSlice): void {
    this.replace(`endpointslice/${objectKey(slice)}`, new Map());
  }

  /** Makes `entries` the owner's claims, recording what was removed and added. */
  private replace(owner: string, entries: Map<string, Entry>): void {
    const before = this.byOwner.get(owner) ?? new Map<string, Entry>();
    for (const [key, entry] of before) {
      const next = entries.get(key);
      if (next && sameEntry(entry, next)) {
        entries.set(key, entry); // keep the claim object: it is what the claim list holds
        continue;
      }
      this.unclaim(key, entry);
      this.record('removed', entry);
    }
    for (const [key, entry] of entries) {
      const old = before.get(key);
      if (old === entry) continue;
      const list = this.claims.get(key);
      if (list) list.push(entry);
      else this.claims.set(key, [entry]);
      this.record('added', entry);
    }
    if (entries.size === 0) this.byOwner.delete(owner);
    else this.byOwner.set(owner, entries);
  }

  private unclaim(key: string, entry: Entry): void {
    const list = this.claims.get(key);
    if (!list) return;
    const at = list.indexOf(entry);
    if (at !== -1) list.splice(at, 1);
    if (list.length === 0) this.claims.delete(key);
  }

  private record(change: NameResolutionChange['change'], entry: Entry): void {
    const record: NameResolutionChange = { time: this.now(), change, ip: entry.ip, name: entry.identity.name, namespace: entry.identity.namespace, source: entry.source };
    if (entry.port !== undefined) record.port = entry.port;
    if (entry.identity.pod !== undefined) record.pod = entry.identity.pod;
    this.changes.push(record);
    if (this.changes.length > this.historyLimit) this.changes.splice(0, this.changes.length - this.historyLimit);
  }
}

/** IP:port key; a space cannot occur in an IP address, so it never collides with a bare IP key. */
function addressKey(ip: string, port: string | number): string {
  return `${ip} ${port}`;
}

function sameEntry(a: Entry, b: Entry): boolean {
  return (
    a.ip === b.ip &&
    a.port === b.port &&
    a.podRef === b.podRef &&
    a.identity.name === b.identity.name &&
    a.identity.namespace === b.identity.namespace &&
    a.identity.pod === b.identity.pod
  );
}
