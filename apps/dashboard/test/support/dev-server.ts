// A hub with a worker and the built dashboard for trying the dashboard by hand:
//   node --no-node-snapshot -r ./tools/register.js apps/dashboard/test/support/dev-server.ts
// Prints the URL and the admin token; Ctrl+C stops it (the temporary database is dropped).
import { startE2eHub } from './e2e-hub';

async function main(): Promise<void> {
  const running = await startE2eHub({ env: { WEBHOOK_URL: 'http://127.0.0.1:9/none' } });
  process.stdout.write(`${running.url}\n${running.adminToken}\n`);
  const stop = async () => {
    await running.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

void main();
