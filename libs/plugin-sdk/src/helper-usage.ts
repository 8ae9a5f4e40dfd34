import { tokenizer, type Token } from 'acorn';

/**
 * Which of `helperNames` (full names, `vendor.kinesis.put`) an agent source refers to, in the order
 * given. Reads tokens, so comments and strings do not count and `vendor['slack']` does; a source that
 * does not tokenize (not valid ES5) is searched as text instead.
 */
export function findHelperUsages(source: string, helperNames: readonly string[]): string[] {
  const paths = tokenPaths(source) ?? textPaths(source);
  return helperNames.filter((name) => {
    const wanted = name.split('.');
    return paths.some((path) => wanted.every((part, i) => path[i] === part));
  });
}

/** Every member path that starts at the identifier `vendor`: `vendor.kinesis.put` → ['vendor','kinesis','put']. */
function tokenPaths(source: string): string[][] | undefined {
  // Acorn's tokens carry `value` (identifier name, keyword, string contents); its typings omit it.
  let tokens: Array<Token & { value?: unknown }>;
  try {
    tokens = [...tokenizer(source, { ecmaVersion: 5, allowReturnOutsideFunction: true, allowHashBang: true })];
  } catch {
    return undefined;
  }
  const paths: string[][] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.type.label !== 'name' || token.value !== 'vendor') continue;
    const previous = tokens[i - 1];
    if (previous && previous.type.label === '.') continue; // `x.vendor` is someone else's property
    const path = ['vendor'];
    let j = i + 1;
    for (;;) {
      const t = tokens[j];
      if (t?.type.label === '.' && tokens[j + 1] && typeof tokens[j + 1].value === 'string') {
        path.push(String(tokens[j + 1].value));
        j += 2;
      } else if (t?.type.label === '[' && tokens[j + 1]?.type.label === 'string' && tokens[j + 2]?.type.label === ']') {
        path.push(String(tokens[j + 1].value));
        j += 3;
      } else break;
    }
    paths.push(path);
  }
  return paths;
}

function textPaths(source: string): string[][] {
  const paths: string[][] = [];
  const pattern = /\bvendor((?:\s*(?:\.\s*[A-Za-z_$][\w$]*|\[\s*['"][^'"]+['"]\s*\]))+)/g;
  for (const match of source.matchAll(pattern)) {
    const parts = [...match[1].matchAll(/\.\s*([A-Za-z_$][\w$]*)|\[\s*['"]([^'"]+)['"]\s*\]/g)].map((m) => m[1] ?? m[2]);
    paths.push(['vendor', ...parts]);
  }
  return paths;
}
