// The hub process (NestJS application; the hub image's entry point): configuration from
// wirehook.yaml / WIREHOOK_CONFIG and the environment (NATS_URL, DATABASE_URL, HUB_PORT…).
// Same as `wirehook hub`. Run with `node --no-node-snapshot -r ./tools/register.js apps/hub/src/main.ts`.
import 'reflect-metadata';
import { loadConfig } from '@wirehook/config';
import { runHubProcess } from '@wirehook/hub';

runHubProcess(loadConfig({ defaultNodeName: 'hub' }).config).catch((error: Error) => {
  process.stderr.write(`wirehook hub: ${error.message}\n`);
  process.exit(1);
});
