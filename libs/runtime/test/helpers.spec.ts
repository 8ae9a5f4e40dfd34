import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CONSOLE_CLEAR_MESSAGE, type HelperFunction } from '../src';
import { agent, httpItem, makeHost, settle, TEST_LIMITS, waitFor, type TestHost } from './support';

describe('helpers', () => {
  let t: TestHost;
  afterEach(() => t.close());

  describe('console', () => {
    beforeEach(() => {
      t = makeHost();
    });

    it('joins arguments with spaces, objects as JSON, to the host log with node and agent', async () => {
      await t.runtime.load(agent('console.js', `// Console
console.log('a', 1, true, null, undefined, { b: [1, 2] }, [3], new Error('boom'));
console.error('bad', { code: 5 });
console.warn('careful');
console.clear();`));
      await settle();
      const entries = t.entries('console', 'Console');
      expect(entries.map((e) => [e.level, e.message])).toEqual([
        ['info', 'a 1 true null undefined {"b":[1,2]} [3] Error: boom'],
        ['error', 'bad {"code":5}'],
        ['warn', 'careful'],
        ['info', CONSOLE_CLEAR_MESSAGE],
      ]);
      expect(entries.every((e) => e.node === 'worker-1' && e.agent === 'Console' && e.v === 1)).toBe(true);
    });
  });

  describe('jobs', () => {
    beforeEach(() => {
      t = makeHost();
    });

    it('runs fn with extra arguments on a 6-field cron up to its limit, then removes it', async () => {
      await t.runtime.load(agent('limited.js', `// Limited
jobs.schedule('tick', '* * * * * *', function (a, b) { console.log('tick', a, b.c); }, 2, 'x', { c: 'y' });`));
      expect(t.runtime.jobs.list()).toEqual([expect.objectContaining({ agentId: 'limited.js', agentTitle: 'Limited', tag: 'tick', cron: '* * * * * *', limit: 2 })]);
      await waitFor(() => t.runtime.jobs.list().length === 0, 'the job to reach its limit');
      expect(t.console('Limited')).toEqual(['tick x y', 'tick x y']);
    });

    it('same tag replaces; list, run, runAll, remove and removeAll manage the agent’s jobs', async () => {
      await t.runtime.load(agent('manage.js', `// Manage
jobs.schedule('a', '0 0 0 1 1 *', function () { console.log('a1'); });
jobs.schedule('a', '0 0 0 1 1 *', function () { console.log('a2'); });
jobs.schedule('b', '0 0 0 1 1 *', function (x) { console.log('b', x); }, 0, 42);
console.log(JSON.stringify(jobs.list()));
jobs.run('a');
jobs.runAll();
console.log(jobs.remove('a'), jobs.remove('zzz'), JSON.stringify(jobs.list()));
jobs.removeAll();
console.log(JSON.stringify(jobs.list()));
jobs.schedule('c', '0 0 0 1 1 *', function () { console.log('c'); });
try { jobs.run('nope'); } catch (e) { console.log(e.message); }
try { jobs.schedule('d', 'every minute', function () {}); } catch (e) { console.log(e.message); }
try { jobs.schedule('d', '* * * *', function () {}); } catch (e) { console.log(e.message); }`));
      await settle();
      const lines = t.console('Manage');
      expect(lines.slice(0, 8)).toEqual(['["a","b"]', 'a2', 'a2', 'b 42', 'true false ["b"]', '[]', 'jobs.run: no job tagged "nope"', expect.stringContaining('jobs.schedule: cron "every minute"')]);
      expect(lines[8]).toContain('must have 6 fields');
      expect(t.runtime.jobs.list().map((j) => j.tag)).toEqual(['c']);
      await expect(t.runtime.jobs.run('manage.js', 'c')).resolves.toEqual({ ok: true, error: '' });
      await settle();
      expect(t.console('Manage').at(-1)).toBe('c');
      await t.runtime.jobs.remove('manage.js', 'c');
      expect(t.runtime.jobs.list()).toEqual([]);
    });

    it('scheduler.stop pauses every job of the node and start resumes them', async () => {
      await t.runtime.load(agent('paused.js', `// Paused
jobs.scheduler.stop();
console.log(jobs.scheduler.isRunning());
jobs.schedule('tick', '* * * * * *', function () { console.log('tick'); }, 1);
function onHubAction(action) { if (action === 'start') { jobs.scheduler.start(); console.log(jobs.scheduler.isRunning()); } }`));
      await settle();
      expect(t.runtime.jobs.scheduler.isRunning()).toBe(false);
      // Two cron ticks pass while paused (observed through the job's own counters, not by time).
      await new Promise((resolve) => setTimeout(resolve, 2200));
      expect(t.console('Paused')).toEqual(['false']);
      expect(t.runtime.jobs.list()[0].runs).toBe(0);
      await t.runtime.onHubAction('start', null);
      await waitFor(() => t.console('Paused').includes('tick'), 'the job after start');
      expect(t.console('Paused')).toEqual(['false', 'true', 'tick']);
    });
  });

  describe('hub, utils, env, test', () => {
    beforeEach(() => {
      t = makeHost();
    });

    it('hub.action delivers to the host with the agent title; hub.targeted returns the pods', async () => {
      await t.runtime.load(agent('hubby.js', `// Hubby
hub.action('slow-request', { path: '/x', ms: 1200 });
hub.action('empty');
var pods = hub.targeted();
console.log(pods.targets[0].name, pods.excluded[0].namespace);
try { hub.action(''); } catch (e) { console.log(e.message); }`));
      await settle();
      expect(t.hubActions).toEqual([
        { action: 'slow-request', object: { path: '/x', ms: 1200 }, agent: 'Hubby' },
        { action: 'empty', object: null, agent: 'Hubby' },
      ]);
      expect(t.console('Hubby')).toEqual(['web-1 data', 'hub.action: action must be a non-empty string']);
    });

    it('utils.nodeName, utils.json2Yaml, env and test.pass/fail', async () => {
      await t.runtime.load(agent('utils.js', `// Utils
console.log(utils.nodeName(), env.API_TOKEN, env.REGION, env.MISSING === undefined);
console.log(utils.json2Yaml('{"a":1,"b":["x","y"]}'));
console.log(utils.json2Yaml({ c: true }));
try { utils.json2Yaml('{not json'); } catch (e) { console.log(e.message.indexOf('utils.json2Yaml:') === 0); }
var d = { x: 1 };
console.log(test.pass(d) === d, d.passed, test.fail(d).failed, JSON.stringify(test.pass(null)));`));
      await settle();
      expect(t.console('Utils')).toEqual(['worker-1 secret-token eu true', 'a: 1\nb:\n  - x\n  - y\n', 'c: true\n', 'true', 'true true true null']);
      expect(t.logs.some((l) => l.source !== 'console' && l.message.includes('secret-token'))).toBe(false);
    });
  });

  describe('prometheus.metric', () => {
    beforeEach(() => {
      t = makeHost();
    });

    it('counts (type 1), sets (type 2) and exports untyped (type 3) with labels on the host registry', async () => {
      await t.runtime.load(agent('metrics.js', `// Metrics
function onItemCaptured(data) {
  prometheus.metric('http_requests_total', 'HTTP requests seen', 1, 1, { method: data.request.method, status: String(data.response.status) });
  prometheus.metric('last_latency_ms', 'Latency of the last request', 2, data.elapsedTime);
  prometheus.metric('odd_value', 'Untyped value', 3, 7);
}
try { prometheus.metric('bad name', '', 1, 1); } catch (e) { console.log(e.message); }
try { prometheus.metric('x', '', 4, 1); } catch (e) { console.log(e.message); }
try { prometheus.metric('x', '', 1, -1); } catch (e) { console.log(e.message); }`));
      await t.runtime.onItemsCaptured([httpItem(1), httpItem(2), httpItem(3, { elapsedTime: 9 })]);
      await t.runtime.onItemsCaptured([httpItem(4, { elapsedTime: 12 })]);
      const text = await t.host.metrics!.metrics();
      expect(text).toContain('# TYPE http_requests_total counter');
      expect(text).toContain('http_requests_total{method="GET",status="200"} 4');
      expect(text).toContain('# TYPE last_latency_ms gauge');
      expect(text).toContain('last_latency_ms 12');
      expect(text).toContain('# TYPE odd_value untyped');
      expect(text).toContain('odd_value 7');
      await settle();
      expect(t.console('Metrics')).toEqual([
        'prometheus.metric: bad metric name "bad name"',
        'prometheus.metric: type must be 1 (counter), 2 (gauge) or 3 (untyped)',
        'prometheus.metric: a counter cannot go down',
      ]);
    });

    it('reports a conflicting use of a metric name', async () => {
      await t.runtime.load(agent('m1.js', "// M1\nprometheus.metric('shared_metric', '', 1, 1, { a: 'x' });"));
      await t.runtime.load(agent('m2.js', "// M2\nprometheus.metric('shared_metric', '', 2, 1);"));
      expect(t.entries('hook-error', 'M2').map((e) => e.message)).toEqual(['prometheus.metric shared_metric: registered with type 1, used with type 2']);
      expect(await t.host.metrics!.metrics()).toContain('shared_metric{a="x"} 1');
    });
  });

  describe('kfl', () => {
    beforeEach(() => {
      t = makeHost();
    });

    it('kfl.match and kfl.validate inside the sandbox', async () => {
      await t.runtime.load(agent('kfl.js', `// KFL
var hits = 0;
function onItemCaptured(data) { if (kfl.match('http and response.status >= 500 and request.path startsWith "/api"', data)) hits++; }
function onHubAction() { console.log('hits', hits); }
console.log(kfl.validate('dns or redis'));
try { kfl.validate('request.method = "GET"'); } catch (e) { console.log(e.message); }
try { kfl.match('(http', {}); } catch (e) { console.log(e.message); }`));
      const failing = (i: number) => httpItem(i, { response: { ...(httpItem(i).response as object), status: 502 } as never });
      await t.runtime.onItemsCaptured([httpItem(1), failing(2), failing(3), httpItem(4)]);
      await t.runtime.onHubAction('report', null);
      await settle();
      expect(t.console('KFL')).toEqual([
        'true',
        "kfl: KFL: '=' is not an operator, use '==' at column 16 in \"request.method = \\\"GET\\\"\"",
        'kfl: KFL: expected \')\', found end of query at column 6 in "(http"',
        'hits 2',
      ]);
    });
  });

  describe('file', () => {
    beforeEach(() => {
      t = makeHost();
    });

    it('write/append/read/move/copy/delete/mkdir/mkdirTemp/temp/tar inside the agent folder', async () => {
      await t.runtime.load(agent('files.js', `// Files
file.mkdir('logs/day1');
file.write('logs/day1/a.txt', 'hello');
file.append('logs/day1/a.txt', ' world');
console.log(file.read('logs/day1/a.txt'));
file.copy('logs/day1/a.txt', 'logs/b.txt');
file.move('logs/b.txt', 'logs/c.txt');
file.write('obj.json', { n: 1 });
console.log(file.read('logs/c.txt'), file.read('obj.json'));
var tmpDir = file.mkdirTemp('snap');
var tmpFile = file.temp('capture', '', 'pcap');
console.log(tmpDir.indexOf('snap-') !== -1, /capture-[0-9a-f]+\\.pcap$/.test(tmpFile), file.read(tmpFile) === '');
file.write(tmpFile, 'via absolute path');
console.log(file.read(tmpFile));
var archive = file.tar('logs');
console.log(/logs-[0-9a-f]+\\.tar\\.gz$/.test(archive));
this.archive = archive;
file.delete('logs/c.txt');
try { file.read('logs/c.txt'); } catch (e) { console.log('gone', e.message.indexOf('ENOENT') !== -1); }`));
      await settle();
      expect(t.entries('load')).toEqual([]);
      expect(t.console('Files')).toEqual(['hello world', 'hello world {"n":1}', 'true true true', 'via absolute path', 'true', 'gone true']);
      const folder = join(t.dataDir, 'agents', 'files.js');
      expect(readFileSync(join(folder, 'logs/day1/a.txt'), 'utf8')).toBe('hello world');
      const archive = String(t.runtime.sharedGlobals().archive);
      expect(archive.startsWith(folder)).toBe(true);
      const tarText = gunzipSync(readFileSync(archive)).toString('latin1');
      expect(tarText).toContain('day1/a.txt');
      expect(tarText).toContain('hello world');
    });

    it('refuses any path outside the agent folder: .., absolute, symlinks', async () => {
      const folder = join(t.dataDir, 'agents', 'escape.js');
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(t.dataDir, 'secret.txt'), 'top secret');
      symlinkSync(t.dataDir, join(folder, 'link-out'));
      symlinkSync(join(t.dataDir, 'secret.txt'), join(folder, 'secret-link'));
      await t.runtime.load(agent('escape.js', `// Escape
function attempt(what, fn) { try { fn(); console.log(what, 'ALLOWED'); } catch (e) { console.log(what, e.message); } }
attempt('dotdot', function () { return file.read('../secret.txt'); });
attempt('deep dotdot', function () { return file.write('a/../../../x.txt', 'x'); });
attempt('absolute', function () { return file.read('/etc/passwd'); });
attempt('symlink dir', function () { return file.read('link-out/secret.txt'); });
attempt('symlink file', function () { return file.read('secret-link'); });
attempt('write through symlink', function () { return file.write('link-out/new.txt', 'x'); });
attempt('copy out', function () { file.write('in.txt', 'x'); return file.copy('in.txt', '../copied.txt'); });
attempt('move in from outside', function () { return file.move('/etc/hostname', 'h.txt'); });
attempt('tar outside', function () { return file.tar('..'); });
attempt('delete root', function () { return file.delete('.'); });
attempt('nul', function () { return file.read('a\\u0000b'); });
attempt('not a string', function () { return file.read(42); });`));
      await settle();
      const lines = t.console('Escape');
      expect(lines).toHaveLength(12);
      expect(lines.filter((l) => l.endsWith('ALLOWED'))).toEqual([]);
      expect(lines[0]).toBe('dotdot file.read: path "../secret.txt" is outside the agent\'s folder');
      expect(lines[3]).toBe('symlink dir file.read: path "link-out/secret.txt" leads outside the agent\'s folder through a symbolic link');
      expect(lines[5]).toContain('through a symbolic link');
      expect(existsSync(join(t.dataDir, 'new.txt'))).toBe(false);
      expect(existsSync(join(t.dataDir, 'copied.txt'))).toBe(false);
      expect(existsSync(join(t.dataDir, 'agents', 'x.txt'))).toBe(false);
    });
  });

  describe('pcap', () => {
    it('throws a clear error when the node has no pcap provider', async () => {
      t = makeHost();
      await t.runtime.load(agent('nopcap.js', `// No pcap
try { pcap.snapshot(); } catch (e) { console.log(e.message); }`));
      await settle();
      expect(t.console('No pcap')).toEqual(['pcap.snapshot: recorded traffic is not available on node "worker-1" (no pcap provider)']);
    });

    it('copies the provider’s files into the agent folder and returns the history', async () => {
      const calls: unknown[] = [];
      t = makeHost({
        pcap: {
          path: async (stream) => {
            calls.push(['path', stream]);
            const p = join(t.dataDir, `stream-${stream}.pcap`);
            writeFileSync(p, 'PCAPDATA');
            return p;
          },
          snapshot: async (streams) => {
            calls.push(['snapshot', streams]);
            const p = join(t.dataDir, 'snapshot.pcap');
            writeFileSync(p, 'SNAP');
            return p;
          },
          nameResolutionHistory: async () => ({ '10.0.0.3': [{ name: 'web', namespace: 'default', from: 1 }] }),
        },
      });
      await t.runtime.load(agent('pcap.js', `// Pcap
var p = pcap.path('12');
console.log(p.indexOf('/pcaps/stream-12.pcap') !== -1, file.read(p));
var s = pcap.snapshot(['1', '2']);
console.log(file.read(s));
console.log(pcap.nameResolutionHistory()['10.0.0.3'][0].name);`));
      await settle();
      expect(t.console('Pcap')).toEqual(['true PCAPDATA', 'SNAP', 'web']);
      expect(calls).toEqual([['path', '12'], ['snapshot', ['1', '2']]]);
    });
  });

  describe('budgets count CPU, not waiting', () => {
    it('a helper that waits longer than the CPU budget (within the wall limit) does not stop the agent', async () => {
      t = makeHost({
        limits: { ...TEST_LIMITS, hookCpuMs: 300 },
        pcap: {
          path: () => new Promise((resolve) => setTimeout(() => resolve(join(t.dataDir, 'slow.pcap')), 450)),
          snapshot: async () => '',
          nameResolutionHistory: async () => ({}),
        },
      });
      writeFileSync(join(t.dataDir, 'slow.pcap'), 'x');
      await t.runtime.load(agent('patient.js', "// Patient\nfunction onHubAction() { console.log(file.read(pcap.path('1'))); }"));
      await t.runtime.onHubAction('go', null);
      await settle();
      expect(t.console('Patient')).toEqual(['x']);
      expect(t.runtime.statuses()[0].state).toBe('loaded');
      expect(t.entries('limit')).toEqual([]);
    });
  });

  describe('vendor (plugin helper bridge)', () => {
    it('calls async host helpers, returns their value, reports failures and time-outs to the agent', async () => {
      const seen: unknown[] = [];
      const webhook: HelperFunction = async (args, ctx) => {
        seen.push({ args, agent: ctx.agentTitle, node: ctx.nodeName });
        return `sent ${String(args[1])}`;
      };
      const failing: HelperFunction = async () => {
        throw new Error('HTTP 500 from destination');
      };
      const slow: HelperFunction = (_args, ctx) =>
        new Promise((resolve) => {
          const timer = setTimeout(() => resolve('late'), 5000);
          ctx.signal.addEventListener('abort', () => clearTimeout(timer));
        });
      t = makeHost({
        limits: { ...TEST_LIMITS, hookCpuMs: 1500 },
        helpers: { helpers: () => ({ webhook, 'kinesis.put': failing, slow }), timeoutMs: 200 },
      });
      await t.runtime.load(agent('vendor.js', `// Vendor
console.log(vendor.webhook('POST', 'https://example.invalid/hook', { a: 1 }));
try { vendor.kinesis.put('stream', 'x'); } catch (e) { console.log(e.message); }
try { vendor.slow(); } catch (e) { console.log(e.message); }
console.log(typeof vendor.slack);`));
      await settle();
      expect(t.console('Vendor')).toEqual([
        'sent https://example.invalid/hook',
        'vendor.kinesis.put: HTTP 500 from destination',
        'vendor.slow: vendor.slow did not answer within 200 ms',
        'undefined',
      ]);
      expect(seen).toEqual([{ args: ['POST', 'https://example.invalid/hook', { a: 1 }], agent: 'Vendor', node: 'worker-1' }]);
    });
  });
});
