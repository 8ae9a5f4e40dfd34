/**
 * Field paths into the value a node receives, in the filter language's syntax:
 * `response.status`, `request.headers["User-Agent"]`, `request.pathSegments[0]`.
 *
 *   path    := name ( '.' name | '[' string ']' | '[' digits ']' )*
 *   name    := [A-Za-z_$][A-Za-z0-9_$-]*
 *   string  := "…" | '…'   (JSON escapes)
 */

export type PathSegment = string | number;

export class PathSyntaxError extends Error {
  constructor(
    message: string,
    /** 1-based column in the path text. */
    readonly column: number,
  ) {
    super(message);
    this.name = 'PathSyntaxError';
  }
}

const NAME_START = /[A-Za-z_$]/;
const NAME_PART = /[A-Za-z0-9_$-]/;

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0', '\\': '\\', '"': '"', "'": "'", '/': '/' };

/**
 * Reads a quoted string starting at `start` (a quote); returns its value and the index after it.
 * Escapes as in the filter language: \n \t \r \b \f \v \0 \\ \" \' \/ \uXXXX; any other keeps its backslash.
 */
export function readQuoted(text: string, start: number): { value: string; end: number } {
  const quote = text[start];
  let value = '';
  let i = start + 1;
  while (i < text.length && text[i] !== quote) {
    const c = text[i];
    if (c !== '\\') {
      value += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === undefined) break;
    if (next === 'u') {
      const hex = text.slice(i + 2, i + 6);
      if (!/^[0-9A-Fa-f]{4}$/.test(hex)) throw new PathSyntaxError(`bad \\u escape at column ${i + 1}`, i + 1);
      value += String.fromCharCode(parseInt(hex, 16));
      i += 6;
    } else {
      value += ESCAPES[next] ?? '\\' + next;
      i += 2;
    }
  }
  if (i >= text.length) throw new PathSyntaxError(`unterminated string starting at column ${start + 1}`, start + 1);
  return { value, end: i + 1 };
}

/** Parses a path; throws PathSyntaxError with the column. An empty text is the empty path (the value itself). */
export function parsePath(text: string): PathSegment[] {
  const segments: PathSegment[] = [];
  let i = 0;
  const name = () => {
    const start = i;
    if (i >= text.length || !NAME_START.test(text[i])) {
      throw new PathSyntaxError(i >= text.length ? `a field name is missing at the end` : `unexpected ${JSON.stringify(text[i])} at column ${i + 1}`, i + 1);
    }
    while (i < text.length && NAME_PART.test(text[i])) i++;
    segments.push(text.slice(start, i));
  };
  if (text.trim() === '') return segments;
  if (text !== text.trim()) throw new PathSyntaxError('a path has no spaces around it', 1);
  name();
  while (i < text.length) {
    const c = text[i];
    if (c === '.') {
      i++;
      name();
    } else if (c === '[') {
      i++;
      if (text[i] === '"' || text[i] === "'") {
        const quoted = readQuoted(text, i);
        segments.push(quoted.value);
        i = quoted.end;
      } else {
        const start = i;
        while (i < text.length && text[i] >= '0' && text[i] <= '9') i++;
        if (i === start) throw new PathSyntaxError(`expected an index or a quoted name after "[" at column ${start + 1}`, start + 1);
        segments.push(Number(text.slice(start, i)));
      }
      if (text[i] !== ']') throw new PathSyntaxError(`expected "]" at column ${i + 1}`, i + 1);
      i++;
    } else {
      throw new PathSyntaxError(`unexpected ${JSON.stringify(c)} at column ${i + 1}`, i + 1);
    }
  }
  return segments;
}

/** A path written back in its shortest form (`request.headers["User-Agent"]`). */
export function formatPath(segments: PathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}
