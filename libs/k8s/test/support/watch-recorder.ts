// Runs one raw watch with the real client's Watch and records what arrives, for the fake server's tests.
import { Watch, type KubeConfig } from '@kubernetes/client-node';

export interface RecordedEvent {
  type: string;
  name?: string;
  resourceVersion?: string;
  object: Record<string, unknown>;
}

export interface RecordedWatch {
  events: RecordedEvent[];
  /** Resolves with the error given to `done` (null: the server ended the watch). */
  ended: Promise<unknown>;
  /** Resolves once `count` events arrived. */
  received(count: number): Promise<RecordedEvent[]>;
  abort(): void;
}

export async function recordWatch(kubeConfig: KubeConfig, path: string, query: Record<string, string | number | boolean>): Promise<RecordedWatch> {
  const events: RecordedEvent[] = [];
  const waiting: Array<{ count: number; resolve(events: RecordedEvent[]): void }> = [];
  let finish!: (error: unknown) => void;
  const ended = new Promise<unknown>((resolve) => (finish = resolve));
  const request = await new Watch(kubeConfig).watch(
    path,
    { ...query },
    (type, object: Record<string, unknown> & { metadata?: { name?: string; resourceVersion?: string } }) => {
      events.push({ type, name: object.metadata?.name, resourceVersion: object.metadata?.resourceVersion, object });
      for (const w of waiting.filter((w) => events.length >= w.count)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(events.slice(0, w.count));
      }
    },
    (error) => finish(error),
  );
  return {
    events,
    ended,
    received: (count) => (events.length >= count ? Promise.resolve(events.slice(0, count)) : new Promise((resolve) => waiting.push({ count, resolve }))),
    abort: () => request.abort(),
  };
}
