import { AgentLoadError } from '../src';
import { agent, makeHost, settle, waitFor, type TestHost } from './support';

const version = (v: number) => `// Versioned
function onItemCaptured(data) { hub.action('seen', { v: ${v}, id: data.id }); }`;

describe('loading, sync and hot reload', () => {
  let t: TestHost;
  beforeEach(() => {
    t = makeHost();
  });
  afterEach(() => t.close());

  it('a changed agent takes over between batches: no item lost or seen twice', async () => {
    await t.runtime.sync([{ id: 'v.js', title: '', revision: 1, source: version(1) }]);
    const deliveries: Promise<unknown>[] = [];
    const batch = (b: number) => Array.from({ length: 25 }, (_, i) => ({ id: `b${b}-${i}` })) as never;
    for (let b = 0; b < 10; b++) {
      deliveries.push(t.runtime.onItemsCaptured(batch(b)));
      if (b === 4) deliveries.push(t.runtime.sync([{ id: 'v.js', title: '', revision: 2, source: version(2) }]));
    }
    await Promise.all(deliveries);
    await settle();
    const seen = t.hubActions.map((a) => a.object as { v: number; id: string });
    expect(seen).toHaveLength(250);
    expect(new Set(seen.map((s) => s.id)).size).toBe(250);
    expect(seen.filter((s) => s.v === 1).map((s) => s.id)).toEqual(Array.from({ length: 125 }, (_, i) => `b${Math.floor(i / 25)}-${i % 25}`));
    expect(seen.filter((s) => s.v === 2)).toHaveLength(125);
    expect(t.runtime.statuses()).toEqual([expect.objectContaining({ id: 'v.js', revision: 2, state: 'loaded' })]);
  });

  it('sync loads new, replaces changed, keeps unchanged and unloads removed agents', async () => {
    const a = { id: 'a.js', title: '', revision: 1, source: '// A\nfunction onItemCaptured() {}' };
    const b = { id: 'b.js', title: '', revision: 1, source: '// B\nfunction onItemCaptured() {}' };
    const first = await t.runtime.sync([a, b]);
    expect(first.loaded.map((s) => s.id).sort()).toEqual(['a.js', 'b.js']);
    const c = { id: 'c.js', title: 'Custom title', revision: 1, source: 'function onPodEvent() {}' };
    const second = await t.runtime.sync([a, { ...b, revision: 2, source: '// B2\nfunction onHubAction() {}' }, c]);
    expect(second.unchanged).toEqual(['a.js']);
    expect(second.replaced).toEqual([expect.objectContaining({ id: 'b.js', revision: 2, state: 'loaded', hooks: ['onHubAction'] })]);
    expect(second.loaded).toEqual([expect.objectContaining({ id: 'c.js', title: 'Custom title', hooks: ['onPodEvent'] })]);
    const third = await t.runtime.sync([c]);
    expect(third.unloaded.sort()).toEqual(['a.js', 'b.js']);
    expect(t.runtime.statuses().map((s) => s.id)).toEqual(['c.js']);
    expect(t.runtime.hasHook('onItemCaptured')).toBe(false);
  });

  it('removing an agent stops its jobs; replacing one swaps old jobs for new', async () => {
    await t.runtime.sync([{ id: 'j.js', title: '', revision: 1, source: "// Jobs\njobs.schedule('old', '* * * * * *', function () { console.log('old'); });" }]);
    await waitFor(() => t.console('Jobs').includes('old'), 'a run of the old job');
    await t.runtime.sync([{ id: 'j.js', title: '', revision: 2, source: "// Jobs\njobs.schedule('new', '* * * * * *', function () { console.log('new'); });" }]);
    expect(t.runtime.jobs.list().map((j) => j.tag)).toEqual(['new']);
    await waitFor(() => t.console('Jobs').includes('new'), 'a run of the new job');
    await t.runtime.sync([]);
    expect(t.runtime.jobs.list()).toEqual([]);
    const lines = t.console('Jobs').length;
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(t.console('Jobs')).toHaveLength(lines);
  });

  it('refuses non-ES5 source with agent, line, column and reason; other agents go on', async () => {
    await t.runtime.load(agent('ok.js', '// OK\nvar n = 0;\nfunction onItemCaptured() { n++; }\nfunction onHubAction() { console.log(n); }'));
    const attempt = t.runtime.load(agent('modern.js', '// Modern\nvar x = 1;\nvar f = (a) => a * 2;'));
    await expect(attempt).rejects.toBeInstanceOf(AgentLoadError);
    await expect(attempt).rejects.toMatchObject({ agentId: 'modern.js', agentTitle: 'Modern', kind: 'es5', line: 3, column: 9, reason: 'arrow functions are not ES5' });
    expect(t.entries('load', 'Modern')[0].message).toBe('refused (es5) at modern.js:3:9: arrow functions are not ES5');
    await t.runtime.onItemsCaptured([{ id: '1' }] as never);
    await t.runtime.onHubAction('x', null);
    await settle();
    expect(t.console('OK')).toEqual(['1']);
  });

  it('a top-level throw refuses the agent with its line; a failed new version is reported by sync', async () => {
    const attempt = t.runtime.load(agent('throws.js', "// Throws\nvar a = 1;\nif (!env.MISSING_KEY) {\n  throw new Error('MISSING_KEY is not set');\n}"));
    await expect(attempt).rejects.toMatchObject({ kind: 'top-level-throw', line: 4, column: 9, reason: 'Error: MISSING_KEY is not set' });
    expect(t.runtime.statuses()[0]).toMatchObject({ id: 'throws.js', state: 'failed' });
    const report = await t.runtime.sync([{ id: 'x.js', title: '', revision: 1, source: '// X\nlet y = 1;' }]);
    expect(report.failed).toEqual([expect.objectContaining({ id: 'x.js', state: 'failed', error: expect.objectContaining({ kind: 'es5', line: 2, column: 1 }) })]);
    expect(report.unloaded).toEqual(['throws.js']);
  });

  it('an agent stopped by a limit stays stopped until its source changes', async () => {
    const looping = { id: 'loop.js', title: '', revision: 1, source: '// Loop\nfunction onHubAction() { for (;;) {} }' };
    await t.runtime.sync([looping]);
    await t.runtime.onHubAction('go', null);
    expect(t.runtime.statuses()[0]).toMatchObject({ state: 'stopped', stoppedBy: { limit: 'hookCpuMs', where: 'onHubAction' } });
    expect((await t.runtime.sync([looping])).unchanged).toEqual(['loop.js']);
    const fixed = await t.runtime.sync([{ ...looping, revision: 2, source: "// Loop\nfunction onHubAction() { console.log('fixed'); }" }]);
    expect(fixed.replaced[0].state).toBe('loaded');
    await t.runtime.onHubAction('go', null);
    await settle();
    expect(t.console('Loop')).toEqual(['fixed']);
  });
});
