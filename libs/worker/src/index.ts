export * from './worker-options';
export * from './worker.module';
export * from './start-worker';
export * from './traffic/delivery-batcher';
export { BUNDLED_CAPTURE } from './traffic/capture-source.factory';
export * from './run-worker-process';
