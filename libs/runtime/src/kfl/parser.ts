import { KFL_PROTOCOLS, type KflCompareOp, type KflNode, type KflStringOp } from './ast';
import { KflSyntaxError, tokenize, type KflToken } from './lexer';

const COMPARE_OPS: readonly string[] = ['==', '!=', '<', '<=', '>', '>='];
const STRING_OPS: readonly string[] = ['contains', 'startsWith', 'endsWith', 'matches'];
const KEYWORDS: readonly string[] = ['and', 'or', 'not', 'true', 'false', 'null', ...STRING_OPS];

/** Parses a KFL query into its syntax tree; throws KflSyntaxError with the column on any error. */
export function parseKfl(query: string): KflNode {
  if (query.trim() === '' || query.trim() === '*') return { kind: 'all' };
  return new Parser(query, tokenize(query)).parseQuery();
}

class Parser {
  private pos = 0;

  constructor(
    private readonly query: string,
    private readonly tokens: KflToken[],
  ) {}

  parseQuery(): KflNode {
    const node = this.parseOr();
    const next = this.peek();
    if (next.type !== 'end') this.fail(`unexpected ${describe(next)}`, next);
    return node;
  }

  private parseOr(): KflNode {
    let left = this.parseAnd();
    while (this.acceptWord('or') || this.acceptOp('||')) {
      left = { kind: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): KflNode {
    let left = this.parseNot();
    while (this.acceptWord('and') || this.acceptOp('&&')) {
      left = { kind: 'and', left, right: this.parseNot() };
    }
    return left;
  }

  private parseNot(): KflNode {
    if (this.acceptWord('not') || this.acceptOp('!')) return { kind: 'not', operand: this.parseNot() };
    return this.parseComparison();
  }

  private parseComparison(): KflNode {
    const start = this.peek();
    if (start.type === 'punct' && start.text === '(') {
      this.pos++;
      const inner = this.parseOr();
      this.expectPunct(')');
      return inner;
    }
    const left = this.parseOperand();
    if (left.kind === 'string-op') return left;
    const next = this.peek();
    if (next.type === 'op' && COMPARE_OPS.includes(next.text)) {
      this.pos++;
      return { kind: 'compare', op: next.text as KflCompareOp, left, right: this.parseOperand() };
    }
    if (next.type === 'ident' && STRING_OPS.includes(next.text)) {
      this.pos++;
      return this.stringOp(next.text as KflStringOp, left, this.parseOperand(), next);
    }
    if (left.kind === 'path' && left.segments.length === 1 && KFL_PROTOCOLS.includes(String(left.segments[0]))) {
      return { kind: 'protocol', name: String(left.segments[0]) };
    }
    if (left.kind === 'literal') return { kind: 'truthy', operand: left };
    return { kind: 'truthy', operand: left };
  }

  /** A literal, or a field path possibly ending in a method-style string op: `request.path.startsWith("/api")`. */
  private parseOperand(): KflNode {
    const token = this.peek();
    if (token.type === 'string') {
      this.pos++;
      return { kind: 'literal', value: token.text };
    }
    if (token.type === 'number') {
      this.pos++;
      return { kind: 'literal', value: Number(token.text) };
    }
    if (token.type !== 'ident') this.fail(`expected a field or a value, found ${describe(token)}`, token);
    if (token.text === 'true' || token.text === 'false') {
      this.pos++;
      return { kind: 'literal', value: token.text === 'true' };
    }
    if (token.text === 'null') {
      this.pos++;
      return { kind: 'literal', value: null };
    }
    if (KEYWORDS.includes(token.text)) this.fail(`expected a field, found keyword '${token.text}'`, token);
    this.pos++;
    const segments: Array<string | number> = [this.identName(token)];
    for (;;) {
      const next = this.peek();
      if (next.type === 'punct' && next.text === '.') {
        this.pos++;
        const name = this.peek();
        if (name.type !== 'ident') this.fail(`expected a field name after '.', found ${describe(name)}`, name);
        this.pos++;
        const after = this.peek();
        if (STRING_OPS.includes(name.text) && after.type === 'punct' && after.text === '(') {
          this.pos++;
          const argument = this.parseOperand();
          this.expectPunct(')');
          return this.stringOp(name.text as KflStringOp, { kind: 'path', segments }, argument, name);
        }
        segments.push(this.identName(name));
        continue;
      }
      if (next.type === 'punct' && next.text === '[') {
        this.pos++;
        const key = this.peek();
        if (key.type === 'string') segments.push(key.text);
        else if (key.type === 'number' && /^[0-9]+$/.test(key.text)) segments.push(Number(key.text));
        else this.fail(`expected a quoted key or an index inside [ ], found ${describe(key)}`, key);
        this.pos++;
        this.expectPunct(']');
        continue;
      }
      return { kind: 'path', segments };
    }
  }

  private stringOp(op: KflStringOp, left: KflNode, right: KflNode, at: KflToken): KflNode {
    if (right.kind !== 'literal' || typeof right.value !== 'string') {
      // Regular expressions are compiled once, so `matches` needs a literal pattern.
      if (op === 'matches') this.fail("'matches' needs a quoted regular expression", at);
    }
    if (op === 'matches' && right.kind === 'literal') {
      try {
        new RegExp(String(right.value));
      } catch (error) {
        this.fail(`bad regular expression: ${(error as Error).message}`, at);
      }
    }
    return { kind: 'string-op', op, left, right };
  }

  private identName(token: KflToken): string {
    if (token.text.endsWith('-')) this.fail(`bad field name '${token.text}'`, token);
    return token.text;
  }

  private peek(): KflToken {
    return this.tokens[this.pos];
  }

  private acceptWord(word: string): boolean {
    const token = this.peek();
    if (token.type === 'ident' && token.text === word) {
      this.pos++;
      return true;
    }
    return false;
  }

  private acceptOp(op: string): boolean {
    const token = this.peek();
    if (token.type === 'op' && token.text === op) {
      this.pos++;
      return true;
    }
    return false;
  }

  private expectPunct(text: string): void {
    const token = this.peek();
    if (token.type !== 'punct' || token.text !== text) this.fail(`expected '${text}', found ${describe(token)}`, token);
    this.pos++;
  }

  private fail(message: string, token: KflToken): never {
    throw new KflSyntaxError(message, this.query, token.column);
  }
}

function describe(token: KflToken): string {
  if (token.type === 'end') return 'end of query';
  if (token.type === 'string') return `string ${JSON.stringify(token.text)}`;
  return `'${token.text}'`;
}
