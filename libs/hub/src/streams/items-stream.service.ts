import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { SCHEMA_VERSION, Subjects } from '@wirehook/contracts';
import { HUB_NODE_NAME, HUB_OPTIONS, type HubOptions } from '../hub-options';
import { LogService } from '../logs/log.service';

/**
 * Keeps the JetStream stream over `wirehook.items.>` in place with the configured retention,
 * so an external consumer can read every item durably and replay. It stores the workers' item
 * batches as sent; a batch re-sent after a reconnect has the same `Nats-Msg-Id` and is stored
 * once within the duplicate window, so each item is stored once.
 */
@Injectable()
export class ItemsStreamService implements OnApplicationBootstrap {
  /** What the stream is, for the API and the start banner. */
  status = 'not configured';

  constructor(
    @Inject(HUB_OPTIONS) private readonly options: HubOptions,
    private readonly logs: LogService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const spec = this.options.config.nats.itemsStream;
    if (!spec.enabled) {
      this.status = 'disabled (nats.itemsStream.enabled=false)';
      return;
    }
    try {
      const created = await this.options.bus.ensureDurableStream({
        name: spec.name,
        subjects: [Subjects.itemsAll],
        maxAgeMs: spec.maxAgeSeconds * 1000,
        maxBytes: spec.maxBytes,
        duplicateWindowMs: spec.duplicateWindowSeconds * 1000,
      });
      this.status = created ? `JetStream stream ${spec.name}` : 'none (in-process bus)';
    } catch (error) {
      // Live subscribers still get items; only durable replay is missing, so say so and go on.
      this.status = `unavailable: ${(error as Error).message}`;
      this.logs.publish({
        v: SCHEMA_VERSION,
        time: Date.now(),
        node: HUB_NODE_NAME,
        agent: '',
        level: 'error',
        source: 'runtime',
        message: `items stream ${spec.name}: ${(error as Error).message}`,
      });
    }
  }
}
