import { Registry } from 'prom-client';
import { PluginHost, pluginPackagePath, testCaller, type PluginLogLevel } from '../src';
import { echoCopy, tempDir } from './support';

describe('PluginHost', () => {
  const place = tempDir('host');
  const logs: Array<{ level: PluginLogLevel; agent: string; message: string }> = [];
  const metrics = new Registry();
  const host = new PluginHost({
    node: 'node-a',
    pluginsDir: place.dir,
    host: { version: '0.1.0' },
    metrics,
    env: { ECHO_PREFIX: '> ', AWS_SECRET_ACCESS_KEY: 'not for plugins' },
    log: (level, agent, message) => logs.push({ level, agent, message }),
  });
  const install = (version: string, edit: Parameters<typeof echoCopy>[1] = () => undefined) =>
    echoCopy(pluginPackagePath(place.dir, '@acme/wirehook-echo', version), (pkg) => {
      pkg.version = version;
      edit(pkg);
    });

  afterAll(async () => {
    await host.close();
    place.remove();
  });

  it('loads a plugin version from the plugins folder and calls it with validated arguments and its context', async () => {
    install('1.2.0');
    const report = await host.apply([{ name: '@acme/wirehook-echo', version: '1.2.0', settings: { suffix: '?' } }]);
    expect(report).toMatchObject({ loaded: [{ name: '@acme/wirehook-echo', version: '1.2.0', state: 'loaded' }], failed: [], addedHelpers: ['vendor.echo', 'vendor.echoFail'] });
    expect(Object.keys(host.helpers()).sort()).toEqual(['echo', 'echoFail']);
    const answer = await host.helpers().echo(['hi', null], testCaller({ agentTitle: 'Echoer', nodeName: 'node-a' }));
    // Only the env keys the manifest declares reach the plugin.
    expect(answer).toEqual({ text: '> hi?', args: 1, agent: 'Echoer', node: 'node-a', attempt: 1, env: ['ECHO_PREFIX'] });
    await expect(host.helpers().echo([7], testCaller())).rejects.toThrow('argument 1 (text) must be string');
  });

  it('queue helpers return at once; failures are retried only when safe, logged without secrets and counted', async () => {
    await host.apply([{ name: '@acme/wirehook-echo', version: '1.2.0', settings: { delivery: { retries: 2, backoffMs: 1, maxBackoffMs: 2 } } }]);
    const caller = testCaller({ agentId: 'agent-1', agentTitle: 'Failing agent' });
    await expect(host.helpers().echoFail([false, 'super-secret-token'], caller)).resolves.toBe(true);
    await expect(host.helpers().echoFail([true, 'super-secret-token'], caller)).resolves.toBe(true);
    await expect(host.helpers().echoFail([null, 'super-secret-token'], caller)).resolves.toBe(true);
    const failing = () => host.stats()[0].agents.find((a) => a.agent === 'Failing agent');
    for (let i = 0; i < 400 && (failing()?.failed ?? 0) < 3; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    // retryable:false → 1 attempt; retryable:true → 3 attempts; unmarked on a non-idempotent helper → 1 attempt.
    expect(failing()).toMatchObject({ sent: 0, failed: 3, retried: 2, dropped: 0, queued: 0 });
    const lines = logs.filter((l) => l.agent === 'Failing agent');
    expect(lines.map((l) => l.message)).toEqual([
      '[@acme/wirehook-echo] delivery failed: vendor.echoFail: failed with token ***',
      '[@acme/wirehook-echo] delivery failed: vendor.echoFail: failed with token ***',
      '[@acme/wirehook-echo] delivery failed: vendor.echoFail: failed with token *** (after 3 attempts)',
    ]);
    const exposition = await metrics.metrics();
    expect(exposition).toContain('wirehook_plugin_failed_total{node="node-a",plugin="@acme/wirehook-echo",agent="Failing agent"} 3');
    expect(exposition).toContain('wirehook_plugin_events_total{node="node-a",plugin="@acme/wirehook-echo",name="failures"} 5');
  });

  it('checks compatibility again at load and refuses with the reason', async () => {
    install('2.0.0', (pkg) => void (pkg.wirehook.host = '>=5.0.0'));
    const report = await host.apply([{ name: '@acme/wirehook-echo', version: '2.0.0' }]);
    expect(report.failed).toEqual([
      expect.objectContaining({ state: 'failed', error: '@acme/wirehook-echo@2.0.0 is not compatible with this host: needs Wirehook >=5.0.0, this host is Wirehook 0.1.0' }),
    ]);
    expect(report.removedHelpers).toEqual(['vendor.echo', 'vendor.echoFail']);
    expect(host.helpers()).toEqual({});
    expect(host.statuses()).toEqual([expect.objectContaining({ version: '2.0.0', state: 'failed' })]);
  });

  it('refuses a version that is not in the folder, and one whose helpers clash with another plugin', async () => {
    install('1.3.0');
    echoCopy(pluginPackagePath(place.dir, '@other/echo-too', '1.0.0'), (pkg) => {
      pkg.name = '@other/echo-too';
      pkg.version = '1.0.0';
    });
    const report = await host.apply([
      { name: '@acme/wirehook-echo', version: '1.3.0' },
      { name: '@other/echo-too', version: '1.0.0' },
      { name: '@acme/missing', version: '1.0.0' },
    ]);
    expect(report.loaded.map((p) => `${p.name}@${p.version}`)).toEqual(['@acme/wirehook-echo@1.3.0']);
    expect(report.failed.map((p) => p.error)).toEqual([
      'vendor.echo clashes with vendor.echo of plugin @acme/wirehook-echo',
      expect.stringMatching(/^.*@acme\+missing@1\.0\.0\/package\.json: invalid plugin manifest: cannot read: ENOENT$/),
    ]);
  });

  it('unloads what is no longer wanted', async () => {
    const report = await host.apply([]);
    expect(report.unloaded).toEqual(['@acme/wirehook-echo']);
    expect(report.removedHelpers).toEqual(['vendor.echo', 'vendor.echoFail']);
    expect(host.statuses()).toEqual([]);
  });
});
