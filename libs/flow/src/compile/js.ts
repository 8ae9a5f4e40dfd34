import type { JsonValue } from '../model/graph';

/**
 * Every piece of user text reaches the generated code through these functions: as a string
 * literal (JSON escaping, plus U+2028/U+2029, which end a line inside an ES5 string literal) or as
 * a comment (line breaks removed), never spliced in raw. A template therefore cannot inject code.
 */
export function jsString(text: string): string {
  return JSON.stringify(text).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A JSON value as an ES5 expression. */
export function jsValue(value: JsonValue): string {
  if (typeof value === 'string') return jsString(value);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jsValue).join(', ')}]`;
  return jsObject(Object.entries(value).map(([k, v]) => [k, jsValue(v)]));
}

/**
 * An object literal from (key, expression) pairs, keys quoted. A `__proto__` key would set the
 * prototype in a literal, so objects that have one are built with Object.defineProperty.
 */
export function jsObject(entries: Array<[string, string]>): string {
  if (entries.length === 0) return '{}';
  if (entries.some(([k]) => k === '__proto__')) {
    const defines = entries.map(([k, v]) => `Object.defineProperty(o, ${jsString(k)}, { value: ${v}, enumerable: true, writable: true, configurable: true });`).join(' ');
    return `(function () { var o = {}; ${defines} return o; })()`;
  }
  return `{ ${entries.map(([k, v]) => `${jsString(k)}: ${v}`).join(', ')} }`;
}

/** Text safe inside a `//` comment: one line, bounded. */
export function commentText(text: string, max = 200): string {
  const line = text.replace(/[\r\n\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  return line.length > max ? line.slice(0, max - 1) + '…' : line;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `a.b.c`, or `a["b-c"]` where a part is not an identifier. */
export function memberAccess(parts: string[]): string {
  let out = parts[0];
  for (const part of parts.slice(1)) out += IDENTIFIER.test(part) ? `.${part}` : `[${jsString(part)}]`;
  return out;
}

/** A readable identifier fragment from a node id (`filter-5xx` → `filter_5xx`). */
export function identifierPart(text: string, max = 40): string {
  const cleaned = text
    .replace(/[^A-Za-z0-9_$]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '')
    .slice(0, max);
  return cleaned === '' ? 'node' : cleaned;
}
