export * from './hub-options';
export * from './hub.module';
export * from './start-hub';
export * from './logs/log-store';
export * from './workers/worker-registry.service';
export * from './auth/admin-token';
export * from './run-hub-process';
