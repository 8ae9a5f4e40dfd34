import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, makeKubeConfig, startKubeApiServer, type KubeApiServer } from '@wirehook/testing';
import { HubRuntimeService } from '../src/runtime/hub-runtime.service';
import { createTestPlace, startTestHub, type TestHub, type TestPlace } from './test-hub';

const AGENT = '// Slow requests\nfunction onItemCaptured(data) {\n  if (data.elapsedTime > 100) console.log("slow " + data.request.path);\n}\n';

/** The hub mirrors its active agents into a ConfigMap on a server speaking the Kubernetes API, with the real store. */
describe('hub ConfigMap mirror', () => {
  let place: TestPlace;
  let kube: KubeApiServer;
  let hub: TestHub | undefined;
  let dir: string;

  beforeAll(async () => {
    place = await createTestPlace();
    kube = await startKubeApiServer();
    dir = mkdtempSync(join(tmpdir(), 'wirehook-cm-'));
  });
  afterAll(async () => {
    await hub?.close();
    await kube.close();
    await place.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes active agents to the ConfigMap and imports an outside edit as a new revision that every node loads', async () => {
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    writeFileSync(kubeconfig, makeKubeConfig(kube).exportConfig());
    const agents = join(dir, 'agents');
    mkdirSync(agents);
    writeFileSync(join(agents, 'slow.js'), AGENT);
    hub = await startTestHub(place, {
      config: {
        kubernetes: { enabled: true, kubeconfig, namespace: 'wirehook', configMap: 'wirehook-config-map' },
        scripting: { source: agents },
      },
    });

    const configMap = await eventually(() => {
      const cm = kube.get('configmaps', 'wirehook', 'wirehook-config-map');
      expect((cm?.data as Record<string, string> | undefined)?.['slow-requests.js']).toBe(AGENT);
      return cm;
    });
    expect(configMap).toBeDefined();

    const edited = AGENT.replace('> 100', '> 250');
    kube.edit('configmaps', 'wirehook', 'wirehook-config-map', (cm) => {
      (cm.data as Record<string, string>)['slow-requests.js'] = edited;
    });
    const agent = await eventually(async () => {
      const found = await hub!.database.agents.getByTitle('Slow requests');
      expect(found.source).toBe(edited);
      return found;
    });
    const revisions = await hub.database.agents.listRevisions(agent.id);
    expect(revisions[0]).toMatchObject({ revision: agent.revision, author: 'configmap:wirehook-config-map' });
    // The import was announced: the hub's own runtime runs the new revision.
    await eventually(() => {
      const status = hub!.hub.app.get(HubRuntimeService).runtime.statuses().find((s) => s.title === 'Slow requests');
      expect(status?.revision).toBe(agent.revision);
    });
  });
});
