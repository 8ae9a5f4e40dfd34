import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/**
 * The dashboard: a static single-page app the hub serves at `/`. Libraries of the repository are
 * bundled from source; `@wirehook/runtime` here is only its filter language (libs/runtime/src/kfl has
 * no isolated-vm dependency), which is all the browser needs of it.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  resolve: {
    alias: {
      '@wirehook/flow': root('libs/flow/src/index.ts'),
      '@wirehook/runtime': root('libs/runtime/src/kfl/index.ts'),
      '@wirehook/contracts': root('libs/contracts/src/index.ts'),
      '@wirehook/plugin-sdk': root('libs/plugin-sdk/src/index.ts'),
    },
  },
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2048,
    rolldownOptions: {
      // React Flow marks itself "use client" for server components; meaningless in a static bundle.
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
    },
  },
  server: {
    // `vite` dev server: the API comes from a hub on the default port.
    proxy: { '/api': { target: 'http://127.0.0.1:8898', ws: true } },
  },
});
