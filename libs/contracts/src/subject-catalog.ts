import { Buckets, pluginPackageObject } from './buckets';
import { QueueGroups, type Subjects } from './subjects';

/** Subjects that name one kind of message; the `…All` wildcards are for subscribing only. */
export type SubjectKey = Exclude<keyof typeof Subjects, `${string}All`>;

/**
 * Every subject with what an external reader needs: who publishes, who receives, how it is
 * delivered and what the payload is. `docs/asyncapi.yaml` is generated from this table and the
 * payload types (`npm run docs:asyncapi`); a test keeps the two in agreement.
 */
export interface SubjectSpec {
  /** Channel id in the AsyncAPI document: the key of `Subjects` that builds this subject. */
  id: SubjectKey;
  /** The subject with `{parameter}` placeholders, exactly as the Subjects functions build it. */
  address: string;
  /** In the order the `Subjects` function takes them. */
  parameters: Record<string, string>;
  /** Who sends and who receives. */
  from: string;
  to: string;
  delivery: 'broadcast' | `queue group ${string}` | 'request/reply';
  /** Name of the exported payload type in this library. */
  payload: string;
  /** For request/reply: the type of the reply. */
  reply?: string;
  description: string;
  example: unknown;
}

const exampleItem = {
  id: 'node-1/12-0',
  index: 0,
  stream: '12',
  worker: 'node-1',
  node: { ip: '10.0.0.7', name: 'node-1' },
  protocol: { name: 'http', version: '1.1', abbr: 'HTTP', longName: 'Hypertext Transfer Protocol -- HTTP/1.1', layer3: 'ipv4', layer4: 'tcp' },
  src: { ip: '10.0.1.5', port: '51234', name: 'frontend', namespace: 'shop' },
  dst: { ip: '10.0.2.9', port: '8080', name: 'users', namespace: 'shop' },
  namespace: 'shop',
  timestamp: 1764470000123,
  startTime: '2025-11-30T02:33:20.123Z',
  elapsedTime: 3,
  requestSize: 78,
  responseSize: 512,
  request: {
    method: 'GET', url: '/users.json?page=2', path: '/users.json', pathSegments: ['users.json'], httpVersion: 'HTTP/1.1',
    headers: { Host: 'users:8080' }, cookies: {}, queryString: { page: '2' }, headersSize: 78, bodySize: 0, postData: { mimeType: '', text: '' },
  },
  response: {
    status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: { 'Content-Type': 'application/json' }, cookies: {},
    headersSize: 120, bodySize: 392, redirectURL: '', content: { mimeType: 'application/json', encoding: '', size: 392, text: '[]' },
  },
};

/** The next request on the same connection: a batch holds items of one node and protocol. */
const exampleNextItem = {
  ...exampleItem,
  id: 'node-1/12-1',
  index: 1,
  timestamp: 1764470000131,
  startTime: '2025-11-30T02:33:20.131Z',
  elapsedTime: 2,
  requestSize: 72,
  responseSize: 146,
  request: { ...exampleItem.request, url: '/users/7.json', path: '/users/7.json', pathSegments: ['users', '7.json'], queryString: {}, headersSize: 72 },
  response: {
    ...exampleItem.response, status: 404, statusText: 'Not Found', headersSize: 120, bodySize: 26,
    content: { mimeType: 'application/json', encoding: '', size: 26, text: '{"error":"no such user 7"}' },
  },
};

export const SUBJECT_CATALOG: SubjectSpec[] = [
  {
    id: 'items',
    address: 'wirehook.items.{node}.{protocol}',
    parameters: { node: 'worker node name', protocol: 'protocol name: http, dns, redis' },
    from: 'worker',
    to: 'hub, dashboards, external consumers (also kept in the JetStream stream WIREHOOK_ITEMS)',
    delivery: 'broadcast',
    payload: 'ItemBatchMessage',
    description:
      'A batch of dissected request/response pairs (or one-way messages) of one node and protocol, in capture order: ' +
      'one or more items per message (a worker sends what it dissected in one event-loop turn, at most 256 items or ' +
      'about 48 KiB per message; a larger item goes alone). Each message carries a `Nats-Msg-Id` header, ' +
      '`<worker run>/<first item id>+<item count>`, so a batch re-sent after a reconnect is stored once in the items ' +
      'stream. Item ids (`<node>/<stream>-<index>`) are unique within a worker run; `id` with `timestamp` tells items ' +
      'apart across runs. `sequence` numbers the items of a worker run on the subject: a later `first` than the ' +
      'previous batch ended at means items were missed in between (the hub counts and logs them); an earlier one is a re-send.',
    example: { v: 1, sequence: { session: 'mil3q9k0', first: 0 }, items: [exampleItem, exampleNextItem] },
  },
  {
    id: 'packets',
    address: 'wirehook.packets.{node}',
    parameters: { node: 'worker node name' },
    from: 'worker (when tap.packets is on)',
    to: 'anyone interested',
    delivery: 'broadcast',
    payload: 'PacketMessage',
    description: 'Batches of packet summaries, as `onPacketCaptured` sees them.',
    example: {
      v: 1,
      node: 'node-1',
      packets: [{ timestamp: 1764470000123, captureLength: 66, length: 66, truncated: false, fragmented: false, src: { ip: '10.0.1.5', port: 51234 }, dst: { ip: '10.0.2.9', port: 8080 }, transport: 'tcp' }],
    },
  },
  {
    id: 'hubAction',
    address: 'wirehook.hub.actions.{action}',
    parameters: { action: 'the action name an agent passed to hub.action' },
    from: 'any node (an agent calling hub.action)',
    to: 'hub: onHubAction',
    delivery: `queue group ${QueueGroups.hub}`,
    payload: 'HubActionMessage',
    description: 'Delivers `object` to `onHubAction(action, object)` on exactly one hub replica.',
    example: { v: 1, action: 'slow-request', object: { path: '/users.json', ms: 812 }, from: { node: 'node-1', agent: 'Slow requests' } },
  },
  {
    id: 'podEvents',
    address: 'wirehook.pods.events.{namespace}',
    parameters: { namespace: 'Kubernetes namespace of the pod' },
    from: 'hub (Kubernetes watch)',
    to: 'every worker and the hub runtime: onPodEvent',
    delivery: 'broadcast',
    payload: 'PodEventMessage',
    description: 'A pod watch event with what changed, in words a script can branch on.',
    example: {
      v: 1,
      event: 'MODIFIED',
      pod: { metadata: { name: 'users-7d9f', namespace: 'shop' }, status: { phase: 'Running' } },
      change: { kind: 'restarted', container: 'users', restartCount: 3, reason: 'Error', message: 'exit code 1' },
    },
  },
  {
    id: 'podPolicy',
    address: 'wirehook.pods.policy',
    parameters: {},
    from: 'worker (an agent calling hub.blockPod or hub.unblockPod)',
    to: 'hub (one replica, queue group wirehook-hub)',
    delivery: 'request/reply',
    payload: 'PodPolicyRequest',
    reply: 'PodPolicyReply',
    description:
      'Creates (block) or removes (unblock) the deny-all NetworkPolicy that selects exactly one pod; refused unless kubernetes.networkPolicy.enabled. The hub writes an audit log entry naming the agent.',
    example: { v: 1, action: 'block', name: 'users-7d9f', namespace: 'shop', from: { node: 'node-1', agent: 'Block scanners' } },
  },
  {
    id: 'scriptsChanged',
    address: 'wirehook.scripts.changed',
    parameters: {},
    from: 'hub',
    to: 'every node',
    delivery: 'broadcast',
    payload: 'ScriptsChangedMessage',
    description: 'The complete set of active agents; nodes load, replace and unload agents to match it, without restarting.',
    example: { v: 1, agents: [{ id: '0b6f0f5e-6d0c-4a43-9a53-3e1c6b0e2d11', title: 'Slow requests', source: '// Slow requests\nfunction onItemCaptured(data) {}\n', revision: 3 }] },
  },
  {
    id: 'scriptsCurrent',
    address: 'wirehook.scripts.current',
    parameters: {},
    from: 'worker (at start)',
    to: 'hub',
    delivery: 'request/reply',
    payload: 'ScriptsCurrentRequest',
    reply: 'ScriptsChangedMessage',
    description: 'A starting worker asks for the active agents; one hub replica answers.',
    example: {},
  },
  {
    id: 'pluginsChanged',
    address: 'wirehook.plugins.changed',
    parameters: {},
    from: 'hub',
    to: 'every node',
    delivery: 'broadcast',
    payload: 'PluginsChangedMessage',
    description:
      'The installed plugins and versions changed; nodes load them without restarting. Before announcing a version the hub puts its npm tarball in the ' +
      `JetStream object store bucket \`${Buckets.pluginPackages}\` (object \`<name with / as +>@<version>.tgz\`, e.g. \`${pluginPackageObject('@wirehook/plugin-webhook', '1.0.0')}\`); ` +
      'a node whose plugins folder lacks that version fetches it from there.',
    example: { v: 1, plugins: [{ name: '@wirehook/plugin-webhook', version: '1.0.0' }] },
  },
  {
    id: 'pluginsCurrent',
    address: 'wirehook.plugins.current',
    parameters: {},
    from: 'every node (at start)',
    to: 'hub',
    delivery: 'request/reply',
    payload: 'PluginsCurrentRequest',
    reply: 'PluginsChangedMessage',
    description: 'A starting node asks for the installed plugins; one hub replica answers.',
    example: {},
  },
  {
    id: 'pluginStats',
    address: 'wirehook.plugins.{node}.stats',
    parameters: { node: 'node name (hub or a worker)' },
    from: 'hub (GET /api/plugins/stats)',
    to: 'the node named node',
    delivery: 'request/reply',
    payload: 'PluginStatsRequest',
    reply: 'PluginStatsReply',
    description: "Load state of each plugin on the node and its delivery counters (sent, failed, retried, dropped), in total and per agent.",
    example: { v: 1 },
  },
  {
    id: 'logs',
    address: 'wirehook.logs.{node}',
    parameters: { node: 'node name (hub or a worker)' },
    from: 'every node',
    to: 'hub log store, dashboard console, `wirehook tail`',
    delivery: 'broadcast',
    payload: 'LogEntry',
    description: "Agents' console output and the runtime's reports: hook errors, limit hits, job runs, load failures.",
    example: { v: 1, time: 1764470000123, node: 'node-1', agent: 'Slow requests', level: 'info', source: 'console', message: 'GET /users.json took 812 ms' },
  },
  {
    id: 'workerStatus',
    address: 'wirehook.workers.{node}.status',
    parameters: { node: 'worker node name' },
    from: 'worker (every 5 s)',
    to: 'hub: GET /api/workers',
    delivery: 'broadcast',
    payload: 'WorkerStatusMessage',
    description: 'Heartbeat with counters.',
    example: {
      v: 1, node: 'node-1', version: '0.1.0', startedAt: 1764469000000, time: 1764470000000,
      counters: { packets: 52205, bytes: 13000000, items: 25962, itemErrors: 0, drops: 0 },
      agentsLoaded: 2, capture: { source: 'node-1', description: 'live eth0' },
    },
  },
  {
    id: 'jobsList',
    address: 'wirehook.jobs.{node}.list',
    parameters: { node: 'worker node name (the hub answers for its own runtime in the API without the bus)' },
    from: 'hub (GET /api/jobs/{node})',
    to: 'the worker named node',
    delivery: 'request/reply',
    payload: 'JobsListRequest',
    reply: 'JobsReply',
    description: "Lists the node's scheduled jobs (from agents' `jobs.schedule`) and whether its scheduler runs.",
    example: { v: 1 },
  },
  {
    id: 'jobsRun',
    address: 'wirehook.jobs.{node}.run',
    parameters: { node: 'worker node name' },
    from: 'hub (POST /api/jobs/{node}/{agentId}/{tag}/run)',
    to: 'the worker named node',
    delivery: 'request/reply',
    payload: 'JobRequest',
    reply: 'JobsReply',
    description: 'Runs one job now, as `jobs.run(tag)` would; the reply says whether it passed.',
    example: { v: 1, agentId: '0b6f0f5e-6d0c-4a43-9a53-3e1c6b0e2d11', tag: 'report' },
  },
  {
    id: 'jobsRemove',
    address: 'wirehook.jobs.{node}.remove',
    parameters: { node: 'worker node name' },
    from: 'hub (DELETE /api/jobs/{node}/{agentId}/{tag})',
    to: 'the worker named node',
    delivery: 'request/reply',
    payload: 'JobRequest',
    reply: 'JobsReply',
    description: 'Removes one job from the node, as `jobs.remove(tag)` would (until the agent schedules it again).',
    example: { v: 1, agentId: '0b6f0f5e-6d0c-4a43-9a53-3e1c6b0e2d11', tag: 'report' },
  },
  {
    id: 'jobsScheduler',
    address: 'wirehook.jobs.{node}.scheduler',
    parameters: { node: 'worker node name' },
    from: 'hub (POST /api/jobs/{node}/scheduler/start|stop)',
    to: 'the worker named node',
    delivery: 'request/reply',
    payload: 'JobsSchedulerRequest',
    reply: 'JobsReply',
    description: 'Pauses or resumes every job on the node, as `jobs.scheduler.stop()` / `.start()` would.',
    example: { v: 1, action: 'stop' },
  },
  {
    id: 'agentStats',
    address: 'wirehook.agents.{node}.stats',
    parameters: { node: 'worker node name' },
    from: 'hub (GET /api/agents, GET /api/agents/{id})',
    to: 'the worker named node',
    delivery: 'request/reply',
    payload: 'AgentStatsRequest',
    reply: 'AgentStatsReply',
    description: "Per-agent runtime counters of the node's agent runtime.",
    example: { v: 1 },
  },
];
