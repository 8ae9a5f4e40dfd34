import { parse as parseYaml } from 'yaml';
import { ConfigError } from './config-error';

export type PlainObject = { [key: string]: unknown };

export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Values from the environment or `--set` are YAML scalars: `8080` is a number, `[a, b]` a list. */
export function parseScalar(text: string): unknown {
  try {
    const value: unknown = parseYaml(text);
    return value === null && text.trim() !== '' && text.trim() !== 'null' && text.trim() !== '~' ? text : value;
  } catch {
    return text;
  }
}

/** Sets `path` (already split) in `target`, creating objects on the way. */
export function setPath(target: PlainObject, path: string[], value: unknown, origin: string): void {
  let node = target;
  path.forEach((segment, i) => {
    if (i === path.length - 1) {
      node[segment] = value;
      return;
    }
    const next = node[segment];
    if (next === undefined) node[segment] = {};
    else if (!isPlainObject(next)) {
      throw new ConfigError([{ key: path.slice(0, i + 1).join('.'), message: 'is not an object, cannot set a key below it', origin }]);
    }
    node = node[segment] as PlainObject;
  });
}

/** Deep merge where `override` wins; arrays are replaced, not concatenated. */
export function deepMerge(base: PlainObject, override: PlainObject): PlainObject {
  const out: PlainObject = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}
