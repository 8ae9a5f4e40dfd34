import { startNatsServer, type NatsServerHandle } from '@wirehook/testing';
import { InProcessBus, NatsBus, type Bus } from '../src';

/** A transport a suite runs against; both must behave the same. */
export interface Transport {
  name: string;
  open(): Promise<Bus>;
}

/**
 * Starts a private nats-server for the calling test file (beforeAll/afterAll) and returns both
 * transports, for `describe.each`, and the server, for the file's NATS-only cases.
 */
export function bothTransports(connectionName: string): { transports: Transport[]; nats: () => NatsServerHandle } {
  let nats: NatsServerHandle | undefined;
  beforeAll(async () => {
    nats = await startNatsServer();
  });
  afterAll(async () => {
    await nats?.stop();
  });
  const server = (): NatsServerHandle => {
    if (!nats) throw new Error('the nats-server of this test file is not running (used outside a test?)');
    return nats;
  };
  return {
    nats: server,
    transports: [
      { name: 'in-process', open: async () => new InProcessBus() },
      { name: 'nats', open: () => NatsBus.connect({ url: server().url, name: connectionName }) },
    ],
  };
}
