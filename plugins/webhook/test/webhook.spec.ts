import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { createPluginTestKit, loadPluginModule, readPluginPackageDir, testCaller, type PluginHost, type PluginTestKit } from '@wirehook/plugin-sdk';
import { eventually, freePort, repoRoot } from '@wirehook/testing';
import * as plugin from '../src';
import { agent, startAgentHost, type AgentHost } from '@wirehook/testing/agent-host';

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A loopback HTTP server: records every request; each path behaves as the test sets it. */
class Destination {
  readonly received: Received[] = [];
  readonly hanging: ServerResponse[] = [];
  private readonly flaky = new Map<string, number>();
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        this.received.push({ method: req.method ?? '', path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        if (path.startsWith('/hang')) {
          this.hanging.push(res); // never answered
          return;
        }
        if (path.startsWith('/flaky')) {
          const failuresLeft = this.flaky.get(path) ?? 2;
          if (failuresLeft > 0) {
            this.flaky.set(path, failuresLeft - 1);
            res.writeHead(503, { 'Retry-After': '0' }).end('busy');
            return;
          }
        }
        if (path.startsWith('/bad')) {
          res.writeHead(400).end('no such thing');
          return;
        }
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`ok ${path}`);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  to(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const packageJson = join(__dirname, '..', 'package.json');
const packageVersion = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;

// The build script plugins run before `npm pack`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildPlugin } = require(join(repoRoot(), 'libs', 'plugin-sdk', 'tools', 'build-plugin.js')) as { buildPlugin(dir: string): string[] };
const item = (n: number) => ({ json: [JSON.stringify({ index: n, request: { path: `/item/${n}` }, response: { status: 500 } })] });

describe('@wirehook/plugin-webhook', () => {
  const destination = new Destination();
  let kit: PluginTestKit;
  let metrics: Registry;
  let plugins: PluginHost;
  let agents: AgentHost;

  beforeAll(async () => {
    await destination.start();
    kit = createPluginTestKit({
      packageJson,
      module: plugin,
      settings: { delivery: { timeoutMs: 300, retries: 2, backoffMs: 20, maxBackoffMs: 100 } },
    });
    metrics = new Registry();
    plugins = await kit.host({ metrics });
    agents = startAgentHost(plugins);
  });

  afterAll(async () => {
    await agents.close();
    await kit.close();
    await destination.stop();
  });

  it('has a manifest the host accepts, and refuses bad arguments naming the parameter', () => {
    expect(kit.compatibility({ version: '0.1.0' })).toEqual([]);
    expect(kit.compatibility({ version: '1.2.0' })).toEqual([expect.stringContaining('needs Wirehook >=0.1.0 <1.0.0')]);
    expect(kit.validate('vendor.webhook', ['FETCH', 'http://x/'])).toEqual({ ok: false, problems: [expect.stringContaining('argument 1 (method)')] });
    expect(kit.validate('vendor.webhook', ['POST', 'ftp://x/'])).toEqual({ ok: false, problems: [expect.stringContaining('argument 2 (url)')] });
    expect(kit.validate('vendor.webhook', ['post', 'http://x/', { a: 1 }, null])).toEqual({ ok: true, args: ['post', 'http://x/', { a: 1 }] });
  });

  it('delivers what an agent sends (method, headers, JSON body) and returns the response body', async () => {
    await agents.runtime.load(
      agent(
        'Notify',
        `function onItemCaptured(data) {
          var answer = vendor.webhook('POST', '${destination.url}/notify', { path: data.request.path, status: data.response.status }, { 'X-Token': 'abc', 'X-Count': 1 });
          console.log('answer: ' + answer);
        }`,
      ),
    );
    await agents.runtime.onItemsCaptured(item(1));
    const [request] = destination.to('/notify');
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-token']).toBe('abc');
    expect(request.headers['x-count']).toBe('1');
    expect(JSON.parse(request.body)).toEqual({ path: '/item/1', status: 500 });
    expect(agents.console('Notify')).toEqual(['answer: ok /notify']);
    await agents.runtime.unload('Notify.js');
  });

  it('retries after 503 with backoff and returns the answer that finally came', async () => {
    await agents.runtime.load(agent('Flaky', `function onItemCaptured(data) { console.log(vendor.webhook('POST', '${destination.url}/flaky-1', 'text body')); }`));
    await agents.runtime.onItemsCaptured(item(2));
    expect(destination.to('/flaky-1').map((r) => r.body)).toEqual(['text body', 'text body', 'text body']);
    expect(agents.console('Flaky')).toEqual(['ok /flaky-1']);
    const stats = plugins.stats()[0].agents.find((a) => a.agent === 'Flaky');
    expect(stats).toMatchObject({ sent: 1, retried: 2, failed: 0 });
    await agents.runtime.unload('Flaky.js');
  });

  it('times out against a server that never answers: retries an idempotent PUT, never a POST', async () => {
    await agents.runtime.load(
      agent(
        'Hang',
        `function onItemCaptured(data) {
          try { vendor.webhook('PUT', '${destination.url}/hang-put', { n: data.index }); } catch (e) { console.log(e.message); }
          try { vendor.webhook('POST', '${destination.url}/hang-post', { n: data.index }); } catch (e) { console.log(e.message); }
        }`,
      ),
    );
    await agents.runtime.onItemsCaptured(item(3));
    expect(destination.to('/hang-put')).toHaveLength(3);
    expect(destination.to('/hang-post')).toHaveLength(1);
    expect(agents.console('Hang')).toEqual([
      'vendor.webhook: no answer within 300 ms (after 3 attempts)',
      'vendor.webhook: no answer within 300 ms',
    ]);
    expect(plugins.stats()[0].agents.find((a) => a.agent === 'Hang')).toMatchObject({ sent: 0, failed: 2, retried: 2 });
    await agents.runtime.unload('Hang.js');
  });

  it('retries a refused connection (nothing was sent) and does not retry a 400', async () => {
    const closedPort = await freePort();
    await agents.runtime.load(
      agent(
        'Refused',
        `function onItemCaptured(data) {
          try { vendor.webhook('POST', 'http://127.0.0.1:${closedPort}/x', 'a'); } catch (e) { console.log(e.message); }
          try { vendor.webhook('GET', '${destination.url}/bad'); } catch (e) { console.log(e.message); }
        }`,
      ),
    );
    await agents.runtime.onItemsCaptured(item(4));
    expect(agents.console('Refused')).toEqual([
      `vendor.webhook: POST http://127.0.0.1:${closedPort}/x failed: ECONNREFUSED (after 3 attempts)`,
      `vendor.webhook: HTTP 400 Bad Request from GET ${destination.url}/bad: no such thing`,
    ]);
    expect(destination.to('/bad')).toHaveLength(1);
    await agents.runtime.unload('Refused.js');
  });

  it('sends User-Agent wirehook-plugin-webhook/<its package.json version> by default; a set userAgent as is', async () => {
    await agents.runtime.load(agent('Agent', `function onItemCaptured(data) { vendor.webhook('POST', '${destination.url}/ua-default', 'x'); }`));
    await agents.runtime.onItemsCaptured(item(5));
    expect(destination.to('/ua-default').map((r) => r.headers['user-agent'])).toEqual([`wirehook-plugin-webhook/${packageVersion}`]);
    await agents.runtime.unload('Agent.js');

    await kit.call('vendor.webhook', ['GET', `${destination.url}/ua-set`], { settings: { userAgent: 'acme-alerts/7 (ops@example.com)' } });
    await kit.call('vendor.webhook', ['GET', `${destination.url}/ua-empty`], { settings: { userAgent: '' } });
    await kit.call('vendor.webhook', ['GET', `${destination.url}/ua-header`, null, { 'User-Agent': 'per-call/1' }]);
    expect(destination.to('/ua-set')[0].headers['user-agent']).toBe('acme-alerts/7 (ops@example.com)');
    expect(destination.to('/ua-empty')[0].headers['user-agent']).toBe(`wirehook-plugin-webhook/${packageVersion}`);
    expect(destination.to('/ua-header')[0].headers['user-agent']).toBe('per-call/1');
  });

  it('built and loaded from its own folder as a host does, it names that package version (after a release too)', async () => {
    // A copy released as another version: a default written down anywhere (code or manifest) would not follow.
    const dir = mkdtempSync(join(tmpdir(), 'wirehook-plugin-webhook-'));
    try {
      const source = join(__dirname, '..');
      for (const entry of ['package.json', 'src']) cpSync(join(source, entry), join(dir, entry), { recursive: true });
      const released = { ...(JSON.parse(readFileSync(packageJson, 'utf8')) as object), version: '98.7.6' };
      writeFileSync(join(dir, 'package.json'), JSON.stringify(released, null, 2));
      buildPlugin(dir);
      rmSync(join(dir, 'src'), { recursive: true }); // an installed plugin has only what it publishes
      const pkg = readPluginPackageDir(dir);
      const built = createPluginTestKit({ packageJson: dir, module: loadPluginModule(dir, pkg) });
      await expect(built.call('vendor.webhook', ['GET', `${destination.url}/ua-built`])).resolves.toBe('ok /ua-built');
      await built.call('vendor.webhook', ['GET', `${destination.url}/ua-built-set`], { settings: { userAgent: 'mine/1' } });
      expect(destination.to('/ua-built')[0].headers['user-agent']).toBe('wirehook-plugin-webhook/98.7.6');
      expect(destination.to('/ua-built-set')[0].headers['user-agent']).toBe('mine/1');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a dead destination holds back only its own agent: the agent beside it sees every item', async () => {
    const closedPort = await freePort();
    await agents.runtime.load(
      agent(
        'Dead',
        `function onItemCaptured(data) {
          if (data.index < 102) { try { vendor.webhook('PUT', '${destination.url}/hang-dead/' + data.index, 'x'); } catch (e) {} }
          try { vendor.webhook('GET', 'http://127.0.0.1:${closedPort}/'); } catch (e) {}
        }`,
      ),
    );
    await agents.runtime.load(agent('Healthy', `function onItemCaptured(data) { vendor.webhook('POST', '${destination.url}/healthy', { n: data.index }); }`));
    // Capture does not wait for agents: every batch is handed over at once.
    const deliveries = Array.from({ length: 20 }, (_, n) => agents.runtime.onItemsCaptured(item(100 + n)));
    await eventually(() => expect(destination.to('/healthy')).toHaveLength(20), 20_000);
    expect(destination.to('/healthy').map((r) => JSON.parse(r.body).n)).toEqual(Array.from({ length: 20 }, (_, n) => 100 + n));
    await Promise.all(deliveries);
    const byAgent = Object.fromEntries(plugins.stats()[0].agents.map((a) => [a.agent, a]));
    expect(byAgent.Healthy).toMatchObject({ sent: 20, failed: 0, dropped: 0 });
    expect(byAgent.Dead).toMatchObject({ sent: 0, failed: 22, retried: 44 });
    const exposition = await metrics.metrics();
    expect(exposition).toContain('wirehook_plugin_sent_total{node="test",plugin="@wirehook/plugin-webhook",agent="Healthy"} 20');
    expect(exposition).toMatch(/wirehook_plugin_failed_total\{node="test",plugin="@wirehook\/plugin-webhook",agent="Dead"\} [1-9]/);
    expect(exposition).toMatch(/wirehook_plugin_retried_total\{node="test",plugin="@wirehook\/plugin-webhook",agent="Dead"\} [1-9]/);
  });

  it('calls straight through the test kit without an agent', async () => {
    await expect(kit.call('vendor.webhook', ['get', `${destination.url}/direct`])).resolves.toBe('ok /direct');
    const bridge = plugins.helpers().webhook;
    await expect(bridge(['DELETE', `${destination.url}/direct-2`], testCaller())).resolves.toBe('ok /direct-2');
    await expect(bridge(['DELETE'], testCaller())).rejects.toThrow('argument 2 (url) is required');
  });
});
