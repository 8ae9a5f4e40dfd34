// libs/flow also runs in the dashboard (browser): its sources may use no Node.js API and import
// only packages that work in a browser.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = join(__dirname, '..', 'src');
const BROWSER_PACKAGES = ['@noble/hashes/sha2', '@noble/hashes/utils', 'acorn', 'semver', '@wirehook/contracts'];
/** Packages whose host side uses Node.js: types only (erased at build), never values. */
const TYPE_ONLY_PACKAGES = ['@wirehook/plugin-sdk'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

test('src imports only relative modules and browser-safe packages, and uses no Node.js globals', () => {
  const files = sources(SRC);
  expect(files.length).toBeGreaterThan(10);
  const problems: string[] = [];
  let imports = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const name = relative(SRC, file);
    for (const m of text.matchAll(/^(import|export)( type)?[^;]*?from\s+'([^']+)'/gms)) {
      const [, , typeOnly, module] = m;
      imports++;
      if (module.startsWith('.') || BROWSER_PACKAGES.includes(module)) continue;
      if (TYPE_ONLY_PACKAGES.includes(module) && typeOnly) continue;
      problems.push(`${name} imports ${module}${TYPE_ONLY_PACKAGES.includes(module) ? ' (not as a type)' : ''}`);
    }
    for (const m of text.matchAll(/(?:require\(|import\()\s*'([^']+)'/g)) problems.push(`${name} loads ${m[1]}`);
    // Code, not the text of generated agents: the compiler's own TypeScript outside template strings.
    for (const word of ['require(', 'process.', 'Buffer.', '__dirname', 'globalThis.process']) {
      if (text.includes(word)) problems.push(`${name} uses ${word}`);
    }
  }
  expect(imports).toBeGreaterThan(50);
  expect(problems).toEqual([]);
});
