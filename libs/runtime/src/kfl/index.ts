/**
 * KFL: the filter language over items shared by agents (kfl.match/validate), the API and the
 * dashboard. No dependency on the sandbox: the dashboard imports this folder on its own.
 * Grammar: libs/runtime/KFL.md.
 */
import type { KflNode } from './ast';
import { kflToSource } from './codegen';
import { KFL_RUNTIME_SOURCE } from './kfl-runtime-source';
import { KflSyntaxError } from './lexer';
import { parseKfl } from './parser';

export type { KflNode, KflCompareOp, KflStringOp, KflLiteralValue } from './ast';
export { KFL_PROTOCOLS } from './ast';
export { KflSyntaxError } from './lexer';
export { parseKfl } from './parser';
export { kflToSource } from './codegen';
export { KFL_RUNTIME_SOURCE } from './kfl-runtime-source';

export type KflPredicate = (item: unknown) => boolean;

type KflRuntime = Record<string, unknown>;
let runtime: KflRuntime | undefined;

function kflRuntime(): KflRuntime {
  // Same source the sandboxes evaluate: one definition of the semantics.
  runtime ??= new Function(`return ${KFL_RUNTIME_SOURCE};`)() as KflRuntime;
  return runtime;
}

/** Compiles a query into a predicate over items. Throws KflSyntaxError (with column) when invalid. */
export function compileKfl(query: string): KflPredicate {
  const ast: KflNode = parseKfl(query);
  const factory = new Function(`return ${kflToSource(ast)};`)() as (r: KflRuntime) => KflPredicate;
  const predicate = factory(kflRuntime());
  return (item: unknown) => predicate(item) === true;
}

/** `kfl.match(query, data)`. */
export function matchKfl(query: string, item: unknown): boolean {
  return compileKfl(query)(item);
}

/** `kfl.validate(query)`: null when valid, else the error (message and 1-based column). */
export function validateKfl(query: string): { message: string; column: number } | null {
  try {
    parseKfl(query);
    return null;
  } catch (error) {
    if (error instanceof KflSyntaxError) return { message: error.message, column: error.column };
    throw error;
  }
}
