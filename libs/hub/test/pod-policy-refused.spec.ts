// hub.blockPod / hub.unblockPod are refused unless kubernetes.networkPolicy.enabled: a real agent in
// the real sandbox gets the refusal as an exception, the audit log names it, the cluster is untouched.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { InProcessBus } from '@wirehook/bus';
import { configSchema, Subjects, type LogEntry } from '@wirehook/contracts';
import type { HubOptions } from '../src';
import { PodPolicyService } from '../src/kubernetes/pod-policy.service';
import { LogService } from '../src/logs/log.service';
import { AgentRuntime } from '@wirehook/runtime';
import { eventually, makeKubeConfig, pendingPod, startKubeApiServer, type KubeApiServer } from '@wirehook/testing';

const AGENT = [
  '// Blocker',
  'function onHubAction(action, object) {',
  '  try { hub[action](object.name, object.namespace); console.log(action + " done"); }',
  '  catch (e) { console.log(action + " failed: " + e.message); }',
  '}',
].join('\n');

describe('hub.blockPod when network policy is not enabled', () => {
  let server: KubeApiServer;
  let dir: string;
  const bus = new InProcessBus();
  const logs: LogEntry[] = [];

  beforeAll(async () => {
    server = await startKubeApiServer();
    server.apply('pods', pendingPod({ name: 'scanner-1', namespace: 'shop' }));
    dir = mkdtempSync(join(tmpdir(), 'wirehook-refused-'));
    bus.subscribe<LogEntry>(Subjects.logsAll, (entry) => void logs.push(entry));
  });
  afterAll(async () => {
    await bus.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function runAgent(options: HubOptions, actions: string[], hostHasHelpers = true): Promise<string[]> {
    const policies = new PodPolicyService(options, new LogService(options));
    const runtime = new AgentRuntime({
      nodeName: 'hub',
      role: 'hub',
      env: {},
      limits: options.config.scripting.limits,
      dataDir: dir,
      log: (entry) => bus.publish(Subjects.logs(entry.node), entry),
      hubAction: () => undefined,
      targeted: () => ({ targets: [], excluded: [] }),
      ...(hostHasHelpers
        ? {
            blockPod: async (name: string, namespace: string, agent: string) => void (await policies.apply('block', name, namespace, { agent, node: 'hub' })),
            unblockPod: async (name: string, namespace: string, agent: string) => void (await policies.apply('unblock', name, namespace, { agent, node: 'hub' })),
          }
        : {}),
    });
    try {
      await runtime.sync([{ id: 'a1', title: 'Blocker', source: AGENT, revision: 1 }]);
      for (const action of actions) await runtime.onHubAction(action, { name: 'scanner-1', namespace: 'shop' });
      const console = () => logs.filter((l) => l.source === 'console' && l.agent === 'Blocker').map((l) => l.message);
      await eventually(() => expect(console()).toHaveLength(actions.length));
      return console();
    } finally {
      await runtime.close();
    }
  }

  function hubOptions(kubernetes: Record<string, unknown>): HubOptions {
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    writeFileSync(kubeconfig, makeKubeConfig(server).exportConfig());
    const config = configSchema.parse({ kubernetes: { kubeconfig, ...kubernetes }, scripting: { consoleToStdout: false } });
    return { config, bus, metrics: new Registry() } as unknown as HubOptions;
  }

  beforeEach(() => void (logs.length = 0));

  it('refuses with kubernetes.networkPolicy.enabled false, in the agent and in the audit log', async () => {
    const lines = await runAgent(hubOptions({ enabled: true }), ['blockPod', 'unblockPod']);
    expect(lines).toEqual([
      'blockPod failed: hub.blockPod: refused: kubernetes.networkPolicy.enabled is false',
      'unblockPod failed: hub.unblockPod: refused: kubernetes.networkPolicy.enabled is false',
    ]);
    const audit = logs.filter((l) => l.source === 'audit');
    expect(audit.map((l) => [l.level, l.agent, l.message])).toEqual([
      ['warn', 'Blocker', 'hub.blockPod refused: kubernetes.networkPolicy.enabled is false (pod shop/scanner-1, asked by agent "Blocker" on node hub)'],
      ['warn', 'Blocker', 'hub.unblockPod refused: kubernetes.networkPolicy.enabled is false (pod shop/scanner-1, asked by agent "Blocker" on node hub)'],
    ]);
    expect(server.requests).toEqual([]);
  });

  it('refuses with Kubernetes off altogether, even when network policy is enabled', async () => {
    const lines = await runAgent(hubOptions({ enabled: false, networkPolicy: { enabled: true } }), ['blockPod']);
    expect(lines).toEqual(['blockPod failed: hub.blockPod: refused: kubernetes.enabled is false']);
    expect(server.requests).toEqual([]);
  });

  it('says the helper is not available on a node without it', async () => {
    const lines = await runAgent(hubOptions({ enabled: true, networkPolicy: { enabled: true } }), ['blockPod'], false);
    expect(lines).toEqual(['blockPod failed: hub.blockPod: not available on node "hub" (no Kubernetes connection)']);
  });

  it('blocks when enabled', async () => {
    const lines = await runAgent(hubOptions({ enabled: true, networkPolicy: { enabled: true } }), ['blockPod', 'unblockPod']);
    expect(lines).toEqual(['blockPod done', 'unblockPod done']);
    expect(logs.filter((l) => l.source === 'audit').map((l) => l.message)).toEqual([
      expect.stringMatching(/^blocked pod shop\/scanner-1 with NetworkPolicy shop\/wirehook-block-scanner-1 \(uid [0-9a-f-]{36}\), asked by agent "Blocker" on node hub$/),
      'unblocked pod shop/scanner-1: removed NetworkPolicy shop/wirehook-block-scanner-1, asked by agent "Blocker" on node hub',
    ]);
  });
});
