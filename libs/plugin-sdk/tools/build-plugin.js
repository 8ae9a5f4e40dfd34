#!/usr/bin/env node
// Builds a plugin package: every src/**/*.ts (tests excluded) transpiled one file at a time to
// dist/**/*.js (CommonJS, ES2022). Plugins import only types from @wirehook/plugin-sdk, and type
// imports vanish here, so the output requires nothing of Wirehook's. Type checking is separate
// (`npx tsc -p plugins/<name>/tsconfig.json`). Usage: node build-plugin.js <plugin folder>
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

function sourceFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return /\.ts$/.test(entry.name) && !/\.(spec|test)\.ts$/.test(entry.name) && !/\.d\.ts$/.test(entry.name) ? [file] : [];
  });
}

/** Transpiles `<pluginDir>/src` into `<pluginDir>/dist` (emptied first); returns the files written. */
function buildPlugin(pluginDir) {
  const src = path.join(pluginDir, 'src');
  const dist = path.join(pluginDir, 'dist');
  fs.rmSync(dist, { recursive: true, force: true });
  const written = [];
  for (const file of sourceFiles(src)) {
    const output = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
      fileName: file,
      reportDiagnostics: true,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false, removeComments: false },
    });
    const errors = (output.diagnostics || []).filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length > 0) {
      throw new Error(`${file}: ${errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('; ')}`);
    }
    const target = path.join(dist, path.relative(src, file)).replace(/\.ts$/, '.js');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, output.outputText);
    written.push(target);
  }
  return written;
}

module.exports = { buildPlugin };

if (require.main === module) {
  const dir = path.resolve(process.argv[2] || '.');
  const files = buildPlugin(dir);
  process.stdout.write(`built ${files.length} file(s) into ${path.join(dir, 'dist')}\n`);
}
