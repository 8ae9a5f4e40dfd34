import type { PacketInfo } from '@wirehook/contracts';
import { agent, httpItem, makeHost, settle, waitFor, type TestHost } from './support';

describe('hooks', () => {
  let t: TestHost;
  beforeEach(() => {
    t = makeHost();
  });
  afterEach(() => t.close());

  it('onPacketCaptured receives every packet of a batch with its fields', async () => {
    await t.runtime.load(agent('packets.js', `// Packets
var seen = 0, bytes = 0;
function onPacketCaptured(info) {
  seen++; bytes += info.length;
  if (seen === 1) console.log(info.transport, info.src.ip, info.src.port, info.dst.port, info.truncated, info.fragmented, info.captureLength, typeof info.timestamp);
}
function onHubAction() { console.log('total', seen, bytes); }`));
    const packets: PacketInfo[] = Array.from({ length: 1000 }, (_, i) => ({
      timestamp: 1700000000000 + i, captureLength: 60, length: 60 + (i % 3), truncated: false, fragmented: false,
      src: { ip: '10.0.0.1', port: 1000 + i }, dst: { ip: '10.0.0.2', port: 80 }, transport: 'tcp',
    }));
    expect(t.runtime.hasHook('onPacketCaptured')).toBe(true);
    await t.runtime.onPacketsCaptured(packets);
    await t.runtime.onPacketsCaptured(packets.slice(0, 10));
    await t.runtime.onHubAction('report', null);
    await settle();
    const bytes = packets.reduce((sum, p) => sum + p.length, 0) + packets.slice(0, 10).reduce((sum, p) => sum + p.length, 0);
    expect(t.console('Packets')).toEqual(['tcp 10.0.0.1 1000 80 false false 60 number', `total 1010 ${bytes}`]);
  });

  it('onItemCaptured sees items, including pre-serialised batches and items larger than a chunk', async () => {
    await t.runtime.load(agent('items.js', `// Items
var ids = [];
function onItemCaptured(data) { ids.push(data.id + ':' + data.request.method + ':' + data.response.status + ':' + data.response.content.text.length); }
function onHubAction() { console.log(JSON.stringify(ids)); }`));
    const big = httpItem(3);
    (big.response as { content: { text: string } }).content.text = 'x'.repeat(300 * 1024);
    await t.runtime.onItemsCaptured([httpItem(1), httpItem(2)]);
    await t.runtime.onItemsCaptured({ json: [JSON.stringify(big), JSON.stringify(httpItem(4), null, 2)] });
    await t.runtime.onHubAction('report', null);
    await settle();
    expect(JSON.parse(t.console('Items')[0])).toEqual([
      'worker-1/1-0:GET:200:11', 'worker-1/2-0:GET:200:11', `worker-1/3-0:GET:200:${300 * 1024}`, 'worker-1/4-0:GET:200:11',
    ]);
  });

  it('items behave as plain objects inside the sandbox (keys, JSON, mutation, freeze)', async () => {
    await t.runtime.load(agent('plain.js', `// Plain
function onItemCaptured(data) {
  var keys = Object.keys(data).length;
  data.extra = 1;
  delete data.node;
  var copy = JSON.parse(JSON.stringify(data));
  var own = data.hasOwnProperty('id') && !data.hasOwnProperty('toString');
  Object.defineProperty(data, 'fixed', { value: 2, enumerable: true });
  var frozen = Object.freeze(data) === data && Object.isFrozen(data);
  console.log(keys, 'extra' in data, data.node === undefined, copy.extra, copy.node === undefined, 'id' in data, frozen, Array.isArray(data.request.pathSegments),
    own, data.fixed, Object.keys(data).length, data.id);
}`));
    await t.runtime.onItemsCaptured([httpItem(1)]);
    await settle();
    const keys = Object.keys(httpItem(1)).length;
    // extra and fixed added, node deleted
    expect(t.console('Plain')).toEqual([`${keys} true true 1 true true true true true 2 ${keys + 1} ${httpItem(1).id}`]);
  });

  it('onItemQueried replaces what the reader sees; agents chain; nothing returned = unchanged', async () => {
    await t.runtime.load(agent('redact.js', `// Redact
function onItemQueried(data) {
  if (data.request.headers.Authorization) { data.request.headers.Authorization = '[redacted]'; return data; }
}`));
    await t.runtime.load(agent('mark.js', `// Mark
function onItemQueried(data) { if (data.response.status >= 500) return test.fail(data); return test.pass(data); }`));
    const withAuth = httpItem(1);
    (withAuth.request as { headers: Record<string, string> }).headers.Authorization = 'Bearer abc';
    const seen = await t.runtime.onItemQueried(withAuth);
    expect((seen.request as { headers: Record<string, string> }).headers.Authorization).toBe('[redacted]');
    expect(seen.passed).toBe(true);
    const failing = httpItem(2, { response: { ...(httpItem(2).response as object), status: 500 } as never });
    const marked = await t.runtime.onItemQueried(failing);
    expect(marked.failed).toBe(true);
    expect((marked.request as { headers: Record<string, string> }).headers).toEqual((failing.request as { headers: Record<string, string> }).headers);
  });

  it('onItemQueried returns the item unchanged when no agent defines it', async () => {
    const item = httpItem(1);
    await expect(t.runtime.onItemQueried(item)).resolves.toEqual(item);
  });

  it('onHubAction receives the action and the object', async () => {
    await t.runtime.load(agent('hub.js', `// Hub
function onHubAction(action, object) { console.log(action, object.count, object.list.join('+')); }`));
    await t.runtime.onHubAction('report', { count: 3, list: ['a', 'b'] });
    await settle();
    expect(t.console('Hub')).toEqual(['report 3 a+b']);
  });

  it('onPodEvent gets Kubernetes JSON with Go field names readable, and the change', async () => {
    await t.runtime.load(agent('pods.js', `// Pods
function onPodEvent(event, pod, change) {
  console.log(event, pod.metadata.name, pod.ObjectMeta.Name, pod.ObjectMeta.Namespace, pod.ObjectMeta.Labels.app, pod.Status.Phase, pod.status.phase,
    pod.Status.PodIP, pod.ObjectMeta.UID, pod.TypeMeta.Kind, pod.TypeMeta.APIVersion, pod.Status.ContainerStatuses[0].RestartCount, pod.Spec.NodeName,
    change.kind, change.container, change.restartCount, change.reason);
  console.log(JSON.stringify(pod).indexOf('ObjectMeta') === -1, Object.keys(pod).join(','));
}`));
    const pod = {
      kind: 'Pod', apiVersion: 'v1',
      metadata: { name: 'web-1', namespace: 'shop', uid: 'u-1', labels: { app: 'web' } },
      spec: { nodeName: 'node-a' },
      status: { phase: 'Running', podIP: '10.1.0.5', containerStatuses: [{ name: 'app', restartCount: 4 }] },
    };
    await t.runtime.onPodEvent('MODIFIED', pod, { kind: 'oom-killed', container: 'app', restartCount: 4, reason: 'OOMKilled' });
    await settle();
    expect(t.console('Pods')).toEqual([
      'MODIFIED web-1 web-1 shop web Running Running 10.1.0.5 u-1 Pod v1 4 node-a oom-killed app 4 OOMKilled',
      'true kind,apiVersion,metadata,spec,status',
    ]);
  });

  it('onJobPassed and onJobFailed receive tag, cron, limit (and the error)', async () => {
    await t.runtime.load(agent('jobhooks.js', `// Job hooks
var n = 0;
jobs.schedule('ok', '* * * * * *', function () { n++; }, 2);
jobs.schedule('bad', '* * * * * *', function () { throw new Error('nope ' + n); }, 1);
function onJobPassed(tag, cron, limit) { console.log('passed', tag, cron, limit); }
function onJobFailed(tag, cron, limit, error) { console.log('failed', tag, cron, limit, error); }`));
    await waitFor(() => t.console('Job hooks').length >= 3, 'three job runs');
    await waitFor(() => t.runtime.jobs.list().length === 0, 'jobs removed at their limit');
    const lines = t.console('Job hooks');
    expect(lines.filter((l) => l === 'passed ok * * * * * * 2')).toHaveLength(2);
    expect(lines.filter((l) => /^failed bad \* \* \* \* \* \* 1 Error: nope \d$/.test(l))).toHaveLength(1);
    expect(lines).toHaveLength(3);
  });

  it('a throwing hook is counted and logged with its own line, and the next event still reaches it', async () => {
    await t.runtime.load(agent('thrower.js', `// Thrower
var calls = 0;
function onItemCaptured(data) {
  calls++;
  if (data.index === 0 && calls % 2 === 1) {
    throw new Error('odd call ' + calls);
  }
}
function onHubAction() { console.log('calls', calls); }`));
    await t.runtime.onItemsCaptured([httpItem(1), httpItem(2), httpItem(3)]);
    await t.runtime.onItemsCaptured([httpItem(4)]);
    await t.runtime.onHubAction('report', null);
    await settle();
    expect(t.console('Thrower')).toEqual(['calls 4']);
    const errors = t.entries('hook-error', 'Thrower');
    expect(errors[0].message).toMatch(/^onItemCaptured: Error: odd call 1 at thrower\.js:6:11/);
    expect(errors.map((e) => e.message.split(' at ')[0])).toEqual(['onItemCaptured: Error: odd call 1', 'onItemCaptured: Error: odd call 3']);
    expect(errors.every((e) => e.node === 'worker-1' && e.level === 'error')).toBe(true);
    const stats = t.runtime.stats().find((s) => s.id === 'thrower.js');
    expect(stats?.errors).toBe(2);
    expect(stats?.hooks.onItemCaptured).toMatchObject({ calls: 2, events: 4, errors: 2 });
    expect(stats?.state).toBe('loaded');
  });

  it('hasHook reflects the loaded agents', async () => {
    expect(t.runtime.hasHook('onItemCaptured')).toBe(false);
    await t.runtime.load(agent('only-pods.js', '// Only pods\nfunction onPodEvent() {}'));
    expect(t.runtime.hasHook('onItemCaptured')).toBe(false);
    expect(t.runtime.hasHook('onPodEvent')).toBe(true);
  });
});
