/**
 * Every NATS subject Wirehook uses. Hub, workers and external consumers build subject
 * names only through these functions so that the AsyncAPI document and the code agree.
 * High-cardinality tokens come last, as NATS recommends.
 */

const ROOT = 'wirehook';

/** A subject token may not contain '.', '*', '>' or whitespace; anything else is kept. */
export function subjectToken(value: string): string {
  const token = value.replace(/[.*>\s]/g, '_');
  return token.length > 0 ? token : '_';
}

export const Subjects = {
  /** worker → hub, dashboards, external consumers. A batch of items (ItemBatchMessage) per message. */
  items: (node: string, protocol: string) => `${ROOT}.items.${subjectToken(node)}.${subjectToken(protocol)}`,
  itemsAll: `${ROOT}.items.>`,
  /** worker → anyone interested: packet summaries (only when enabled). */
  packets: (node: string) => `${ROOT}.packets.${subjectToken(node)}`,
  packetsAll: `${ROOT}.packets.>`,
  /** any node → hub runtime (`onHubAction`); consumed by one hub replica (queue group). */
  hubAction: (action: string) => `${ROOT}.hub.actions.${subjectToken(action)}`,
  hubActionsAll: `${ROOT}.hub.actions.>`,
  /** hub → every worker and the hub runtime (`onPodEvent`). */
  podEvents: (namespace: string) => `${ROOT}.pods.events.${subjectToken(namespace)}`,
  podEventsAll: `${ROOT}.pods.events.>`,
  /** worker → hub (request/reply, one hub replica): an agent's hub.blockPod / hub.unblockPod. */
  podPolicy: `${ROOT}.pods.policy`,
  /** hub → every worker: the set of active agents changed. */
  scriptsChanged: `${ROOT}.scripts.changed`,
  /** worker → hub (request/reply): the current set of active agents, asked at worker start. */
  scriptsCurrent: `${ROOT}.scripts.current`,
  /** hub → every worker: the set of installed plugins changed. */
  pluginsChanged: `${ROOT}.plugins.changed`,
  /** node → hub (request/reply): the installed plugins, asked at start. */
  pluginsCurrent: `${ROOT}.plugins.current`,
  /** hub → one node (request/reply): that node's plugin load state and delivery counters. */
  pluginStats: (node: string) => `${ROOT}.plugins.${subjectToken(node)}.stats`,
  /** any node → hub log store: agent console output and runtime reports. */
  logs: (node: string) => `${ROOT}.logs.${subjectToken(node)}`,
  logsAll: `${ROOT}.logs.>`,
  /** worker → hub: heartbeat with counters. */
  workerStatus: (node: string) => `${ROOT}.workers.${subjectToken(node)}.status`,
  workerStatusAll: `${ROOT}.workers.*.status`,
  /** hub → one node (request/reply): that node's scheduled jobs and whether its scheduler runs. */
  jobsList: (node: string) => `${ROOT}.jobs.${subjectToken(node)}.list`,
  /** hub → one node (request/reply): run one job now. */
  jobsRun: (node: string) => `${ROOT}.jobs.${subjectToken(node)}.run`,
  /** hub → one node (request/reply): remove one job. */
  jobsRemove: (node: string) => `${ROOT}.jobs.${subjectToken(node)}.remove`,
  /** hub → one node (request/reply): pause or resume every job on the node. */
  jobsScheduler: (node: string) => `${ROOT}.jobs.${subjectToken(node)}.scheduler`,
  /** hub → one node (request/reply): per-agent runtime counters of that node. */
  agentStats: (node: string) => `${ROOT}.agents.${subjectToken(node)}.stats`,
} as const;

/** Queue groups: where exactly one subscriber of a group must handle a message. */
export const QueueGroups = {
  hub: 'wirehook-hub',
} as const;
