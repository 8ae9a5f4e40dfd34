// The tests run agents in the real sandbox (isolated-vm), which needs `--no-node-snapshot` on Node >= 20;
// Jest forks its workers after reading this file, so the flag set here reaches them.
if (!(process.env.NODE_OPTIONS || '').includes('--no-node-snapshot')) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS || ''} --no-node-snapshot`.trim();
}
const preset = require('../../jest.preset.js');
module.exports = { ...preset, displayName: 'plugin-kinesis', rootDir: __dirname, testTimeout: 30000, moduleFileExtensions: [...preset.moduleFileExtensions, 'node'] };
