// podChanges: what a pod watch event means, from the pod before and after.
import type { RawPod } from '../src';
import { podChanges } from '../src';
import { crashLoopStatus, pendingPod, restartedStatus, runningStatus, terminatedStatus, type PodShape } from '@wirehook/testing';

const shape: PodShape = { name: 'users-1', namespace: 'shop', ip: '10.244.1.5' };
const pending = pendingPod(shape) as unknown as RawPod;
const withStatus = (status: Record<string, unknown>): RawPod => ({ ...pending, status } as RawPod);
const kinds = (before: RawPod | undefined, after: RawPod) => podChanges('MODIFIED', before, after).map((c) => c.kind);

describe('podChanges', () => {
  it('ADDED is created and DELETED is deleted, with the phase as reason', () => {
    expect(podChanges('ADDED', undefined, pending)).toEqual([{ kind: 'created', reason: 'Pending' }]);
    expect(podChanges('DELETED', undefined, withStatus(runningStatus(shape)))).toEqual([{ kind: 'deleted', reason: 'Running' }]);
  });

  it('Pending to Running and Ready gives phase then ready', () => {
    expect(podChanges('MODIFIED', pending, withStatus(runningStatus(shape)))).toEqual([
      { kind: 'phase', reason: 'Running', message: 'Pending → Running' },
      { kind: 'ready' },
    ]);
  });

  it('a clean exit and restart is only restarted, with the last termination as reason', () => {
    const running = withStatus(runningStatus(shape));
    const exited = withStatus(terminatedStatus(shape, 0, 'Completed', 0));
    expect(podChanges('MODIFIED', running, exited)).toEqual([{ kind: 'not-ready', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' }]);
    expect(podChanges('MODIFIED', exited, withStatus(restartedStatus(shape, 1, 'Completed', 0)))).toEqual([
      { kind: 'restarted', container: 'app', restartCount: 1, reason: 'Completed', message: 'exit code 0' },
      { kind: 'ready' },
    ]);
  });

  it('an OOM kill seen only through the restart is oom-killed then restarted', () => {
    const running = withStatus(runningStatus(shape));
    expect(podChanges('MODIFIED', running, withStatus(restartedStatus(shape, 1, 'OOMKilled', 137)))).toEqual([
      { kind: 'oom-killed', container: 'app', restartCount: 1, reason: 'OOMKilled', message: 'exit code 137' },
      { kind: 'restarted', container: 'app', restartCount: 1, reason: 'OOMKilled', message: 'exit code 137' },
    ]);
  });

  it('an OOM kill reported when the container ends is not reported again by the restart', () => {
    const running = withStatus(runningStatus(shape));
    const killed = withStatus(terminatedStatus(shape, 0, 'OOMKilled', 137));
    expect(kinds(running, killed)).toEqual(['oom-killed', 'not-ready']);
    expect(kinds(killed, withStatus(restartedStatus(shape, 1, 'OOMKilled', 137)))).toEqual(['restarted', 'ready']);
  });

  it('a crash loop: the non-zero exit is crashed, then the back-off is crashed with reason CrashLoopBackOff', () => {
    const running = withStatus(runningStatus(shape));
    const failed = withStatus(terminatedStatus(shape, 0, 'Error', 1));
    expect(podChanges('MODIFIED', running, failed)[0]).toEqual({ kind: 'crashed', container: 'app', restartCount: 0, reason: 'Error', message: 'exit code 1' });
    const looping = withStatus(crashLoopStatus(shape, 1, 1));
    expect(podChanges('MODIFIED', failed, looping)).toEqual([
      { kind: 'restarted', container: 'app', restartCount: 1, reason: 'Error', message: 'exit code 1' },
      { kind: 'crashed', container: 'app', restartCount: 1, reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=app' },
    ]);
    // Still backing off: nothing new.
    expect(kinds(looping, withStatus(crashLoopStatus(shape, 1, 1)))).toEqual([]);
  });

  it('a pod evicted: phase Failed with the reason, and not-ready', () => {
    const running = withStatus(runningStatus(shape));
    const evicted = withStatus({ ...runningStatus(shape), phase: 'Failed', reason: 'Evicted', message: 'low on memory', conditions: [{ type: 'Ready', status: 'False' }] });
    expect(podChanges('MODIFIED', running, evicted)).toEqual([
      { kind: 'phase', reason: 'Failed', message: 'Running → Failed (Evicted: low on memory)' },
      { kind: 'not-ready', reason: '', message: '' },
    ]);
  });

  it('a change of labels only gives nothing', () => {
    const running = withStatus(runningStatus(shape));
    expect(kinds(running, { ...running, metadata: { ...running.metadata, labels: { app: 'x', extra: 'y' } } })).toEqual([]);
  });
});
