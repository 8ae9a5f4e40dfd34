/** Derived HTTP fields: path, path segments, query string, cookies. Never throw on bad input. */

export interface SplitTarget {
  path: string;
  pathSegments: string[];
  queryString: Record<string, string>;
}

interface TargetParts {
  path: string;
  /** Shared by every request with this target: hand out copies. */
  segments: readonly string[];
  query: string;
}

const targetParts = new Map<string, TargetParts>();
const MAX_TARGETS = 1024;
/** Longer targets (rare, and often unique) are split every time: the memo stays small. */
const MAX_CACHED_TARGET = 256;

/**
 * `splitTarget` with its string work remembered per target (clients repeat their URLs); every
 * call still returns fresh arrays and objects, since each item owns its own.
 */
export function splitTargetCached(target: string): SplitTarget {
  if (target.length > MAX_CACHED_TARGET) return splitTarget(target);
  let parts = targetParts.get(target);
  if (parts === undefined) {
    const { path, query } = pathAndQuery(target);
    parts = { path, segments: pathSegments(path), query };
    if (targetParts.size >= MAX_TARGETS) targetParts.clear();
    targetParts.set(target, parts);
  }
  return { path: parts.path, pathSegments: parts.segments.slice(), queryString: parts.query === '' ? {} : parseQuery(parts.query) };
}

/** Splits a request target into path, decoded path segments and decoded query parameters. */
export function splitTarget(target: string): SplitTarget {
  const { path, query } = pathAndQuery(target);
  return { path, pathSegments: pathSegments(path), queryString: query === '' ? {} : parseQuery(query) };
}

function pathAndQuery(target: string): { path: string; query: string } {
  let pathPart = target;
  // absolute-form (proxies): keep only the path of http://host/path
  if (!target.startsWith('/') && /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(target)) {
    const slash = target.indexOf('/', target.indexOf('//') + 2);
    pathPart = slash < 0 ? '/' : target.slice(slash);
  }
  const hash = pathPart.indexOf('#');
  if (hash >= 0) pathPart = pathPart.slice(0, hash);
  const question = pathPart.indexOf('?');
  const path = question >= 0 ? pathPart.slice(0, question) : pathPart;
  const query = question >= 0 ? pathPart.slice(question + 1) : '';
  return { path, query };
}

export function pathSegments(path: string): string[] {
  const segments: string[] = [];
  let start = 0;
  for (let i = 0; i <= path.length; i++) {
    if (i === path.length || path.charCodeAt(i) === 47) {
      if (i > start) segments.push(decodeComponent(path.slice(start, i), false));
      start = i + 1;
    }
  }
  return segments;
}

/** `a=1&b=x%20y&a=2` → `{a: "1,2", b: "x y"}`: repeated keys are joined with a comma. */
export function parseQuery(query: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decodeComponent(eq >= 0 ? pair.slice(0, eq) : pair, true);
    const value = eq >= 0 ? decodeComponent(pair.slice(eq + 1), true) : '';
    const previous = out[key];
    out[key] = previous === undefined ? value : previous + ',' + value;
  }
  return out;
}

/** `Cookie: a=1; b=2` → `{a: "1", b: "2"}`. */
export function parseCookieHeader(header: string | undefined): Record<string, string> {
  if (header === undefined || header === '') return {};
  const out: Record<string, string> = {};
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (name !== '' && out[name] === undefined) out[name] = unquote(part.slice(eq + 1).trim());
  }
  return out;
}

/** Set-Cookie lines (joined by `\n` in our headers) → `{name: value}`, attributes dropped. */
export function parseSetCookieHeaders(header: string | undefined): Record<string, string> {
  if (header === undefined || header === '') return {};
  const out: Record<string, string> = {};
  for (const line of header.split('\n')) {
    const semi = line.indexOf(';');
    const pair = semi >= 0 ? line.slice(0, semi) : line;
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    if (name !== '') out[name] = unquote(pair.slice(eq + 1).trim());
  }
  return out;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

function decodeComponent(text: string, plusIsSpace: boolean): string {
  const spaced = plusIsSpace && text.includes('+') ? text.replace(/\+/g, ' ') : text;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced; // malformed escapes stay as sent
  }
}
