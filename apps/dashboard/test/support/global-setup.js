// Builds the dashboard before the browser tests when apps/dashboard/dist is missing or older than its sources.
const { execFileSync } = require('child_process');
const path = require('path');

module.exports = async function globalSetup() {
  execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'tools', 'build.js')], { stdio: 'inherit' });
};
