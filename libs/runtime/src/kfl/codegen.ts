import type { KflNode } from './ast';

const COMPARE_FUNCTIONS = { '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' } as const;

/**
 * ES5 source of a predicate factory for a parsed query: evaluating it gives
 * `function (R) { return function (d) { ... } }`, where R is the object KFL_RUNTIME_SOURCE yields.
 * Every user-supplied string enters the source through JSON.stringify, so a query cannot inject code.
 */
export function kflToSource(ast: KflNode): string {
  const regexps: string[] = [];
  const body = emit(ast, regexps);
  const declarations = regexps.map((pattern, i) => `var re${i} = new RegExp(${JSON.stringify(pattern)});`).join(' ');
  return `(function (R) { ${declarations} return function (d) { return ${body}; }; })`;
}

function emit(node: KflNode, regexps: string[]): string {
  switch (node.kind) {
    case 'all':
      return 'true';
    case 'literal':
      return JSON.stringify(node.value);
    case 'path':
      return `R.get(d, ${JSON.stringify(node.segments)})`;
    case 'protocol':
      return `R.protocol(d, ${JSON.stringify(node.name)})`;
    case 'compare':
      return `R.${COMPARE_FUNCTIONS[node.op]}(${emit(node.left, regexps)}, ${emit(node.right, regexps)})`;
    case 'string-op':
      if (node.op === 'matches') {
        const pattern = node.right.kind === 'literal' ? String(node.right.value) : '';
        regexps.push(pattern);
        return `R.matches(${emit(node.left, regexps)}, re${regexps.length - 1})`;
      }
      return `R.${node.op}(${emit(node.left, regexps)}, ${emit(node.right, regexps)})`;
    case 'truthy':
      return `R.truthy(${emit(node.operand, regexps)})`;
    case 'not':
      return `!(${emit(node.operand, regexps)})`;
    case 'and':
      return `(${emit(node.left, regexps)} && ${emit(node.right, regexps)})`;
    case 'or':
      return `(${emit(node.left, regexps)} || ${emit(node.right, regexps)})`;
  }
}
