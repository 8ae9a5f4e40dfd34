import type { LogEntry } from '../api/types';
import { appendEntries, CLEAR_MESSAGE, entrySources, filterEntries } from './log-buffer';

const entry = (node: string, agent: string, message: string, source: LogEntry['source'] = 'console'): LogEntry => ({
  v: 1,
  time: 0,
  node,
  agent,
  level: 'info',
  source,
  message,
});

describe('console buffer', () => {
  it("clears one agent's lines on one node at console.clear(), keeping the rest", () => {
    const lines = appendEntries([], [entry('w1', 'A', 'a1'), entry('w2', 'A', 'a2'), entry('w1', 'B', 'b1')]);
    const cleared = appendEntries(lines, [entry('w1', 'A', CLEAR_MESSAGE), entry('w1', 'A', 'a3')]);
    expect(cleared.map((l) => l.message)).toEqual(['a2', 'b1', 'a3']);
  });

  it('keeps the newest lines beyond the cap', () => {
    const many = Array.from({ length: 30 }, (_, i) => entry('w', 'A', `m${i}`));
    expect(appendEntries([], many, 10).map((l) => l.message)).toEqual(many.slice(20).map((l) => l.message));
  });

  it('filters by node, agent, source and text, and lists what was seen', () => {
    const lines = [entry('hub', 'A', 'Hello'), entry('w1', 'A', 'hook failed', 'hook-error'), entry('w1', 'B', 'hello again'), entry('w1', '', 'runtime note', 'runtime')];
    expect(filterEntries(lines, { node: 'w1', agent: '', consoleOnly: false, text: '' })).toHaveLength(3);
    expect(filterEntries(lines, { node: '', agent: 'A', consoleOnly: true, text: '' }).map((l) => l.message)).toEqual(['Hello']);
    expect(filterEntries(lines, { node: '', agent: '', consoleOnly: false, text: 'HELLO' })).toHaveLength(2);
    expect(entrySources(lines)).toEqual({ nodes: ['hub', 'w1'], agents: ['A', 'B'] });
  });
});
