import type { LogEntry } from '../api/types';

/** Console lines the view keeps; older ones go first. */
export const MAX_CONSOLE_LINES = 2000;

/** console.clear() arrives as an entry whose message is a form feed (runtime CONSOLE_CLEAR_MESSAGE). */
export const CLEAR_MESSAGE = '\f';

/**
 * Adds entries from the log stream: a clear from an agent removes that agent's earlier lines on
 * that node; beyond `max` the oldest lines go.
 */
export function appendEntries(lines: LogEntry[], entries: LogEntry[], max = MAX_CONSOLE_LINES): LogEntry[] {
  let out = lines;
  let copied = false;
  for (const entry of entries) {
    if (!copied) {
      out = [...out];
      copied = true;
    }
    if (entry.source === 'console' && entry.message === CLEAR_MESSAGE) {
      out = out.filter((l) => !(l.agent === entry.agent && l.node === entry.node));
      continue;
    }
    out.push(entry);
  }
  return out.length > max ? out.slice(out.length - max) : out;
}

export interface ConsoleFilter {
  node: string;
  agent: string;
  /** Console output only, or every log source (hook errors, limits, loads, jobs). */
  consoleOnly: boolean;
  text: string;
}

export function filterEntries(lines: LogEntry[], filter: ConsoleFilter): LogEntry[] {
  const text = filter.text.toLowerCase();
  return lines.filter(
    (l) =>
      (!filter.node || l.node === filter.node) &&
      (!filter.agent || l.agent === filter.agent) &&
      (!filter.consoleOnly || l.source === 'console') &&
      (!text || l.message.toLowerCase().includes(text)),
  );
}

/** The nodes and agents seen, for the filter menus. */
export function entrySources(lines: LogEntry[]): { nodes: string[]; agents: string[] } {
  const nodes = new Set<string>();
  const agents = new Set<string>();
  for (const l of lines) {
    nodes.add(l.node);
    if (l.agent) agents.add(l.agent);
  }
  return { nodes: [...nodes].sort(), agents: [...agents].sort() };
}
