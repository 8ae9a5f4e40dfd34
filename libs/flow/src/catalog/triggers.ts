import { fixedPorts, outputPort } from './ports';
import type { HookName, NodeDefinition, ParameterDefinition, PortType } from './types';

interface HookTrigger {
  hook: HookName;
  title: string;
  description: string;
  output: PortType;
  parameters?: ParameterDefinition[];
}

const HOOK_TRIGGERS: HookTrigger[] = [
  {
    hook: 'onItemCaptured',
    title: 'Item captured',
    description: 'Every dissected request/response pair (or one-way message), on the workers. Sends the item.',
    output: 'item',
  },
  {
    hook: 'onPacketCaptured',
    title: 'Packet captured',
    description: 'Every captured packet, on the workers. Sends {timestamp, captureLength, length, truncated, fragmented, src, dst, transport}.',
    output: 'packet',
  },
  {
    hook: 'onItemQueried',
    title: 'Item queried',
    description: 'An item read through the API or shown in the dashboard, on the hub. A "Mark passed/failed" node downstream changes what the reader sees.',
    output: 'item',
  },
  {
    hook: 'onHubAction',
    title: 'Hub action',
    description: 'A hub.action(action, object) call from any node, on the hub. Sends {action, object}.',
    output: 'hub-action',
    parameters: [
      { name: 'action', label: 'Action', description: 'Only this action name (empty: every action).', kind: 'text', required: false, default: '' },
    ],
  },
  {
    hook: 'onPodEvent',
    title: 'Pod event',
    description: 'A Kubernetes pod watch event, on the hub and the workers. Sends {event, pod, change}.',
    output: 'pod-event',
  },
  {
    hook: 'onJobPassed',
    title: 'Job passed',
    description: "A scheduled job run returned. Sends {tag, cron, limit}. The flow's own window jobs are not reported.",
    output: 'job-result',
    parameters: [{ name: 'tag', label: 'Job tag', description: 'Only this job (empty: every job).', kind: 'text', required: false, default: '' }],
  },
  {
    hook: 'onJobFailed',
    title: 'Job failed',
    description: "A scheduled job run threw. Sends {tag, cron, limit, error}. The flow's own window jobs are not reported.",
    output: 'job-result',
    parameters: [{ name: 'tag', label: 'Job tag', description: 'Only this job (empty: every job).', kind: 'text', required: false, default: '' }],
  },
];

/** One trigger node per hook: `trigger.<hook>`. */
export function hookTriggers(): NodeDefinition[] {
  return HOOK_TRIGGERS.map((t) => ({
    type: `trigger.${t.hook}`,
    version: 1,
    category: 'trigger',
    kind: 'trigger',
    title: t.title,
    description: t.description,
    group: 'hooks',
    hook: t.hook,
    parameters: t.parameters ?? [],
    ports: fixedPorts([], [outputPort('out', t.output, t.output, true)]),
  }));
}

/** `trigger.schedule`: a job on a 6-field cron (jobs.schedule). */
export function scheduleTrigger(): NodeDefinition {
  return {
    type: 'trigger.schedule',
    version: 1,
    category: 'trigger',
    kind: 'schedule',
    title: 'Schedule',
    description: 'Runs on a cron schedule with seconds (jobs.schedule). Sends {tag, cron, time}.',
    group: 'schedule',
    parameters: [
      { name: 'cron', label: 'Cron', description: 'Six fields, seconds first: "0 */5 * * * *" is every five minutes.', kind: 'cron', required: true, default: '0 * * * * *' },
      { name: 'tag', label: 'Job tag', description: 'The job name in jobs.list() and the Jobs page (default: the node id).', kind: 'text', required: false, default: '' },
      { name: 'limit', label: 'Runs', description: 'Runs per node, then the job ends; 0 runs forever.', kind: 'integer', required: false, default: 0, min: 0 },
      {
        name: 'runOn',
        label: 'Runs on',
        description: 'Which nodes schedule the job: the hub only (once per cluster), every worker, or every node.',
        kind: 'enum',
        required: true,
        default: 'hub',
        options: [
          { value: 'hub', label: 'hub' },
          { value: 'workers', label: 'every worker' },
          { value: 'all', label: 'every node' },
        ],
      },
    ],
    ports: fixedPorts([], [outputPort('out', 'tick', 'tick', true)]),
  };
}
