// isolated-vm on Node.js >= 20 needs `--no-node-snapshot` (V8 shared read-only heap; see
// laverdet/isolated-vm#420). Jest forks its test workers after reading this file, so the flag
// set here reaches every worker process that creates isolates.
if (!(process.env.NODE_OPTIONS || '').includes('--no-node-snapshot')) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS || ''} --no-node-snapshot`.trim();
}
const preset = require('../../jest.preset.js');
module.exports = {
  ...preset,
  displayName: 'runtime',
  rootDir: __dirname,
  // isolated-vm loads its native addon (out/isolated_vm.node) by a path without extension.
  moduleFileExtensions: [...preset.moduleFileExtensions, 'node'],
  testTimeout: 30000,
};
