// Label and field selectors as the API server parses them (?labelSelector=, ?fieldSelector=).
import { badRequest } from './status';
import type { KubeObject } from './types';

export type ObjectPredicate = (object: KubeObject) => boolean;

const matchAll: ObjectPredicate = () => true;

/** Splits on commas that are not inside `in (...)` value lists. */
function splitRequirements(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/** `app=web,tier!=db,env in (a,b),!legacy,release` → a predicate on metadata.labels. */
export function parseLabelSelector(text: string | null): ObjectPredicate {
  if (!text) return matchAll;
  const tests = splitRequirements(text).map((requirement): ObjectPredicate => {
    const labels = (o: KubeObject): Record<string, string> => o.metadata.labels ?? {};
    let m = /^([^\s=!(),]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(requirement);
    if (m) {
      const [, key, op, list] = m;
      const values = new Set(list.split(',').map((v) => v.trim()));
      return op === 'in'
        ? (o) => key in labels(o) && values.has(labels(o)[key])
        : (o) => !(key in labels(o)) || !values.has(labels(o)[key]);
    }
    m = /^([^\s=!(),]+)\s*(==|=|!=)\s*([^\s=!(),]*)$/.exec(requirement);
    if (m) {
      const [, key, op, value] = m;
      return op === '!=' ? (o) => labels(o)[key] !== value : (o) => labels(o)[key] === value;
    }
    m = /^(!?)([^\s=!(),]+)$/.exec(requirement);
    if (m) {
      const [, not, key] = m;
      return not ? (o) => !(key in labels(o)) : (o) => key in labels(o);
    }
    throw badRequest(`unable to parse requirement: found '${requirement}', expected a label selector requirement`);
  });
  return (o) => tests.every((t) => t(o));
}

function fieldValue(object: KubeObject, path: string): string {
  let value: unknown = object;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return '';
    value = (value as Record<string, unknown>)[part];
  }
  return value === undefined || value === null ? '' : String(value);
}

/** `metadata.name=x,spec.nodeName!=n1` → a predicate on those fields (absent fields compare as ""). */
export function parseFieldSelector(text: string | null): ObjectPredicate {
  if (!text) return matchAll;
  const tests = splitRequirements(text).map((requirement): ObjectPredicate => {
    const m = /^([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*)$/.exec(requirement);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${requirement}'`);
    const [, path, op, value] = m;
    return op === '!=' ? (o) => fieldValue(o, path) !== value : (o) => fieldValue(o, path) === value;
  });
  return (o) => tests.every((t) => t(o));
}
