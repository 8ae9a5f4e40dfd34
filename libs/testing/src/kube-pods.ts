// Pods as the API server and kubelet write them, for the pod lifecycle scenarios of the tests
// (restart, OOM kill, crash loop): apply pendingPod, then edit its status with the others.
import type { KubeObject } from './kube-api/types';

export interface PodShape {
  name: string;
  namespace: string;
  ip?: string;
  hostNetwork?: boolean;
  hostIP?: string;
  ports?: number[];
  owner?: { kind: string; name: string };
  labels?: Record<string, string>;
  node?: string;
}

/** A pod just scheduled: Pending, no container status yet. */
export function pendingPod(shape: PodShape): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: shape.name,
      namespace: shape.namespace,
      labels: shape.labels ?? { app: shape.name },
      ...(shape.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: shape.owner.kind, name: shape.owner.name, uid: `uid-${shape.owner.name}`, controller: true }] } : {}),
    },
    spec: {
      nodeName: shape.node ?? 'node-a',
      ...(shape.hostNetwork ? { hostNetwork: true } : {}),
      containers: [{ name: 'app', image: 'example/app:1', ports: (shape.ports ?? []).map((containerPort) => ({ containerPort, protocol: 'TCP' })) }],
    },
    status: { phase: 'Pending' },
  };
}

type Status = Record<string, unknown>;

/** Running and Ready, container started once. */
export function runningStatus(shape: PodShape, restartCount = 0, lastState: Status = {}): Status {
  return {
    phase: 'Running',
    hostIP: shape.hostIP ?? '192.0.2.10',
    podIP: shape.hostNetwork ? shape.hostIP ?? '192.0.2.10' : shape.ip,
    podIPs: [{ ip: shape.hostNetwork ? shape.hostIP ?? '192.0.2.10' : shape.ip }],
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [{ name: 'app', ready: true, restartCount, state: { running: { startedAt: '2025-11-30T02:00:00Z' } }, lastState, containerID: `containerd://run-${restartCount}` }],
  };
}

/** The container ended (exit code, reason) and the kubelet has not restarted it yet. */
export function terminatedStatus(shape: PodShape, restartCount: number, reason: string, exitCode: number): Status {
  return {
    ...runningStatus(shape, restartCount),
    conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' }],
    containerStatuses: [
      {
        name: 'app', ready: false, restartCount,
        state: { terminated: termination(restartCount, reason, exitCode) },
        lastState: {},
        containerID: `containerd://run-${restartCount}`,
      },
    ],
  };
}

/** Restarted after that termination: running again, the termination moved to lastState. */
export function restartedStatus(shape: PodShape, restartCount: number, reason: string, exitCode: number): Status {
  return runningStatus(shape, restartCount, { terminated: termination(restartCount - 1, reason, exitCode) });
}

/** Waiting in CrashLoopBackOff after the last exit. */
export function crashLoopStatus(shape: PodShape, restartCount: number, exitCode: number): Status {
  return {
    ...runningStatus(shape, restartCount),
    conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' }],
    containerStatuses: [
      {
        name: 'app', ready: false, restartCount,
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=app' } },
        lastState: { terminated: termination(restartCount - 1, 'Error', exitCode) },
        containerID: `containerd://run-${restartCount - 1}`,
      },
    ],
  };
}

function termination(run: number, reason: string, exitCode: number): Status {
  return {
    exitCode, reason, containerID: `containerd://run-${run}`,
    startedAt: '2025-11-30T02:00:00Z', finishedAt: `2025-11-30T02:0${Math.min(run + 1, 9)}:00Z`,
  };
}
