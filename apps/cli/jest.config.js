// Tests here may run hub and worker in-process, and so isolated-vm: on Node.js >= 20 it needs
// `--no-node-snapshot` (set before Jest forks its workers) and Jest must resolve its native addon.
if (!(process.env.NODE_OPTIONS || '').includes('--no-node-snapshot')) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS || ''} --no-node-snapshot`.trim();
}
const preset = require('../../jest.preset.js');
module.exports = { ...preset, displayName: 'cli', rootDir: __dirname, moduleFileExtensions: [...preset.moduleFileExtensions, 'node'] };
