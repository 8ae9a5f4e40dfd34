import { BaseRpcContext, Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import type { Bus, Subscription } from '../bus';

/** What a handler may inject with `@Ctx()`: the concrete subject a message arrived on. */
export class BusContext extends BaseRpcContext<[string]> {
  get subject(): string {
    return this.args[0];
  }
}

/** Options a handler gives in `@EventPattern(subject, { queue })` / `@MessagePattern(subject, { queue })`. */
export interface BusPatternExtras {
  queue?: string;
}

/**
 * A NestJS microservice transport over our Bus (NATS or in-process). Handlers are declared with
 * `@EventPattern` (fire and forget) and `@MessagePattern` (request/reply) on Wirehook subjects,
 * wildcards included. Unlike Nest's own NATS transport, nothing wraps the payload: handlers get
 * the plain JSON that any NATS client sees, and replies go back as plain JSON.
 */
export class BusTransport extends Server implements CustomTransportStrategy {
  private readonly subscriptions: Subscription[] = [];

  constructor(private readonly bus: Bus) {
    super();
  }

  listen(callback: (...optionalParams: unknown[]) => unknown): void {
    for (const [pattern, handler] of this.messageHandlers) {
      const extras = (handler.extras ?? {}) as BusPatternExtras;
      const options = extras.queue ? { queue: extras.queue } : {};
      if (handler.isEventHandler) {
        this.subscriptions.push(this.bus.subscribe(pattern, (payload, subject) => this.invoke(handler, payload, subject), options));
      } else {
        this.subscriptions.push(this.bus.reply(pattern, (payload, subject) => this.invoke(handler, payload, subject), options));
      }
    }
    callback();
  }

  close(): void {
    for (const s of this.subscriptions.splice(0)) s.unsubscribe();
  }

  on(): never {
    throw new Error('BusTransport does not emit transport events; use the Bus status callbacks');
  }

  unwrap<T>(): T {
    return this.bus as T;
  }

  private async invoke(handler: MessageHandler, payload: unknown, subject: string): Promise<unknown> {
    const result = await handler(payload, new BusContext([subject]));
    return lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
  }
}
