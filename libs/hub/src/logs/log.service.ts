import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Subjects, type LogEntry } from '@wirehook/contracts';
import type { Subscription } from '@wirehook/bus';
import { HUB_OPTIONS, type HubOptions } from '../hub-options';
import { formatLogLine, LogStore } from './log-store';

/** Collects every node's log entries from the bus into the bounded store and prints them. */
@Injectable()
export class LogService implements OnModuleDestroy {
  readonly store = new LogStore();
  private readonly subscription: Subscription;

  constructor(@Inject(HUB_OPTIONS) private readonly options: HubOptions) {
    const print = options.config.scripting.consoleToStdout ? (options.stdout ?? ((line: string) => process.stdout.write(line + '\n'))) : undefined;
    this.subscription = options.bus.subscribe<LogEntry>(Subjects.logsAll, (entry) => {
      this.store.add(entry);
      print?.(formatLogLine(entry));
    });
  }

  /** The hub's own entries travel the same way as the workers', so every consumer sees them. */
  publish(entry: LogEntry): void {
    this.options.bus.publish(Subjects.logs(entry.node), entry);
  }

  onModuleDestroy(): void {
    this.subscription.unsubscribe();
  }
}
