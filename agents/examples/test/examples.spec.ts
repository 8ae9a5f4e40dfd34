import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toPacketInfo } from '@wirehook/capture';
import type { HttpRequest, HttpResponse, Item, LogEntry, PacketInfo, RuntimeLimits } from '@wirehook/contracts';
import { replayCaptureToItems } from '@wirehook/dissectors';
import { AgentRuntime, CONSOLE_CLEAR_MESSAGE, type RuntimeHost } from '@wirehook/runtime';
import { sharedPcap } from '@wirehook/testing';
import { Registry } from 'prom-client';

const EXAMPLES = join(__dirname, '..');
const LIMITS: RuntimeLimits = { hookCpuMs: 2000, jobCpuMs: 2000, loadCpuMs: 2000, memoryMb: 64, consoleLinesPerSecond: 1000 };

interface Capture {
  items: Item[];
  packets: PacketInfo[];
}

async function replay(name: string): Promise<Capture> {
  const items: Item[] = [];
  const packets: PacketInfo[] = [];
  await replayCaptureToItems(sharedPcap(name), { worker: 'worker-1', onItem: (item) => items.push(item), onPacket: (packet) => packets.push(toPacketInfo(packet)) });
  return { items, packets };
}

const req = (item: Item) => item.request as HttpRequest;
const res = (item: Item) => item.response as HttpResponse;

let http: Capture;
let dns: Capture;
let redis: Capture;

beforeAll(async () => {
  [http, dns, redis] = await Promise.all([replay('http-mixed.pcap'), replay('dns.pcap'), replay('redis.pcap')]);
  // The tests below compute what each example must print from these items; make sure they hold what we rely on.
  expect(http.items.length).toBeGreaterThan(15);
  expect(dns.items.some((i) => i.protocol.name === 'dns')).toBe(true);
  expect(redis.items.some((i) => (i.response as { type?: string } | null)?.type === 'error')).toBe(true);
});

interface Harness {
  runtime: AgentRuntime;
  host: RuntimeHost;
  logs: LogEntry[];
  hubActions: Array<{ action: string; object: unknown; agent: string }>;
  dataDir: string;
  lines(level?: LogEntry['level']): string[];
}

let harness: Harness | undefined;

function start(overrides: Partial<RuntimeHost> = {}): Harness {
  const dataDir = mkdtempSync(join(tmpdir(), 'wirehook-examples-'));
  const logs: LogEntry[] = [];
  const hubActions: Harness['hubActions'] = [];
  const host: RuntimeHost = {
    nodeName: 'worker-1',
    role: 'worker',
    env: {},
    limits: LIMITS,
    dataDir,
    log: (entry) => logs.push(entry),
    hubAction: (action, object, agent) => hubActions.push({ action, object, agent }),
    targeted: () => ({ targets: [{ name: 'web-1', namespace: 'shop' }, { name: 'api-2', namespace: 'shop' }], excluded: [{ name: 'db-0', namespace: 'data' }] }),
    metrics: new Registry(),
    ...overrides,
  };
  const runtime = new AgentRuntime(host);
  harness = {
    runtime,
    host,
    logs,
    hubActions,
    dataDir,
    lines: (level) => logs.filter((l) => l.source === 'console' && (level === undefined || l.level === level)).map((l) => l.message),
  };
  return harness;
}

afterEach(async () => {
  if (!harness) return;
  const { runtime, dataDir, logs } = harness;
  harness = undefined;
  await runtime.close();
  rmSync(dataDir, { recursive: true, force: true });
  // No example may produce hook errors or refusals on real traffic.
  expect(logs.filter((l) => l.source === 'hook-error' || l.source === 'load' || l.source === 'limit')).toEqual([]);
});

async function loadExample(h: Harness, file: string): Promise<void> {
  const source = readFileSync(join(EXAMPLES, file), 'utf8');
  await h.runtime.load({ id: file, title: '', source, revision: 1 });
}

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('hook examples', () => {
  it('on-packet-captured.js prints every packet of 1000 bytes or more', async () => {
    const h = start();
    await loadExample(h, 'on-packet-captured.js');
    await h.runtime.onPacketsCaptured(http.packets);
    await settle();
    const large = http.packets.filter((p) => p.length >= 1000);
    expect(large.length).toBeGreaterThan(0);
    expect(h.lines()).toEqual(large.map((p, i) => `large ${p.transport} packet ${p.src.ip}:${p.src.port} -> ${p.dst.ip}:${p.dst.port} ${p.length} bytes #${i + 1}`));
  });

  it('on-item-captured.js prints HTTP exchanges answered with 4xx/5xx', async () => {
    const h = start();
    await loadExample(h, 'on-item-captured.js');
    await h.runtime.onItemsCaptured([...http.items, ...dns.items]);
    await settle();
    const errors = http.items.filter((i) => res(i) && res(i).status >= 400);
    expect(errors.map((i) => res(i).status).sort()).toEqual([404, 404, 418, 500]);
    expect(h.lines()).toEqual(errors.map((i) => `${req(i).method} ${req(i).path} -> ${res(i).status} ${res(i).statusText}`));
  });

  it('on-item-queried.js redacts credentials and leaves other items unchanged', async () => {
    const h = start({ role: 'hub', nodeName: 'hub' });
    await loadExample(h, 'on-item-queried.js');
    const withAuth = http.items.find((i) => 'Authorization' in req(i).headers);
    const plain = http.items.find((i) => !('Authorization' in req(i).headers) && !('Cookie' in req(i).headers) && !('Set-Cookie' in res(i).headers));
    expect(withAuth && plain).toBeTruthy();
    const seen = await h.runtime.onItemQueried(withAuth!);
    expect(req(seen).headers.Authorization).toBe('[redacted]');
    const secret = ['authorization', 'cookie', 'set-cookie', 'x-api-key'];
    const redacted = (headers: Record<string, string>) =>
      Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, secret.includes(k.toLowerCase()) ? '[redacted]' : v]));
    expect(seen).toEqual({
      ...withAuth,
      request: { ...req(withAuth!), headers: redacted(req(withAuth!).headers) },
      response: { ...res(withAuth!), headers: redacted(res(withAuth!).headers) },
    });
    expect(await h.runtime.onItemQueried(plain!)).toEqual(plain);
  });

  it('on-hub-action.js keeps the three slowest requests reported by workers', async () => {
    const h = start({ role: 'hub', nodeName: 'hub' });
    await loadExample(h, 'on-hub-action.js');
    const sorted = [...http.items].sort((a, b) => b.elapsedTime - a.elapsedTime);
    for (const item of http.items) await h.runtime.onHubAction('slow-request', { path: req(item).path, ms: item.elapsedTime, node: 'worker-1' });
    await h.runtime.onHubAction('unrelated', {});
    await settle();
    const lines = h.lines();
    expect(lines).toHaveLength(http.items.length);
    expect(lines.at(-1)).toBe(`slowest: ${sorted.slice(0, 3).map((i) => `${req(i).path} ${i.elapsedTime}ms (worker-1)`).join(', ')}`);
  });

  it('on-pod-event.js reports restarts, crashes and deletions with Go field names', async () => {
    const h = start();
    await loadExample(h, 'on-pod-event.js');
    const pod = (phase: string) => ({ metadata: { name: 'web-1', namespace: 'shop' }, status: { phase } });
    await h.runtime.onPodEvent('MODIFIED', pod('Running'), { kind: 'oom-killed', container: 'app', restartCount: 3, reason: 'OOMKilled' });
    await h.runtime.onPodEvent('MODIFIED', pod('Running'), { kind: 'ready' });
    await h.runtime.onPodEvent('DELETED', pod('Succeeded'), { kind: 'deleted' });
    await settle();
    expect(h.lines('error')).toEqual(['shop/web-1 oom-killed container app restarts 3 OOMKilled']);
    expect(h.lines('info')).toEqual(['shop/web-1 deleted in phase Succeeded']);
  });

  it('on-job-passed-failed.js reports one passed and one failed run, then the job ends at its limit', async () => {
    const h = start();
    await loadExample(h, 'on-job-passed-failed.js');
    await waitFor(() => h.runtime.jobs.list().length === 0, 'the job to reach its limit of 2 runs');
    await settle();
    expect(h.lines()).toEqual(['passed flaky-check (* * * * * *, limit 2)', 'failed flaky-check (* * * * * *, limit 2): Error: check 2 failed']);
    // The thrown error is also a counted hook error: clear it from the afterEach check.
    expect(h.logs.filter((l) => l.source === 'hook-error').map((l) => l.message)).toEqual([expect.stringMatching(/^job flaky-check: Error: check 2 failed at on-job-passed-failed\.js:7:/)]);
    h.logs.splice(0, h.logs.length);
  });
});

describe('helper examples', () => {
  it('console.js clears the console, reports redis errors with console.error and progress with console.log', async () => {
    const h = start();
    await loadExample(h, 'console.js');
    await h.runtime.onItemsCaptured(redis.items);
    await settle();
    const errors = redis.items.filter((i) => (i.response as { type: string } | null)?.type === 'error');
    const redisCount = redis.items.filter((i) => i.protocol.name === 'redis').length;
    expect(h.lines('error')).toEqual(
      errors.map((i) => `redis error for ${(i.request as { command: string }).command} ${JSON.stringify((i.request as { args: string[] }).args)} -> ${String((i.response as { value: string }).value)}`),
    );
    expect(h.lines('info')).toEqual([CONSOLE_CLEAR_MESSAGE, ...Array.from({ length: Math.floor(redisCount / 2000) }, (_, k) => `{"redisCommands":${(k + 1) * 2000}}`)]);
  });

  it('jobs.js schedules a report with extra arguments; running it prints the count', async () => {
    const h = start();
    await loadExample(h, 'jobs.js');
    expect(h.runtime.jobs.list().map((j) => [j.tag, j.cron])).toEqual([['daily-report', '0 0 3 * * *']]);
    await h.runtime.onItemsCaptured([...http.items, ...dns.items]);
    await expect(h.runtime.jobs.run('jobs.js', 'daily-report')).resolves.toEqual({ ok: true, error: '' });
    await settle();
    expect(h.lines()).toEqual(['jobs: daily-report', `requests since last report: ${http.items.length} requests`]);
  });

  it('jobs-scheduler.js pauses and resumes the node’s jobs', async () => {
    const h = start();
    await loadExample(h, 'jobs-scheduler.js');
    await h.runtime.onHubAction('maintenance-start', null);
    expect(h.runtime.jobs.scheduler.isRunning()).toBe(false);
    await h.runtime.onHubAction('maintenance-end', null);
    expect(h.runtime.jobs.scheduler.isRunning()).toBe(true);
    await settle();
    expect(h.lines()).toEqual(['maintenance-start - jobs running: false', 'maintenance-end - jobs running: true']);
  });

  it('hub-action.js sends slow HTTP exchanges to the hub', async () => {
    const h = start();
    await loadExample(h, 'hub-action.js');
    await h.runtime.onItemsCaptured(http.items);
    await settle();
    const slow = http.items.filter((i) => i.elapsedTime > 5);
    expect(slow.length).toBeGreaterThan(0);
    expect(h.hubActions).toEqual(slow.map((i) => ({ action: 'slow-request', object: { path: req(i).path, ms: i.elapsedTime, node: 'worker-1' }, agent: 'Slow requests to the hub' })));
  });

  it('hub-targeted.js lists the captured pods', async () => {
    const h = start();
    await loadExample(h, 'hub-targeted.js');
    await settle();
    expect(h.lines()).toEqual(['capturing 2 pod(s): shop/web-1, shop/api-2', 'excluded 1 pod(s)']);
  });

  it('utils-node-name.js tells where it runs', async () => {
    const worker = start();
    await loadExample(worker, 'utils-node-name.js');
    await settle();
    expect(worker.lines()).toEqual(['running on worker worker-1']);
  });

  it('utils-json2yaml.js prints DNS answers as YAML', async () => {
    const h = start();
    await loadExample(h, 'utils-json2yaml.js');
    await h.runtime.onItemsCaptured(dns.items);
    await settle();
    const answered = dns.items.filter((i) => (i.response as { answers: unknown[] } | null)?.answers.length);
    expect(h.lines()).toHaveLength(answered.length);
    expect(h.lines()[0]).toBe(`- name: api.shop.test\n  type: A\n  ip: 10.1.2.3\n`);
  });

  it('env.js reads its threshold from env', async () => {
    const h = start({ env: { SLOW_MS: '5' } });
    await loadExample(h, 'env.js');
    await h.runtime.onItemsCaptured(http.items);
    await settle();
    expect(h.lines()).toEqual(http.items.filter((i) => i.elapsedTime > 5).map((i) => `slower than 5ms: ${i.id} ${i.elapsedTime}`));
  });

  it('test-pass-fail.js marks 5xx exchanges failed and the others passed', async () => {
    const h = start({ role: 'hub', nodeName: 'hub' });
    await loadExample(h, 'test-pass-fail.js');
    for (const item of http.items) {
      const seen = await h.runtime.onItemQueried(item);
      expect(seen.failed === true).toBe(res(item).status >= 500);
      expect(seen.passed === true).toBe(res(item).status < 500);
    }
  });

  it('prometheus.js exports response counts by class and the last elapsed time', async () => {
    const h = start();
    await loadExample(h, 'prometheus.js');
    await h.runtime.onItemsCaptured(http.items);
    const text = await h.host.metrics!.metrics();
    const count = (method: string, cls: string) => http.items.filter((i) => req(i).method === method && `${Math.floor(res(i).status / 100)}xx` === cls).length;
    expect(text).toContain(`example_http_responses_total{class="2xx",method="GET"} ${count('GET', '2xx')}`);
    expect(text).toContain(`example_http_responses_total{class="4xx",method="GET"} ${count('GET', '4xx')}`);
    expect(text).toContain(`example_http_responses_total{class="2xx",method="DELETE"} 1`);
    expect(text).toContain(`example_http_last_elapsed_ms ${http.items.at(-1)!.elapsedTime}`);
  });

  it('kfl.js prints the exchanges its query matches', async () => {
    const h = start();
    await loadExample(h, 'kfl.js');
    await h.runtime.onItemsCaptured([...http.items, ...dns.items]);
    await settle();
    const expected = http.items.filter((i) => res(i).status >= 400 || req(i).path.startsWith('/api'));
    expect(h.lines()).toEqual(expected.map((i) => `matched ${req(i).method} ${req(i).path} ${res(i).status}`));
  });

  it('file.js appends HTTP errors to a file in its folder and archives it', async () => {
    const h = start();
    await loadExample(h, 'file.js');
    await h.runtime.onItemsCaptured(http.items);
    await h.runtime.onHubAction('archive-errors', null);
    await settle();
    const errors = http.items.filter((i) => res(i).status >= 400);
    const log = readFileSync(join(h.dataDir, 'agents', 'file.js', 'logs', 'http-errors.log'), 'utf8');
    expect(log).toBe(errors.map((i) => `${res(i).status} ${req(i).method} ${req(i).path}\n`).join(''));
    expect(readFileSync(join(h.dataDir, 'agents', 'file.js', 'logs', 'http-errors.previous.log'), 'utf8')).toBe(log);
    expect(h.lines()).toEqual([`archived true lines: ${errors.length}`]);
  });

  it('pcap.js saves the pcap of each stream answered with a 5xx', async () => {
    const requested: string[] = [];
    const h = start({
      pcap: {
        path: async (stream) => {
          requested.push(stream);
          const copy = join(h.dataDir, `stream-${stream}.pcap`);
          copyFileSync(sharedPcap('http-mixed.pcap'), copy);
          return copy;
        },
        snapshot: async () => sharedPcap('http-mixed.pcap'),
        nameResolutionHistory: async () => ({}),
      },
    });
    await loadExample(h, 'pcap.js');
    await h.runtime.onItemsCaptured(http.items);
    await settle();
    const failing = http.items.filter((i) => res(i).status >= 500);
    expect(requested).toEqual(failing.map((i) => i.stream));
    expect(h.lines()).toEqual(failing.map((i) => `stream ${i.stream} saved as stream-${i.stream}.pcap`));
    const saved = readFileSync(join(h.dataDir, 'agents', 'pcap.js', 'pcaps', `stream-${failing[0].stream}.pcap`));
    expect(saved.equals(readFileSync(sharedPcap('http-mixed.pcap')))).toBe(true);
  });
});
