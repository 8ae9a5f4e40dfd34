#!/usr/bin/env node
// `npm test`: typecheck, lint and every project's Jest suite through Nx, then one line
// `N passed, N failed, N skipped` summed from the real Jest results (tools/jest/results-reporter.js).
// Typecheck and lint count as one test each. Exits non-zero when anything failed.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..', '..');
const reports = path.join(root, 'reports', 'jest');
const nx = path.join(root, 'node_modules', '.bin', 'nx');
// isolated-vm needs Node's startup snapshot off (Node >= 20), in Jest workers too.
const nodeOptions = `${process.env.NODE_OPTIONS ?? ''} --no-node-snapshot`.trim();
const env = { ...process.env, NODE_OPTIONS: nodeOptions, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_SKIP_NX_CACHE: 'true', FORCE_COLOR: process.stdout.isTTY ? '1' : '0' };

function run(title, command, args) {
  console.log(`\n=== ${title}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  const ok = result.status === 0;
  console.log(`=== ${title}: ${ok ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return ok;
}

function projectsWithTarget(target) {
  const result = spawnSync(nx, ['show', 'projects', '--with-target', target, '--json'], { cwd: root, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`nx show projects failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

fs.rmSync(reports, { recursive: true, force: true });
const filter = process.argv.slice(2); // optional project names: `npm test -- bus config`
const checks = [];
if (filter.length === 0) {
  checks.push(['typecheck', run('typecheck', path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json', '--noEmit'])]);
  // The dashboard is browser code with its own tsconfig (DOM, JSX).
  checks.push(['typecheck dashboard', run('typecheck dashboard', nx, ['run', 'dashboard:typecheck', '--outputStyle=static'])]);
  checks.push(['lint', run('lint', nx, ['run-many', '-t', 'lint', '--parallel=2', '--outputStyle=static'])]);
}
const testProjects = filter.length ? filter : projectsWithTarget('test');
const testsOk = run('tests', nx, ['run-many', '-t', 'test', '--parallel=1', '--outputStyle=static', '--skipNxCache', `--projects=${testProjects.join(',')}`]);

let passed = 0;
let failed = 0;
let skipped = 0;
for (const [name, ok] of checks) {
  if (ok) passed++;
  else {
    failed++;
    console.log(`FAILED check: ${name}`);
  }
}
for (const project of testProjects) {
  const file = path.join(reports, `${project}.json`);
  if (!fs.existsSync(file)) {
    // Jest never reached its reporter (config error, crash): the project counts as one failure.
    failed++;
    console.log(`FAILED project without results: ${project}`);
    continue;
  }
  const r = JSON.parse(fs.readFileSync(file, 'utf8'));
  passed += r.passed;
  failed += r.failed;
  skipped += r.skipped;
  for (const suite of r.failedSuites) console.log(`FAILED suite: ${path.relative(root, suite)}`);
}
if (!testsOk && failed === 0) {
  failed++;
  console.log('FAILED: the test run exited non-zero without a failed test (open handles, a crash?)');
}
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
