import { parse, type Node } from 'acorn';

/** One reason a source is not accepted; line and column are 1-based. */
export interface Es5Diagnostic {
  line: number;
  column: number;
  message: string;
}

interface AcornSyntaxError extends SyntaxError {
  loc?: { line: number; column: number };
}

/** Node types (or node-type/field conditions) introduced after ES5, with the words a user understands. */
const LATER_SYNTAX: Record<string, string> = {
  ArrowFunctionExpression: 'arrow functions are not ES5',
  TemplateLiteral: 'template literals are not ES5',
  TaggedTemplateExpression: 'tagged templates are not ES5',
  ClassDeclaration: 'classes are not ES5',
  ClassExpression: 'classes are not ES5',
  SpreadElement: 'spread (...) is not ES5',
  RestElement: 'rest parameters (...) are not ES5',
  ObjectPattern: 'destructuring is not ES5',
  ArrayPattern: 'destructuring is not ES5',
  AssignmentPattern: 'default parameter values are not ES5',
  ForOfStatement: 'for…of is not ES5',
  AwaitExpression: 'async/await is not ES5',
  YieldExpression: 'generators are not ES5',
  ImportExpression: 'import() is not ES5',
  ImportDeclaration: 'modules (import) are not ES5',
  ExportNamedDeclaration: 'modules (export) are not ES5',
  ExportDefaultDeclaration: 'modules (export) are not ES5',
  ChainExpression: 'optional chaining (?.) is not ES5',
  MetaProperty: 'new.target/import.meta are not ES5',
};

/**
 * Checks that a script is valid ES5 (acorn, ecmaVersion 5, script goal). When the text is valid
 * later JavaScript, the reason names the construct (e.g. "arrow functions are not ES5").
 * Returns [] when the script is accepted.
 */
export function checkEs5(source: string, fileName: string): Es5Diagnostic[] {
  try {
    parse(source, { ecmaVersion: 5, sourceType: 'script', locations: true, allowHashBang: false });
    return [];
  } catch (error) {
    const es5Error = error as AcornSyntaxError;
    const line = es5Error.loc?.line ?? 1;
    const column = (es5Error.loc?.column ?? 0) + 1;
    const later = firstLaterConstruct(source);
    const reason = later ? `${later.message}` : stripPosition(es5Error.message);
    const where = later ?? { line, column };
    return [{ line: where.line, column: where.column, message: `${fileName}:${where.line}:${where.column}: ${reason}` }];
  }
}

function stripPosition(message: string): string {
  return message.replace(/\s*\(\d+:\d+\)$/, '');
}

/** The earliest post-ES5 construct when the text parses as modern JavaScript, else null. */
function firstLaterConstruct(source: string): Es5Diagnostic | null {
  let ast: Node;
  try {
    ast = parse(source, { ecmaVersion: 'latest', sourceType: 'script', locations: true, allowAwaitOutsideFunction: true });
  } catch {
    return null;
  }
  let best: Es5Diagnostic | null = null;
  let bestOffset = Infinity;
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    const n = node as Node & Record<string, unknown> & { loc?: { start: { line: number; column: number } } };
    if (typeof n.type === 'string') {
      const message = laterMessage(n);
      if (message && n.start < bestOffset && n.loc) {
        bestOffset = n.start;
        best = { line: n.loc.start.line, column: n.loc.start.column + 1, message };
      }
    }
    for (const key of Object.keys(n)) {
      if (key === 'loc' || key === 'start' || key === 'end' || key === 'type') continue;
      visit(n[key]);
    }
  };
  visit(ast);
  return best;
}

function laterMessage(node: Record<string, unknown> & { type: string }): string | undefined {
  if (node.type === 'VariableDeclaration' && (node.kind === 'let' || node.kind === 'const')) return `'${String(node.kind)}' is not ES5 (use var)`;
  if ((node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression') && node.async) return 'async functions are not ES5';
  if ((node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression') && node.generator) return 'generators are not ES5';
  if (node.type === 'Property' && (node.shorthand || node.method || node.computed)) return 'shorthand, method or computed object properties are not ES5';
  if (node.type === 'Literal' && (typeof node.bigint === 'string' || (node.regex as { flags?: string } | undefined)?.flags?.match(/[uysd]/))) {
    return typeof node.bigint === 'string' ? 'BigInt literals are not ES5' : 'this regular expression flag is not ES5';
  }
  if (node.type === 'LogicalExpression' && node.operator === '??') return "'??' is not ES5";
  if (node.type === 'AssignmentExpression' && ['**=', '&&=', '||=', '??='].includes(String(node.operator))) return `'${String(node.operator)}' is not ES5`;
  if (node.type === 'BinaryExpression' && node.operator === '**') return "'**' is not ES5";
  return LATER_SYNTAX[node.type];
}

/** The title rule lives in contracts so every layer shares it. */
export { agentTitle } from '@wirehook/contracts';
