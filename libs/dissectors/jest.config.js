module.exports = { ...require('../../jest.preset.js'), displayName: 'dissectors', rootDir: __dirname };
