/**
 * Small ES5 functions the generated code calls. Only those a flow uses are emitted, always in this
 * order, so the output stays deterministic. Their semantics follow the filter language (KFL.md):
 * a missing field is undefined (equal to null), numbers and numeric strings compare as numbers.
 */
export const SUPPORT_FUNCTIONS = {
  flow_get: `// Reads a field path from a value; undefined when a step is missing.
function flow_get(value, path) {
  for (var i = 0; i < path.length; i++) {
    if (value === null || value === undefined) return undefined;
    value = value[path[i]];
  }
  return value;
}`,
  flow_text: `// A value as template text: strings as they are, nothing as "", objects as JSON.
function flow_text(value) {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "object") {
    try { return JSON.stringify(value); } catch (e) { return String(value); }
  }
  return String(value);
}`,
  flow_number: `// A number, or a string holding one; undefined otherwise.
function flow_number(value) {
  if (typeof value === "number") return value === value ? value : undefined;
  if (typeof value === "string" && /^\\s*-?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?\\s*$/.test(value)) return Number(value);
  return undefined;
}`,
  flow_equal: `// Equality as in the filter language: a missing field equals null; a number equals its numeric string.
function flow_equal(a, b) {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (typeof a === "number" || typeof b === "number") {
    var x = flow_number(a), y = flow_number(b);
    return x !== undefined && y !== undefined && x === y;
  }
  return a === b;
}`,
  flow_compare: `// The field filter's operators.
function flow_compare(a, op, b) {
  var x, y, i;
  switch (op) {
    case "==": return flow_equal(a, b);
    case "!=": return !flow_equal(a, b);
    case "<": case "<=": case ">": case ">=":
      if (typeof a === "number" || typeof b === "number") {
        x = flow_number(a); y = flow_number(b);
        if (x === undefined || y === undefined) return false;
      } else if (typeof a === "string" && typeof b === "string") {
        x = a; y = b;
      } else {
        return false;
      }
      return op === "<" ? x < y : op === "<=" ? x <= y : op === ">" ? x > y : x >= y;
    case "contains":
      if (typeof a === "string") return a.indexOf(flow_text(b)) !== -1;
      if (Object.prototype.toString.call(a) === "[object Array]") {
        for (i = 0; i < a.length; i++) if (flow_equal(a[i], b)) return true;
      }
      return false;
    case "startsWith":
      return (typeof a === "string" || typeof a === "number" || typeof a === "boolean") && String(a).indexOf(flow_text(b)) === 0;
    case "endsWith":
      if (typeof a !== "string" && typeof a !== "number" && typeof a !== "boolean") return false;
      x = String(a); y = flow_text(b);
      return x.length >= y.length && x.slice(x.length - y.length) === y;
    case "exists": return a !== undefined && a !== null;
    case "notExists": return a === undefined || a === null;
  }
  return false;
}`,
  flow_matches: `// A regular expression test on a string field (false for anything else).
function flow_matches(value, re) {
  return typeof value === "string" && re.test(value);
}`,
  flow_window: `// A window of a counter or a rate limit: keys in arrival order, at most flow_window_keys of them.
var flow_window_keys = 10000;
function flow_window() {
  return { keys: [], entries: {} };
}`,
} as const;

export type SupportName = keyof typeof SUPPORT_FUNCTIONS;

/** Support functions a function needs in turn. */
const NEEDS: Partial<Record<SupportName, SupportName[]>> = {
  flow_equal: ['flow_number'],
  flow_compare: ['flow_equal', 'flow_number', 'flow_text'],
};

/** The support functions to emit for what the code uses, with their dependencies, in a fixed order. */
export function supportSource(used: Set<SupportName>): string[] {
  const all = new Set<SupportName>();
  const add = (name: SupportName) => {
    if (all.has(name)) return;
    all.add(name);
    for (const dep of NEEDS[name] ?? []) add(dep);
  };
  for (const name of used) add(name);
  return (Object.keys(SUPPORT_FUNCTIONS) as SupportName[]).filter((n) => all.has(n)).map((n) => SUPPORT_FUNCTIONS[n]);
}
