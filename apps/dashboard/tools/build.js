#!/usr/bin/env node
// Builds the dashboard (Vite) into apps/dashboard/dist when the build is missing or older than its
// sources; `--force` builds in any case. Used by `npm start` (prestart), the Nx `build` target and
// the dashboard's browser tests. Without Vite installed (npm ci --omit=dev) it says so and exits 0:
// the hub then serves a page that tells how to build.
const fs = require('fs');
const path = require('path');

const app = path.join(__dirname, '..');
const root = path.join(app, '..', '..');
const dist = path.join(app, 'dist');
const SOURCES = [
  path.join(app, 'src'),
  path.join(app, 'index.html'),
  path.join(app, 'vite.config.mts'),
  path.join(root, 'libs', 'flow', 'src'),
  path.join(root, 'libs', 'runtime', 'src', 'kfl'),
  path.join(root, 'libs', 'contracts', 'src'),
  path.join(root, 'libs', 'plugin-sdk', 'src'),
];

/** Newest modification time under a file or folder (spec files do not count). */
function newest(file) {
  let stat;
  try {
    stat = fs.statSync(file);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return /\.spec\.tsx?$/.test(file) ? 0 : stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of fs.readdirSync(file)) latest = Math.max(latest, newest(path.join(file, entry)));
  return latest;
}

function upToDate() {
  const built = path.join(dist, 'index.html');
  if (!fs.existsSync(built)) return false;
  const builtAt = fs.statSync(built).mtimeMs;
  return SOURCES.every((source) => newest(source) <= builtAt);
}

async function main() {
  const force = process.argv.includes('--force');
  if (!force && upToDate()) {
    console.log('dashboard: build is up to date (apps/dashboard/dist)');
    return;
  }
  let vite;
  try {
    vite = await import('vite');
  } catch {
    console.warn('dashboard: Vite is not installed (dev dependencies left out?); the hub will serve no dashboard until `npm run build:dashboard` ran');
    return;
  }
  const started = Date.now();
  await vite.build({ configFile: path.join(app, 'vite.config.mts'), logLevel: process.env.CI ? 'warn' : 'info' });
  console.log(`dashboard: built into apps/dashboard/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error) => {
  console.error(`dashboard: build failed: ${error.stack || error.message}`);
  process.exit(1);
});
