import { Inject, Injectable } from '@nestjs/common';
import { formatLogLine, logLevelRank, Subjects, type LogEntry } from '@wirehook/contracts';
import { HUB_OPTIONS, type HubOptions } from '../hub-options';
import { LogStore } from './log-store';

/** Keeps every node's log entries (arriving on `wirehook.logs.>`) in the bounded store, and prints them. */
@Injectable()
export class LogService {
  readonly store = new LogStore();
  private readonly print?: (line: string) => void;
  /** Job runs and other debug entries are stored for the API but printed only at `logging.level: debug`. */
  private readonly printLevel: number;

  constructor(@Inject(HUB_OPTIONS) private readonly options: HubOptions) {
    if (options.config.scripting.consoleToStdout) {
      this.print = options.stdout ?? ((line: string) => void process.stdout.write(line + '\n'));
    }
    this.printLevel = logLevelRank(options.config.logging.level);
  }

  add(entry: LogEntry): void {
    this.store.add(entry);
    if (this.print && logLevelRank(entry.level) >= this.printLevel) this.print(formatLogLine(entry));
  }

  /** The hub's own entries travel the same way as the workers', so every consumer sees them. */
  publish(entry: LogEntry): void {
    this.options.bus.publish(Subjects.logs(entry.node), entry);
  }
}
