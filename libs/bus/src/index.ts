export * from './bus';
export * from './subject-match';
export * from './in-process-bus';
export * from './nats-bus';
export * from './create-bus';
export * from './item-batch-publisher';
export * from './nest/bus-transport';
