// Tests of the example agents: each runs through the real runtime on items dissected from the
// shared captures. (.cjs so that a folder sync of agents/**/*.js never takes it for an agent.)
// isolated-vm on Node.js >= 20 needs --no-node-snapshot; Jest's workers inherit it from here.
if (!(process.env.NODE_OPTIONS || '').includes('--no-node-snapshot')) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS || ''} --no-node-snapshot`.trim();
}
const preset = require('../../jest.preset.js');
module.exports = {
  ...preset,
  displayName: 'agent-examples',
  rootDir: __dirname,
  moduleFileExtensions: [...preset.moduleFileExtensions, 'node'],
  testTimeout: 30000,
};
