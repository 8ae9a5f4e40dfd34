import type { ConfigMapMirror, MirrorEvents } from '../../src';

/** The next event of that name (matching `accept`), listening from now on. */
export function nextEvent<K extends keyof MirrorEvents>(
  mirror: ConfigMapMirror,
  name: K,
  accept: (event: MirrorEvents[K][0]) => boolean = () => true,
): Promise<MirrorEvents[K][0]> {
  return new Promise((resolve) => {
    const listener = (event: MirrorEvents[K][0]): void => {
      if (!accept(event)) return;
      mirror.off(name, listener as never);
      resolve(event);
    };
    mirror.on(name, listener as never);
  });
}

/** Every event of that name from now on, collected. */
export function collect<K extends keyof MirrorEvents>(mirror: ConfigMapMirror, name: K): Array<MirrorEvents[K][0]> {
  const seen: Array<MirrorEvents[K][0]> = [];
  mirror.on(name, ((event: MirrorEvents[K][0]) => seen.push(event)) as never);
  return seen;
}
