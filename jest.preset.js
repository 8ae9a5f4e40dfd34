// Shared Jest settings for every project: SWC transform (fast, keeps decorator metadata),
// @wirehook/* path aliases from tsconfig.base.json, and the results reporter that
// tools/test/run-all.js sums into the one-line CI summary.
const path = require('path');
const { compilerOptions } = require('./tsconfig.base.json');

// isolated-vm (the agent sandbox) needs Node's startup snapshot off on Node >= 20. Jest forks its
// workers after reading the config, so setting it here reaches every worker.
if (!(process.env.NODE_OPTIONS || '').includes('--no-node-snapshot')) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS || ''} --no-node-snapshot`.trim();
}

const moduleNameMapper = {};
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  if (alias.endsWith('/*')) {
    // `@wirehook/testing/agent-host` → libs/testing/src/agent-host (modules kept out of the index on purpose).
    moduleNameMapper[`^${alias.slice(0, -2).replace('/', '\\/')}\\/(.*)$`] = path.join(__dirname, target.slice(0, -1)) + '$1';
  } else moduleNameMapper[`^${alias.replace('/', '\\/')}$`] = path.join(__dirname, target);
}

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)s$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  // 'node': isolated-vm loads its native addon by a path without extension.
  moduleFileExtensions: ['ts', 'js', 'json', 'node'],
  moduleNameMapper,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  reporters: ['default', path.join(__dirname, 'tools/jest/results-reporter.js')],
};
