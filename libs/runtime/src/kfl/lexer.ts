/** Tokens of a KFL query; positions are 1-based columns into the query text. */

export type KflTokenType = 'ident' | 'string' | 'number' | 'op' | 'punct' | 'end';

export interface KflToken {
  type: KflTokenType;
  /** Identifier name, decoded string, number text, operator or punctuation. */
  text: string;
  column: number;
}

export class KflSyntaxError extends Error {
  constructor(
    message: string,
    readonly query: string,
    readonly column: number,
  ) {
    super(`KFL: ${message} at column ${column} in ${JSON.stringify(query)}`);
    this.name = 'KflSyntaxError';
  }
}

const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '='];
const PUNCTUATION = '()[].,';

function isIdentStart(ch: string): boolean {
  return /[A-Za-z_$]/.test(ch);
}

function isIdentPart(ch: string): boolean {
  return /[A-Za-z0-9_$-]/.test(ch);
}

export function tokenize(query: string): KflToken[] {
  const tokens: KflToken[] = [];
  let i = 0;
  while (i < query.length) {
    const ch = query[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const column = i + 1;
    if (ch === '"' || ch === "'") {
      const { value, end } = readString(query, i);
      tokens.push({ type: 'string', text: value, column });
      i = end;
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '-' && /[0-9]/.test(query[i + 1] ?? ''))) {
      const match = /^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(query.slice(i));
      if (!match) throw new KflSyntaxError('bad number', query, column);
      tokens.push({ type: 'number', text: match[0], column });
      i += match[0].length;
      continue;
    }
    if (isIdentStart(ch)) {
      let end = i + 1;
      // A '-' inside a name is allowed (header-like names) but not at its end: `a-` is an error later.
      while (end < query.length && isIdentPart(query[end])) end++;
      tokens.push({ type: 'ident', text: query.slice(i, end), column });
      i = end;
      continue;
    }
    const op = OPERATORS.find((candidate) => query.startsWith(candidate, i));
    if (op) {
      if (op === '=') throw new KflSyntaxError("'=' is not an operator, use '=='", query, column);
      tokens.push({ type: 'op', text: op, column });
      i += op.length;
      continue;
    }
    if (PUNCTUATION.includes(ch)) {
      tokens.push({ type: 'punct', text: ch, column });
      i++;
      continue;
    }
    throw new KflSyntaxError(`unexpected character ${JSON.stringify(ch)}`, query, column);
  }
  tokens.push({ type: 'end', text: '', column: query.length + 1 });
  return tokens;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', "'": "'", '/': '/', '0': '\0' };

function readString(query: string, start: number): { value: string; end: number } {
  const quote = query[start];
  let value = '';
  let i = start + 1;
  while (i < query.length) {
    const ch = query[i];
    if (ch === quote) return { value, end: i + 1 };
    if (ch === '\\') {
      const next = query[i + 1];
      if (next === 'u') {
        const hex = query.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new KflSyntaxError('bad \\u escape', query, i + 1);
        value += String.fromCharCode(parseInt(hex, 16));
        i += 6;
        continue;
      }
      // Unknown escapes keep the backslash so that regular expressions read naturally: "\d+".
      value += next !== undefined && next in ESCAPES ? ESCAPES[next] : `\\${next ?? ''}`;
      i += 2;
      continue;
    }
    value += ch;
    i++;
  }
  throw new KflSyntaxError('unterminated string', query, start + 1);
}
