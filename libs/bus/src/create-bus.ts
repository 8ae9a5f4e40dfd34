import type { Bus, BusErrorListener } from './bus';
import { InProcessBus } from './in-process-bus';
import { NatsBus } from './nats-bus';

export interface CreateBusOptions {
  /** NATS URL(s); when absent the in-process transport is used. */
  natsUrl?: string;
  name: string;
  maxPendingBytes?: number;
  onError?: BusErrorListener;
  onStatus?: (status: string) => void;
}

export async function createBus(options: CreateBusOptions): Promise<Bus> {
  if (!options.natsUrl) return new InProcessBus(options.onError);
  return NatsBus.connect({
    url: options.natsUrl,
    name: options.name,
    maxPendingBytes: options.maxPendingBytes,
    onError: options.onError,
    onStatus: options.onStatus,
  });
}
