#!/usr/bin/env -S node --no-node-snapshot
// `npx wirehook …` from the repository root: runs the TypeScript CLI directly (see tools/register.js).
// isolated-vm (the agent sandbox) needs Node's startup snapshot off on Node >= 20: the shebang and
// the npm scripts pass --no-node-snapshot; refuse clearly rather than crash later when it is missing.
if (!process.execArgv.includes('--no-node-snapshot') && !/--no-node-snapshot/.test(process.env.NODE_OPTIONS || '')) {
  process.stderr.write('wirehook: run with `node --no-node-snapshot bin/wirehook.js …` (or NODE_OPTIONS=--no-node-snapshot); the agent sandbox needs it\n');
  process.exit(2);
}
require('../tools/register');
require('../apps/cli/src/main').main(process.argv);
