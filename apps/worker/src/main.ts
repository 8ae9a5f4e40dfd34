// A worker process (NestJS microservice on the Wirehook bus; the worker image's entry point),
// one per node: NODE_NAME from the downward API, NATS_URL, tap.* from wirehook.yaml or
// WIREHOOK__TAP__… variables. Same as `wirehook worker`.
// Run with `node --no-node-snapshot -r ./tools/register.js apps/worker/src/main.ts`.
import 'reflect-metadata';
import { loadConfig } from '@wirehook/config';
import { WIREHOOK_VERSION } from '@wirehook/process';
import { runWorkerProcess } from '@wirehook/worker';

runWorkerProcess(loadConfig().config, WIREHOOK_VERSION).catch((error: Error) => {
  process.stderr.write(`wirehook worker: ${error.message}\n`);
  process.exit(1);
});
