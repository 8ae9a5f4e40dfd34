export * from './process-logger';
export * from './shutdown-signal';
export * from './product-version';
