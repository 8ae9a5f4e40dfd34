// WorkloadIndex: IP and IP:port → workload, current and historical.
import { WorkloadIndex, type RawEndpointSlice, type RawPod, type RawService } from '../src';
import { pendingPod, runningStatus, type PodShape } from '@wirehook/testing';

function pod(shape: PodShape, phase?: string): RawPod {
  const object = pendingPod(shape) as unknown as RawPod;
  return { ...object, status: { ...(runningStatus(shape) as RawPod['status']), ...(phase ? { phase } : {}) } };
}

const frontend: PodShape = { name: 'frontend-7d9f8c6b5-abcde', namespace: 'shop', ip: '10.244.1.5', owner: { kind: 'ReplicaSet', name: 'frontend-7d9f8c6b5' }, labels: { 'pod-template-hash': '7d9f8c6b5' } };
const db: PodShape = { name: 'db-0', namespace: 'shop', ip: '10.244.2.9', owner: { kind: 'StatefulSet', name: 'db' } };
const agent: PodShape = { name: 'node-agent-x2x2', namespace: 'kube-system', hostNetwork: true, hostIP: '192.0.2.10', ports: [9100], owner: { kind: 'DaemonSet', name: 'node-agent' } };

describe('WorkloadIndex', () => {
  it('names pod IPs by workload and pod, host-network pods only by IP:port, service cluster IPs by service', () => {
    const index = new WorkloadIndex();
    index.setPod(pod(frontend));
    index.setPod(pod(db));
    index.setPod(pod(agent));
    index.setService({ metadata: { name: 'users', namespace: 'shop' }, spec: { clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'] } } as RawService);

    expect(index.resolve('10.244.1.5', '51234')).toEqual({ name: 'frontend', namespace: 'shop', pod: 'frontend-7d9f8c6b5-abcde' });
    expect(index.resolve('10.244.2.9', 5432)).toEqual({ name: 'db', namespace: 'shop', pod: 'db-0' });
    expect(index.resolve('192.0.2.10', '9100')).toEqual({ name: 'node-agent', namespace: 'kube-system', pod: 'node-agent-x2x2' });
    expect(index.resolve('192.0.2.10', '22')).toBeUndefined();
    expect(index.resolve('10.96.0.20', '80')).toEqual({ name: 'users', namespace: 'shop' });
    expect(index.resolve('10.0.0.1')).toBeUndefined();
  });

  it('names endpoint slice addresses as the pod they point at when it is known, else as the service', () => {
    const index = new WorkloadIndex();
    index.setPod(pod(db));
    index.setEndpointSlice({
      metadata: { name: 'db-x1', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'db' } },
      addressType: 'IPv4',
      ports: [{ port: 5432 }],
      endpoints: [
        { addresses: ['10.244.2.9'], targetRef: { kind: 'Pod', name: 'db-0', namespace: 'shop' } },
        { addresses: ['10.244.3.3'], targetRef: { kind: 'Pod', name: 'db-1', namespace: 'shop' } },
      ],
    } as RawEndpointSlice);
    expect(index.resolve('10.244.2.9', '5432')).toEqual({ name: 'db', namespace: 'shop', pod: 'db-0' });
    expect(index.resolve('10.244.3.3', '5432')).toEqual({ name: 'db', namespace: 'shop', pod: 'db-1' });
    expect(index.resolve('10.244.3.3', '22')).toBeUndefined();
  });

  it('follows pods as they come and go: an ended pod releases its IP, a reused IP answers with the newest pod, history records each change', () => {
    let now = 1000;
    const index = new WorkloadIndex({ now: () => now });
    const old = pod({ ...db, name: 'db-0' });
    index.setPod(old);
    now = 2000;
    const reused = pod({ name: 'cache-0', namespace: 'shop', ip: db.ip, owner: { kind: 'StatefulSet', name: 'cache' } });
    index.setPod(reused);
    expect(index.resolve('10.244.2.9')?.name).toBe('cache');
    now = 3000;
    index.removePod(reused);
    expect(index.resolve('10.244.2.9')?.name).toBe('db');
    now = 4000;
    index.setPod(pod({ ...db, name: 'db-0' }, 'Succeeded'));
    expect(index.resolve('10.244.2.9')).toBeUndefined();
    // An update that changes nothing the index holds records nothing.
    index.setPod(pod({ ...db, name: 'db-0' }, 'Succeeded'));
    expect(index.history()).toEqual([
      { time: 1000, change: 'added', ip: '10.244.2.9', name: 'db', namespace: 'shop', pod: 'db-0', source: 'pod/shop/db-0' },
      { time: 2000, change: 'added', ip: '10.244.2.9', name: 'cache', namespace: 'shop', pod: 'cache-0', source: 'pod/shop/cache-0' },
      { time: 3000, change: 'removed', ip: '10.244.2.9', name: 'cache', namespace: 'shop', pod: 'cache-0', source: 'pod/shop/cache-0' },
      { time: 4000, change: 'removed', ip: '10.244.2.9', name: 'db', namespace: 'shop', pod: 'db-0', source: 'pod/shop/db-0' },
    ]);
    expect(index.size).toBe(0);
  });

  it('keeps at most historyLimit changes, dropping the oldest', () => {
    const index = new WorkloadIndex({ historyLimit: 3 });
    for (let i = 1; i <= 5; i++) index.setPod(pod({ name: `p${i}`, namespace: 'n', ip: `10.0.0.${i}` }));
    expect(index.history().map((c) => c.pod)).toEqual(['p3', 'p4', 'p5']);
  });
});
