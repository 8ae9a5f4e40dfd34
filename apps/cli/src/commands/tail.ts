import type { Command } from 'commander';
import { Subjects, type ItemBatchMessage } from '@wirehook/contracts';
import { addConfigOptions, configFromFlags, type ConfigFlags } from '../config-options';

interface TailFlags extends ConfigFlags {
  count?: string;
  json?: boolean;
  batches?: boolean;
}

function isItemBatch(payload: unknown): payload is ItemBatchMessage {
  return typeof payload === 'object' && payload !== null && Array.isArray((payload as { items?: unknown }).items);
}

/**
 * `wirehook tail <subject>`: live messages on a subject (wildcards allowed), one per line. Item
 * subjects carry batches; those are printed one item per line (what a reader greps or pipes to
 * jq), unless `--batches` asks for the messages as they are on the wire.
 */
export function registerTailCommand(program: Command): void {
  addConfigOptions(
    program
      .command('tail')
      .description('print live messages on a NATS subject, e.g. wirehook tail "wirehook.items.>" (needs NATS_URL)')
      .argument('<subject>', 'subject or wildcard pattern')
      .option('-n, --count <n>', 'exit after this many lines')
      .option('--json', 'one JSON object per line: {"subject": …, "payload": …}, or {"subject": …, "item": …} for an item')
      .option('--batches', 'print item batches as one message each, as sent, instead of one line per item'),
  ).action(async (subject: string, flags: TailFlags) => {
    const { config } = configFromFlags(flags);
    // The bus is loaded when the command runs: the other commands start without it.
    const { isValidSubject, NatsBus, SubjectPattern } = await import('@wirehook/bus');
    const itemSubjects = new SubjectPattern(Subjects.itemsAll);
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
      const print = (actual: string, key: 'payload' | 'item', value: unknown): void => {
        if (seen >= limit) return;
        seen++;
        process.stdout.write((flags.json ? JSON.stringify({ subject: actual, [key]: value }) : `${actual} ${JSON.stringify(value)}`) + '\n');
        if (seen >= limit) stop();
      };
      bus.subscribe(subject, (payload, actual) => {
        if (!flags.batches && isItemBatch(payload) && itemSubjects.matches(actual)) for (const item of payload.items) print(actual, 'item', item);
        else print(actual, 'payload', payload);
      });
    });
    await bus.close();
  });
}
