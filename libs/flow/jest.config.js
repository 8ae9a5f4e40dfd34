// The compiler tests run generated agents in the real sandbox (@wirehook/runtime, isolated-vm),
// which needs `--no-node-snapshot` on Node.js >= 20; Jest forks its workers after reading this
// file, so the flag set here reaches them (see libs/runtime/jest.config.js).
if (!(process.env.NODE_OPTIONS || '').includes('--no-node-snapshot')) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS || ''} --no-node-snapshot`.trim();
}
const preset = require('../../jest.preset.js');
module.exports = {
  ...preset,
  displayName: 'flow',
  rootDir: __dirname,
  // isolated-vm loads its native addon by a path without extension.
  moduleFileExtensions: [...preset.moduleFileExtensions, 'node'],
  testTimeout: 30000,
};
