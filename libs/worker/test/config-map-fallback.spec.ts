import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { InProcessBus } from '@wirehook/bus';
import { configSchema, Subjects, type LogEntry } from '@wirehook/contracts';
import { eventually, makeKubeConfig, sharedPcap, startKubeApiServer, type KubeApiServer } from '@wirehook/testing';
import { startWorker, type RunningWorker } from '../src';

const AGENT = '// Item logger\nfunction onItemCaptured(data) {\n  console.log("item " + data.id);\n}\n';

/** With no hub answering (its database down), a worker runs the agents mirrored in the ConfigMap. */
describe('worker without a hub', () => {
  let kube: KubeApiServer;
  let dir: string;
  let worker: RunningWorker | undefined;
  const bus = new InProcessBus();

  beforeAll(async () => {
    kube = await startKubeApiServer();
    dir = mkdtempSync(join(tmpdir(), 'wirehook-worker-cm-'));
  });
  afterAll(async () => {
    await worker?.close();
    await bus.close();
    await kube.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the agents of the ConfigMap on every item of its capture', async () => {
    kube.apply('configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'wirehook-config-map', namespace: 'wirehook' },
      data: { 'item-logger.js': AGENT },
    });
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    writeFileSync(kubeconfig, makeKubeConfig(kube).exportConfig());
    const lines: string[] = [];
    bus.subscribe<LogEntry>(Subjects.logsAll, (entry) => {
      if (entry.source === 'console') lines.push(entry.message);
    });

    const config = configSchema.parse({
      node: { name: 'node-cm' },
      database: { dataDir: dir },
      tap: { pcap: sharedPcap('http-mixed.pcap'), loop: false, speed: 0 },
      kubernetes: { enabled: true, kubeconfig, namespace: 'wirehook' },
      scripting: { consoleToStdout: false },
    });
    worker = await startWorker({ config, bus, metrics: new Registry(), logger: pino({ level: 'silent' }), version: 'test' });

    await eventually(() => expect(worker?.counters().items).toBe(21), 30_000);
    await eventually(() => expect(lines).toHaveLength(21), 10_000);
    expect(new Set(lines).size).toBe(21);
    expect(lines.every((l) => /^item node-cm\/\d+-\d+$/.test(l))).toBe(true);
  }, 60_000);
});
