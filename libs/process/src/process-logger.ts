import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

/**
 * The process's own operational log (not agents' output, which goes to stdout):
 * JSON lines on stderr for log collectors, readable lines when stderr is a terminal.
 */
export function createProcessLogger(name: string, level: string): Logger {
  if (process.stderr.isTTY) {
    return pino({ name, level }, pretty({ destination: 2, sync: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss' }));
  }
  return pino({ name, level }, pino.destination({ dest: 2, sync: true }));
}
