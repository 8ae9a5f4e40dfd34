import { agent, httpItem, makeHost, type TestHost } from './support';

describe('stats and runtime metrics', () => {
  let t: TestHost;
  beforeEach(() => {
    t = makeHost();
  });
  afterEach(() => t.close());

  it('counts calls, events, errors and time per agent and per hook, and exports them', async () => {
    await t.runtime.load(agent('counted.js', `// Counted
function onItemCaptured(data) { if (data.stream === '2') throw new Error('two'); }
function onHubAction() {}`));
    await t.runtime.onItemsCaptured([httpItem(1), httpItem(2), httpItem(3)]);
    await t.runtime.onItemsCaptured([httpItem(4)]);
    await t.runtime.onHubAction('a', null);
    const [stats] = t.runtime.stats();
    expect(stats).toMatchObject({ id: 'counted.js', title: 'Counted', state: 'loaded', calls: 4, events: 5, errors: 1, limitHits: {}, consoleDropped: 0, droppedBatches: 0 });
    expect(stats.hooks.load).toMatchObject({ calls: 1, events: 0, errors: 0 });
    expect(stats.hooks.onItemCaptured).toMatchObject({ calls: 2, events: 4, errors: 1 });
    expect(stats.hooks.onHubAction).toMatchObject({ calls: 1, events: 1, errors: 0 });
    expect(stats.cpuMs).toBeGreaterThan(0);
    expect(stats.wallMs).toBeGreaterThanOrEqual(stats.hooks.onItemCaptured!.wallMs);
    const text = await t.host.metrics!.metrics();
    expect(text).toContain('wirehook_agent_calls_total{agent="Counted",hook="onItemCaptured"} 2');
    expect(text).toContain('wirehook_agent_events_total{agent="Counted",hook="onItemCaptured"} 4');
    expect(text).toContain('wirehook_agent_errors_total{agent="Counted",hook="onItemCaptured"} 1');
    expect(text).toMatch(/wirehook_agent_cpu_seconds_total\{agent="Counted",hook="onItemCaptured"\} [0-9.e-]+/);
  });

  it('counts limit hits', async () => {
    await t.runtime.load(agent('spin.js', '// Spin\nfunction onHubAction() { while (true) {} }'));
    await t.runtime.onHubAction('go', null);
    expect(t.runtime.stats()[0]).toMatchObject({ state: 'stopped', limitHits: { hookCpuMs: 1 } });
    expect(await t.host.metrics!.metrics()).toContain('wirehook_agent_limit_hits_total{agent="Spin",limit="hookCpuMs"} 1');
    // A stopped agent is skipped quietly by every kind of event.
    const item = httpItem(1);
    await expect(t.runtime.onItemQueried(item)).resolves.toEqual(item);
    await t.runtime.onHubAction('again', null);
    await t.runtime.onItemsCaptured([item]);
    await expect(t.runtime.jobs.run('spin.js', 'none')).resolves.toBeNull();
    expect(t.entries('runtime')).toEqual([]);
    expect(t.runtime.stats()[0].calls).toBe(2);
  });
});
