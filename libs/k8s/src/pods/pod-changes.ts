import type { PodChange, PodEventType } from '@wirehook/contracts';
import type { RawContainerStatus, RawPod } from '../kube/raw-objects';

type Termination = NonNullable<NonNullable<RawContainerStatus['state']>['terminated']>;

/**
 * What happened to a pod between two of its states, in the words `onPodEvent` scripts branch on.
 * One watch event can carry several facts; each is reported once, in this order:
 *
 * - `created` (ADDED) and `deleted` (DELETED), alone;
 * - per container (init, regular, ephemeral; in the pod's order):
 *   - a termination not seen before (in `state.terminated` or `lastState.terminated`): `oom-killed`
 *     when its reason is OOMKilled, else `crashed` when its exit code is not 0 (a clean exit is no change);
 *   - `restarted` when `restartCount` went up (reason and message from the last termination);
 *   - `crashed` with reason `CrashLoopBackOff` when the container starts waiting in CrashLoopBackOff;
 * - `phase` when `status.phase` changed (reason: the new phase; message: `Pending → Running`);
 * - `ready` / `not-ready` when the pod's Ready condition turned True / stopped being True.
 *
 * A MODIFIED event that changes none of these (labels, annotations, probes' timestamps) gives none.
 */
export function podChanges(event: PodEventType, previous: RawPod | undefined, current: RawPod): PodChange[] {
  if (event === 'ADDED') return [{ kind: 'created', reason: current.status?.phase ?? '' }];
  if (event === 'DELETED') return [{ kind: 'deleted', reason: current.status?.phase ?? '' }];
  const changes: PodChange[] = [];
  const before = new Map(containerStatuses(previous).map((status) => [status.name, status]));
  for (const status of containerStatuses(current)) {
    changes.push(...containerChanges(before.get(status.name), status));
  }
  const phaseBefore = previous?.status?.phase;
  const phaseNow = current.status?.phase;
  if (phaseNow !== undefined && phaseNow !== phaseBefore) {
    const detail = [current.status?.reason, current.status?.message].filter((part) => part).join(': ');
    changes.push({ kind: 'phase', reason: phaseNow, message: `${phaseBefore ?? 'Unknown'} → ${phaseNow}${detail ? ` (${detail})` : ''}` });
  }
  const readyBefore = readyCondition(previous)?.status === 'True';
  const ready = readyCondition(current);
  if (!readyBefore && ready?.status === 'True') changes.push({ kind: 'ready' });
  if (readyBefore && ready?.status !== 'True') {
    changes.push({ kind: 'not-ready', reason: ready?.reason ?? '', message: ready?.message ?? '' });
  }
  return changes;
}

function containerChanges(before: RawContainerStatus | undefined, now: RawContainerStatus): PodChange[] {
  const changes: PodChange[] = [];
  const container = now.name;
  const restartCount = now.restartCount ?? 0;
  const seen = [before?.state?.terminated, before?.lastState?.terminated].filter((t): t is Termination => t !== undefined);
  const terminations = [now.lastState?.terminated, now.state?.terminated].filter((t): t is Termination => t !== undefined);
  for (const termination of terminations) {
    if (seen.some((old) => sameTermination(old, termination))) continue;
    seen.push(termination);
    if (termination.reason === 'OOMKilled') {
      changes.push({ kind: 'oom-killed', container, restartCount, reason: 'OOMKilled', message: describeTermination(termination) });
    } else if ((termination.exitCode ?? 0) !== 0) {
      changes.push({ kind: 'crashed', container, restartCount, reason: termination.reason ?? 'Error', message: describeTermination(termination) });
    }
  }
  if (restartCount > (before?.restartCount ?? 0)) {
    const last = now.lastState?.terminated;
    changes.push({ kind: 'restarted', container, restartCount, reason: last?.reason ?? '', message: last ? describeTermination(last) : '' });
  }
  const waiting = now.state?.waiting;
  if (waiting?.reason === 'CrashLoopBackOff' && before?.state?.waiting?.reason !== 'CrashLoopBackOff') {
    changes.push({ kind: 'crashed', container, restartCount, reason: 'CrashLoopBackOff', message: waiting.message ?? '' });
  }
  return changes;
}

function containerStatuses(pod: RawPod | undefined): RawContainerStatus[] {
  const status = pod?.status;
  return [...(status?.initContainerStatuses ?? []), ...(status?.containerStatuses ?? []), ...(status?.ephemeralContainerStatuses ?? [])];
}

function readyCondition(pod: RawPod | undefined): { status: string; reason?: string; message?: string } | undefined {
  return pod?.status?.conditions?.find((condition) => condition.type === 'Ready');
}

/** One run of a container ended once: the same container ID, else the same start and finish times. */
function sameTermination(a: Termination, b: Termination): boolean {
  if (a.containerID || b.containerID) return a.containerID === b.containerID && a.finishedAt === b.finishedAt;
  return a.startedAt === b.startedAt && a.finishedAt === b.finishedAt && a.exitCode === b.exitCode && a.reason === b.reason;
}

function describeTermination(termination: Termination): string {
  const code = termination.signal ? `signal ${termination.signal}` : `exit code ${termination.exitCode ?? 0}`;
  return termination.message ? `${code}: ${termination.message}` : code;
}
