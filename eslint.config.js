// Lint rules for every project, and the dependency direction of shared/docs/architecture.md
// encoded as Nx module-boundary constraints on project tags.
const nx = require('@nx/eslint-plugin');
const tseslint = require('typescript-eslint');

const libs = ['contracts', 'config', 'capture', 'dissectors', 'plugin-sdk', 'runtime', 'storage', 'flow', 'bus', 'k8s'];
const tags = (names) => names.map((n) => `layer:${n}`);

// What each layer may import; contracts sits at the bottom and imports nothing of ours.
const allowed = {
  'layer:contracts': [],
  'layer:config': tags(['contracts']),
  'layer:capture': tags(['contracts']),
  'layer:dissectors': tags(['contracts', 'capture']),
  'layer:plugin-sdk': tags(['contracts']),
  'layer:runtime': tags(['contracts', 'plugin-sdk']),
  'layer:storage': tags(['contracts']),
  'layer:flow': tags(['contracts', 'plugin-sdk']),
  'layer:bus': tags(['contracts']),
  'layer:k8s': tags(['contracts']),
  // The process's own log and signal handling, for every entry point.
  'layer:process': [],
  // Test helpers (real servers, fixture paths, a real agent host) for other projects' tests.
  'layer:testing': tags(['contracts', 'runtime']),
  // Node features (hub, worker) compose the libraries.
  'layer:node': tags([...libs, 'process']),
  'type:app': tags([...libs, 'node', 'process']),
  // Plugins see nothing of ours but the plugin SDK.
  'type:plugin': tags(['plugin-sdk']),
};

const boundaries = (extra) => [
  'error',
  {
    enforceBuildableLibDependency: false,
    allow: [],
    // The CLI imports a command's libraries when the command runs (start-up time), not to split a
    // bundle: the same library may be imported statically elsewhere (tests, other commands).
    checkDynamicDependenciesExceptions: ['@wirehook/*'],
    depConstraints: Object.entries(allowed).map(([sourceTag, deps]) => ({
      sourceTag,
      onlyDependOnLibsWithTags: [...deps, ...extra],
    })),
  },
];

module.exports = [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/tmp/**', 'reports/**', 'data/**', 'agents/**', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': boundaries([]),
    },
  },
  {
    // Tests exercise a library with the real ones around it (a flow compiled and run in the
    // real sandbox, say), so they may import any library and the shared test helpers — never an app.
    files: ['**/*.spec.ts', '**/test/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries([...tags(libs), 'layer:testing', 'layer:node']) },
  },
];
