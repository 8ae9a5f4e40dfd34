import { AgentLoadError } from '../src';
import { agent, makeHost, settle, TEST_LIMITS, waitFor, type TestHost } from './support';

/** Counts every item it sees; reports the count through hub.action so the test reads an exact number. */
const GOOD = `// Good
var seen = 0;
function onItemCaptured(data) { seen++; }
function onHubAction(action) { if (action === 'count') hub.action('good-count', seen); }`;

const LIMITS = { ...TEST_LIMITS, hookCpuMs: 300, jobCpuMs: 300, loadCpuMs: 300, memoryMb: 16, consoleLinesPerSecond: 50 };

/** Streams `batches` batches of `size` items and returns how many the good agent counted. */
async function streamAndCount(t: TestHost, batches = 20, size = 50): Promise<{ sent: number; counted: number }> {
  let next = 0;
  for (let b = 0; b < batches; b++) {
    await t.runtime.onItemsCaptured(Array.from({ length: size }, () => ({ id: `i${next++}`, protocol: { name: 'http' } })) as never);
  }
  t.hubActions.length = 0;
  await t.runtime.onHubAction('count', null);
  await settle();
  const report = t.hubActions.find((a) => a.action === 'good-count');
  return { sent: next, counted: Number(report?.object) };
}

function statusOf(t: TestHost, id: string) {
  return t.runtime.statuses().find((s) => s.id === id);
}

describe('hostile agents are contained and reported; a good agent beside them sees every item', () => {
  let t: TestHost;
  beforeEach(async () => {
    t = makeHost({ limits: LIMITS });
    await t.runtime.load(agent('good.js', GOOD));
  });
  afterEach(() => t.close());

  it('endless loop in a hook: stopped for hookCpuMs in onItemCaptured', async () => {
    await t.runtime.load(agent('loop-hook.js', '// Loop in hook\nfunction onItemCaptured(data) { while (true) {} }'));
    const { sent, counted } = await streamAndCount(t);
    expect(counted).toBe(sent);
    expect(statusOf(t, 'loop-hook.js')).toMatchObject({ state: 'stopped', stoppedBy: { limit: 'hookCpuMs', where: 'onItemCaptured' } });
    const report = t.entries('limit', 'Loop in hook');
    expect(report).toHaveLength(1);
    expect(report[0].message).toMatch(/^stopped: hook CPU budget \(300 ms per call\) exceeded in onItemCaptured/);
    expect(t.runtime.stats().find((s) => s.id === 'loop-hook.js')?.limitHits).toEqual({ hookCpuMs: 1 });
  });

  it('endless loop at top level: refused at load for loadCpuMs', async () => {
    const attempt = t.runtime.load(agent('loop-top.js', '// Loop at top\nfor (;;) {}'));
    await expect(attempt).rejects.toBeInstanceOf(AgentLoadError);
    await expect(attempt).rejects.toMatchObject({ agentId: 'loop-top.js', kind: 'limit' });
    expect(t.entries('load', 'Loop at top')[0].message).toMatch(/^refused \(limit\)/);
    const { sent, counted } = await streamAndCount(t);
    expect(counted).toBe(sent);
  });

  it('endless loop in a job: stopped for jobCpuMs in that job', async () => {
    await t.runtime.load(agent('loop-job.js', "// Loop in job\njobs.schedule('spin', '* * * * * *', function () { for (;;) {} });"));
    await waitFor(() => statusOf(t, 'loop-job.js')?.state === 'stopped', 'the job to be stopped');
    expect(statusOf(t, 'loop-job.js')?.stoppedBy).toMatchObject({ limit: 'jobCpuMs', where: 'job spin' });
    expect(t.runtime.jobs.list()).toEqual([]);
    const { sent, counted } = await streamAndCount(t);
    expect(counted).toBe(sent);
  });

  it('memory bomb in a hook: only that isolate is disposed (memoryMb)', async () => {
    await t.close();
    // A CPU budget large enough that the heap, not the clock, stops this one.
    t = makeHost({ limits: { ...LIMITS, hookCpuMs: 10000 } });
    await t.runtime.load(agent('good.js', GOOD));
    await t.runtime.load(agent('bomb.js', `// Bomb
var hoard = [];
function onItemCaptured(data) { for (;;) hoard.push({ n: hoard.length, list: [hoard.length, data.id] }); }`));
    const { sent, counted } = await streamAndCount(t);
    expect(counted).toBe(sent);
    expect(statusOf(t, 'bomb.js')).toMatchObject({ state: 'stopped', stoppedBy: { limit: 'memoryMb', where: 'onItemCaptured' } });
    expect(t.entries('limit', 'Bomb')[0].message).toContain('memory budget (16 MB) exceeded in onItemCaptured');
  });

  it('array buffer bomb: the failed allocation is an ordinary error inside the agent', async () => {
    await t.runtime.load(agent('buffers.js', `// Buffers
var hoard = [];
function onItemCaptured(data) { if (hoard.length === 0) for (;;) hoard.push(new Uint8Array(4 * 1024 * 1024)); }`));
    const { sent, counted } = await streamAndCount(t, 2, 10);
    expect(counted).toBe(sent);
    expect(t.entries('hook-error', 'Buffers')[0].message).toMatch(/^onItemCaptured: RangeError: Array buffer allocation failed at buffers\.js:3:/);
  });

  it('memory bomb at top level: refused at load', async () => {
    await expect(t.runtime.load(agent('bomb-top.js', '// Bomb top\nvar a = []; for (;;) a.push([1, 2, 3, 4, 5, 6, 7, 8]);'))).rejects.toMatchObject({ kind: 'limit' });
    const { sent, counted } = await streamAndCount(t);
    expect(counted).toBe(sent);
  });

  it('deep recursion: a RangeError counted as a hook error; the agent keeps receiving events', async () => {
    await t.runtime.load(agent('recursion.js', `// Recursion
var calls = 0;
function down(n) { return down(n + 1) + 1; }
function onItemCaptured(data) { calls++; if (calls % 100 === 1) down(0); }
function onHubAction(action) { if (action === 'count') hub.action('recursion-count', calls); }`));
    const { sent, counted } = await streamAndCount(t, 10, 50);
    expect(counted).toBe(sent);
    expect(t.hubActions.find((a) => a.action === 'recursion-count')?.object).toBe(sent);
    expect(statusOf(t, 'recursion.js')?.state).toBe('loaded');
    expect(t.runtime.stats().find((s) => s.id === 'recursion.js')?.errors).toBe(5);
    expect(t.entries('hook-error', 'Recursion')[0].message).toMatch(/^onItemCaptured: RangeError: Maximum call stack size exceeded at recursion\.js:3:/);
  });

  it('console flood: lines over the rate cap are dropped, counted and reported', async () => {
    await t.runtime.load(agent('flood.js', "// Flood\nfunction onItemCaptured(data) { for (var i = 0; i < 1000; i++) console.log('spam', data.id, i); }"));
    const { sent, counted } = await streamAndCount(t, 5, 20);
    expect(counted).toBe(sent);
    const stats = t.runtime.stats().find((s) => s.id === 'flood.js');
    const printed = t.console('Flood').length;
    expect(printed + (stats?.consoleDropped ?? 0)).toBe(sent * 1000);
    expect(printed).toBeLessThan(sent * 1000);
    expect(stats?.limitHits.consoleLinesPerSecond).toBeGreaterThanOrEqual(1);
    expect(t.entries('limit', 'Flood')[0].message).toMatch(/^console output over 50 lines\/s: \d+ line\(s\) dropped$/);
    expect(statusOf(t, 'flood.js')?.state).toBe('loaded');
  });

  it('a job every second that throws: each failure counted and logged; nothing else is affected', async () => {
    await t.runtime.load(agent('job-throws.js', "// Job throws\nvar n = 0;\njobs.schedule('boom', '* * * * * *', function () { n++; throw new Error('boom ' + n); });"));
    await waitFor(() => t.entries('job', 'Job throws').length >= 2, 'two failed runs');
    const failures = t.entries('job', 'Job throws').slice(0, 2);
    expect(failures.map((f) => f.message.replace(/ \(run \d+\)$/, ''))).toEqual(['job "boom" failed: Error: boom 1', 'job "boom" failed: Error: boom 2']);
    expect(t.entries('hook-error', 'Job throws')[0].message).toMatch(/^job boom: Error: boom 1 at job-throws\.js:3:/);
    expect(t.runtime.jobs.list()[0]).toMatchObject({ tag: 'boom', failed: expect.any(Number) });
    expect(statusOf(t, 'job-throws.js')?.state).toBe('loaded');
    const { sent, counted } = await streamAndCount(t);
    expect(counted).toBe(sent);
  });

  it('loops hidden in promise jobs and Atomics.wait are stopped like any other', async () => {
    await t.runtime.load(agent('microtask.js', '// Microtask\nfunction onItemCaptured() { Promise.resolve().then(function () { for (;;) {} }); }'));
    await t.runtime.load(agent('chain.js', '// Chain\nfunction again() { Promise.resolve().then(again); }\nfunction onItemCaptured() { again(); }'));
    await t.runtime.load(agent('atomics.js', '// Atomics\nfunction onItemCaptured() { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); }'));
    const { sent, counted } = await streamAndCount(t, 5, 20);
    expect(counted).toBe(sent);
    for (const id of ['microtask.js', 'chain.js', 'atomics.js']) {
      expect(statusOf(t, id)).toMatchObject({ state: 'stopped', stoppedBy: { limit: 'hookCpuMs', where: 'onItemCaptured' } });
    }
  });

  it('what crosses to the host is bounded: console line length, hub.action size, jobs per agent', async () => {
    await t.close();
    t = makeHost({ limits: { ...LIMITS, loadCpuMs: 10000 } });
    await t.runtime.load(agent('sizes.js', `// Sizes
console.log(new Array(100001).join('x'));
try { hub.action('big', { blob: new Array(2 * 1024 * 1024).join('y') }); } catch (e) { console.log(e.message); }
try { for (var i = 0; i < 1000; i++) jobs.schedule('job' + i, '0 0 0 1 1 *', function () {}); } catch (e) { console.log(e.message, jobs.list().length); }`));
    await settle();
    const lines = t.console('Sizes');
    expect(lines[0]).toHaveLength(16 * 1024 + '… (83616 more characters)'.length);
    expect(lines[0].endsWith('… (83616 more characters)')).toBe(true);
    expect(lines[1]).toMatch(/^hub\.action: object is \d+ characters of JSON; the most is 1048576$/);
    expect(lines[2]).toBe('jobs.schedule: an agent may have at most 100 jobs 100');
    expect(t.hubActions).toEqual([]);
    expect(t.runtime.jobs.list()).toHaveLength(100);
  });

  it('no Node.js API, host object or host prototype is reachable', async () => {
    await t.runtime.load(agent('escape.js', `// Escape
function check(what, fn) {
  var result;
  try { result = fn(); } catch (e) { console.log(what, 'blocked', e.name); return; }
  console.log(what, result === undefined || result === 'undefined' || result === false ? 'blocked' : 'REACHED ' + result);
}
var helpers = { console: console, log: console.log, jobs: jobs, schedule: jobs.schedule, hub: hub, action: hub.action, utils: utils, env: env,
  test: test, prometheus: prometheus, kfl: kfl, file: file, read: file.read, pcap: pcap, vendor: vendor };
check('require', function () { return typeof require; });
check('process', function () { return typeof process; });
check('module', function () { return typeof module; });
check('Buffer', function () { return typeof Buffer; });
check('setTimeout', function () { return typeof setTimeout; });
check('global.process', function () { return this.process; });
check('eval require', function () { return eval('typeof require'); });
check('Function this', function () { return new Function('return typeof this.process')(); });
for (var name in helpers) {
  (function (h) {
    check(name + '.constructor.constructor', function () { return h.constructor.constructor('return process')(); });
    check(name + ' proto ctor', function () { return Object.getPrototypeOf(h).constructor.constructor('return typeof require')(); });
  })(helpers[name]);
}
check('item ctor', function () { var r; onItemCaptured = function (d) { r = d.constructor.constructor('return typeof process')(); }; return r; });
// Climbing callers or stack frames reaches the agent's own functions only, never the runtime's (strict) code.
check('caller chain', function () {
  var f = arguments.callee, last = f, steps = 0;
  while (f && steps < 50) { last = f; f = f.caller; steps++; }
  return String(last).indexOf('JSON' + 'parse') === -1 ? undefined : String(last);
});
check('stack frames', function () {
  var old = Error.prepareStackTrace;
  Error.prepareStackTrace = function (e, frames) { return frames.map(function (f) { var fn = f.getFunction && f.getFunction(); return fn ? String(fn) : ''; }).join(''); };
  var s = new Error().stack; Error.prepareStackTrace = old; return s.indexOf('JSON' + 'parse') === -1 ? undefined : 'runtime code';
});
check('own globals', function () { var n = Object.getOwnPropertyNames(this).filter(function (k) { return /host|ivm|wirehook|prelude|callback/i.test(k); }); return n.length ? n.join(',') : undefined; });
Object.prototype.polluted = 'yes';
Array.prototype.map = null;
JSON.parse = function () { return 'hijacked'; };
function onItemCaptured(data) {}`));
    await t.runtime.load(agent('neighbour.js', `// Neighbour
function onHubAction(action) { if (action === 'look') console.log(({}).polluted === undefined, typeof [].map, JSON.parse('1')); }`));
    await settle();
    const lines = t.console('Escape');
    expect(lines.length).toBeGreaterThan(30);
    expect(lines.filter((l) => !/ blocked( \w+)?$/.test(l))).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(typeof [].map).toBe('function');
    await t.runtime.onHubAction('look', null);
    await settle();
    expect(t.console('Neighbour')).toEqual(['true function 1']);
    const { sent, counted } = await streamAndCount(t);
    expect(counted).toBe(sent);
  });
});
