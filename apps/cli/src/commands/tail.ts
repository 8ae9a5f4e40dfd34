import type { Command } from 'commander';
import { isValidSubject, NatsBus } from '@wirehook/bus';
import { addConfigOptions, configFromFlags, type ConfigFlags } from '../config-options';

interface TailFlags extends ConfigFlags {
  count?: string;
  json?: boolean;
}

/** `wirehook tail <subject>`: live messages on a subject (wildcards allowed), one per line. */
export function registerTailCommand(program: Command): void {
  addConfigOptions(
    program
      .command('tail')
      .description('print live messages on a NATS subject, e.g. wirehook tail "wirehook.items.>" (needs NATS_URL)')
      .argument('<subject>', 'subject or wildcard pattern')
      .option('-n, --count <n>', 'exit after this many messages')
      .option('--json', 'one JSON object per line: {"subject": …, "payload": …}'),
  ).action(async (subject: string, flags: TailFlags) => {
    const { config } = configFromFlags(flags);
    if (!config.nats.url) throw new Error('tail reads from NATS: set nats.url (NATS_URL)');
    if (!isValidSubject(subject, true)) throw new Error(`not a valid subject: "${subject}"`);
    const limit = flags.count === undefined ? Infinity : Number.parseInt(flags.count, 10);
    if (!(limit > 0)) throw new Error(`--count must be a positive number, not "${flags.count}"`);

    const bus = await NatsBus.connect({ url: config.nats.url, name: 'wirehook-tail' });
    let seen = 0;
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      bus.subscribe(subject, (payload, actual) => {
        if (seen >= limit) return;
        seen++;
        process.stdout.write((flags.json ? JSON.stringify({ subject: actual, payload }) : `${actual} ${JSON.stringify(payload)}`) + '\n');
        if (seen >= limit) stop();
      });
    });
    await bus.close();
  });
}
