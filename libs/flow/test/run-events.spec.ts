// Flows on the other hooks: packets (from dns.pcap), hub actions, pod events, items queried.
import { toPacketInfo } from '@wirehook/capture';
import type { PacketInfo } from '@wirehook/contracts';
import { replayCaptureToItems } from '@wirehook/dissectors';
import { sharedPcap } from '@wirehook/testing';
import { flowHost, graphOf, loadFlow, mixedItems, settle, testCatalog, type FlowHost } from './support';

const catalog = testCatalog();
let host: FlowHost;

afterEach(async () => {
  expect(host.problems()).toEqual([]);
  await host.close();
});

test('onPacketCaptured: a packet filter passes the UDP packets of dns.pcap', async () => {
  const packets: PacketInfo[] = [];
  await replayCaptureToItems(sharedPcap('dns.pcap'), { onItem: () => undefined, onPacket: (p) => packets.push(toPacketInfo(p)) });
  const udp = packets.filter((p) => p.transport === 'udp');
  expect(udp.length).toBeGreaterThan(0);
  expect(udp.length).toBeLessThan(packets.length);
  host = flowHost();
  const graph = graphOf(
    catalog,
    'UDP packets',
    [
      ['t', 'trigger.onPacketCaptured'],
      ['udp', 'logic.filterField', { path: 'transport', operator: '==', value: 'udp' }],
      ['log', 'action.console.log', { message: '{{data.src.ip}}:{{data.src.port}} > {{data.dst.ip}}:{{data.dst.port}} {{data.length}}' }],
    ],
    ['t:out->udp', 'udp:out->log'],
  );
  const compiled = await loadFlow(host, graph, catalog);
  expect(compiled.hooks).toEqual(['onPacketCaptured']);
  await host.runtime.onPacketsCaptured(packets);
  await settle();
  expect(host.console()).toEqual(udp.map((p) => `${p.src.ip}:${p.src.port} > ${p.dst.ip}:${p.dst.port} ${p.length}`));
});

test('onHubAction: triggers filter by action name and read the object', async () => {
  host = flowHost({ nodeName: 'hub', role: 'hub' });
  const graph = graphOf(
    catalog,
    'Deployments',
    [
      ['deploy', 'trigger.onHubAction', { action: 'deploy' }],
      ['log-deploy', 'action.console.log', { message: 'deploying {{data.object.service}} {{data.object.version}}' }],
      ['any', 'trigger.onHubAction'],
      ['log-any', 'action.console.log', { message: 'action {{data.action}}' }],
    ],
    ['deploy:out->log-deploy', 'any:out->log-any'],
  );
  const compiled = await loadFlow(host, graph, catalog);
  expect(compiled.hooks).toEqual(['onHubAction']);
  await host.runtime.onHubAction('deploy', { service: 'web', version: '1.4.2' });
  await host.runtime.onHubAction('rollback', { service: 'web' });
  await settle();
  expect(host.console()).toEqual(['deploying web 1.4.2', 'action deploy', 'action rollback']);
});

test('onPodEvent: crashed pods are reported with their name and reason', async () => {
  host = flowHost();
  const graph = graphOf(
    catalog,
    'Crashes',
    [
      ['pods', 'trigger.onPodEvent'],
      ['crashed', 'logic.filterField', { path: 'change.kind', operator: '==', value: 'crashed' }],
      ['log', 'action.console.log', { message: '{{data.event}} {{data.pod.metadata.namespace}}/{{data.pod.metadata.name}} {{data.change.container}}: {{data.change.reason}} (restarts {{data.change.restartCount}})' }],
    ],
    ['pods:out->crashed', 'crashed:out->log'],
  );
  await loadFlow(host, graph, catalog);
  const pod = (name: string) => ({ metadata: { name, namespace: 'shop' }, status: { phase: 'Running' } });
  await host.runtime.onPodEvent('MODIFIED', pod('cart-1'), { kind: 'crashed', container: 'app', restartCount: 3, reason: 'Error' });
  await host.runtime.onPodEvent('MODIFIED', pod('cart-2'), { kind: 'ready' });
  await host.runtime.onPodEvent('ADDED', pod('cart-3'), { kind: 'created' });
  await settle();
  expect(host.console()).toEqual(['MODIFIED shop/cart-1 app: Error (restarts 3)']);
});

test('onItemQueried: a mark node changes what the reader sees; others are returned unchanged', async () => {
  const items = await mixedItems();
  host = flowHost({ nodeName: 'hub', role: 'hub' });
  const graph = graphOf(
    catalog,
    'Mark errors',
    [
      ['queried', 'trigger.onItemQueried'],
      ['errors', 'logic.filterField', { path: 'response.status', operator: '>=', value: 400 }],
      ['fail', 'action.test.mark', { result: 'fail' }],
      ['pass', 'action.test.mark', { result: 'pass' }],
    ],
    ['queried:out->errors', 'errors:out->fail', 'errors:else->pass'],
  );
  const compiled = await loadFlow(host, graph, catalog);
  expect(compiled.hooks).toEqual(['onItemQueried']);
  const shown = [];
  for (const item of items) shown.push(await host.runtime.onItemQueried(item));
  expect(shown.filter((i) => i.failed === true).map((i) => i.id)).toEqual(['worker-1/9-0', 'worker-1/10-0', 'worker-1/15-2', 'worker-1/16-2']);
  expect(shown.filter((i) => i.passed === true)).toHaveLength(17);
  const { passed, ...rest } = shown[0];
  expect(passed).toBe(true);
  expect(rest).toEqual(JSON.parse(JSON.stringify(items[0])));
});
