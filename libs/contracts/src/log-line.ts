import type { LogEntry } from './messages';

/** One log entry as a terminal line ("12:00:01 [node] [agent] WARN message"): the hub's console and `wirehook replay` print the same. */
export function formatLogLine(entry: LogEntry): string {
  const time = new Date(entry.time).toISOString().slice(11, 19);
  const agent = entry.agent ? ` [${entry.agent}]` : '';
  const level = entry.level === 'info' ? '' : ` ${entry.level.toUpperCase()}`;
  return `${time} [${entry.node}]${agent}${level} ${entry.message}`;
}
