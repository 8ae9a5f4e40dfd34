#!/usr/bin/env node
// `npx wirehook …` from the repository root: runs the TypeScript CLI directly (see tools/register.js).
require('../tools/register');
require('../apps/cli/src/main').main(process.argv);
