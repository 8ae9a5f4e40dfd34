export * from './paths';
export * from './ports';
export * from './nats-server';
export * from './postgres';
export * from './eventually';
export * from './kube-api-server';
export * from './kube-pods';
export * from './webhook-receiver';
