// Unit tests of the dashboard's logic (src/**/*.spec.ts, Node) and the browser tests (test/*.spec.ts:
// a real hub and worker in this process, Debian Chromium driven by playwright-core). The browser
// tests run the built dashboard: globalSetup builds it when the build is missing or stale.
if (!(process.env.NODE_OPTIONS || '').includes('--no-node-snapshot')) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS || ''} --no-node-snapshot`.trim();
}
const preset = require('../../jest.preset.js');
module.exports = {
  ...preset,
  displayName: 'dashboard',
  rootDir: __dirname,
  testTimeout: 120000,
  globalSetup: '<rootDir>/test/support/global-setup.js',
  moduleFileExtensions: [...preset.moduleFileExtensions, 'node'],
};
