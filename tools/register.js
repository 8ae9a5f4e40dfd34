// Lets Node run the TypeScript sources directly (CLI, all-in-one, benchmarks):
// SWC transpiles per file (with decorator metadata for NestJS) and tsconfig-paths
// resolves the @wirehook/* aliases. No build step between `npm ci` and `npm start`.
const path = require('path');
const root = path.join(__dirname, '..');
process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || path.join(root, 'tsconfig.base.json');
require('@swc-node/register');
const { compilerOptions } = require(path.join(root, 'tsconfig.base.json'));
require('tsconfig-paths').register({ baseUrl: root, paths: compilerOptions.paths });
