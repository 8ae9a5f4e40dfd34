// The hub runs agents in isolated-vm, which on Node.js >= 20 needs `--no-node-snapshot`; Jest forks its
// workers after reading this file, so the flag set here reaches them (as in libs/runtime/jest.config.js).
if (!(process.env.NODE_OPTIONS || '').includes('--no-node-snapshot')) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS || ''} --no-node-snapshot`.trim();
}
const preset = require('../../jest.preset.js');
module.exports = {
  ...preset,
  displayName: 'hub',
  rootDir: __dirname,
  testTimeout: 60000,
  // isolated-vm loads its native addon (out/isolated_vm.node) by a path without extension.
  moduleFileExtensions: [...preset.moduleFileExtensions, 'node'],
};
