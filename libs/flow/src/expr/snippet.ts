import { parse } from 'acorn';

/** One problem in a snippet; line and column are 1-based within the snippet's own text. */
export interface SnippetProblem {
  line: number;
  column: number;
  message: string;
}

/** The runtime's ES5 check (`checkEs5` of @wirehook/runtime), injected where it is available. */
export type Es5Checker = (source: string, fileName: string) => Array<{ line: number; column: number; message: string }>;

/** The snippet as the compiler places it: a function of (data, emit). Line 1 of the snippet is line 2 here. */
export function snippetFunctionSource(name: string, code: string): string {
  return `function ${name}(data, emit) {\n${code}\n}`;
}

/**
 * Checks a snippet: it must be ES5 and a function body on its own, so that it cannot close the
 * function it is placed in and reach the rest of the agent (`}); function onItemCaptured…` is
 * refused). With the runtime's checker, its reason ("arrow functions are not ES5") is used.
 */
export function checkSnippet(code: string, checkEs5?: Es5Checker, fileName = 'snippet'): SnippetProblem[] {
  try {
    parse(code, { ecmaVersion: 5, sourceType: 'script', allowReturnOutsideFunction: true, locations: true, allowHashBang: false });
  } catch (error) {
    const loc = (error as { loc?: { line: number; column: number } }).loc;
    const reason = (error as Error).message.replace(/\s*\(\d+:\d+\)$/, '');
    let problem: SnippetProblem = { line: loc?.line ?? 1, column: (loc?.column ?? 0) + 1, message: reason };
    if (checkEs5) {
      // The runtime names the later-JavaScript construct; lines shift by the wrapper's first line.
      const found = checkEs5(snippetFunctionSource('snippet', code), fileName)[0];
      if (found && found.line >= 2) problem = { line: found.line - 1, column: found.column, message: found.message.replace(/^.*?:\d+:\d+: /, '') };
    }
    return [problem];
  }
  if (checkEs5) {
    return checkEs5(snippetFunctionSource('snippet', code), fileName).map((d) => ({ line: Math.max(1, d.line - 1), column: d.column, message: d.message.replace(/^.*?:\d+:\d+: /, '') }));
  }
  return [];
}
