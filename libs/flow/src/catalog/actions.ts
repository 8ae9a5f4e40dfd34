import { fixedPorts, inputPort, outputPort } from './ports';
import type { NodeDefinition } from './types';

/** Actions take anything and pass it on through `out`, so actions can be chained in a given order. */
const actionPorts = fixedPorts([inputPort()], [outputPort('out', 'then', 'same-as-input')]);

export const METRIC_TYPES = { counter: 1, gauge: 2, untyped: 3 } as const;
export type MetricTypeName = keyof typeof METRIC_TYPES;

export function consoleLogNode(): NodeDefinition {
  return {
    type: 'action.console.log',
    version: 1,
    category: 'action',
    kind: 'consoleLog',
    title: 'console.log',
    description: 'Writes a line to the agent console (shown in the dashboard and `wirehook logs`). An empty message logs the input as JSON.',
    group: 'output',
    parameters: [
      { name: 'message', label: 'Message', description: 'A template, e.g. {{data.request.method}} {{data.request.path}} → {{data.response.status}}.', kind: 'template', required: false, default: '' },
      {
        name: 'level',
        label: 'Level',
        description: 'console.log or console.error.',
        kind: 'enum',
        required: true,
        default: 'log',
        options: [
          { value: 'log', label: 'log' },
          { value: 'error', label: 'error' },
        ],
      },
    ],
    ports: actionPorts,
  };
}

export function hubActionNode(): NodeDefinition {
  return {
    type: 'action.hub.action',
    version: 1,
    category: 'action',
    kind: 'hubAction',
    title: 'hub.action',
    description: 'Sends an object to onHubAction on the hub (hub.action(action, object)).',
    group: 'output',
    parameters: [
      { name: 'action', label: 'Action', description: 'The action name onHubAction receives.', kind: 'text', required: true, default: '' },
      { name: 'object', label: 'Object', description: 'What to send; {{data}} sends the input itself.', kind: 'value', required: true, default: '{{data}}' },
    ],
    ports: actionPorts,
  };
}

export function metricNode(): NodeDefinition {
  return {
    type: 'action.prometheus.metric',
    version: 1,
    category: 'action',
    kind: 'metric',
    title: 'prometheus.metric',
    description: "Updates a metric on the node's /metrics: a counter adds the value, a gauge or untyped metric is set to it.",
    group: 'output',
    parameters: [
      { name: 'name', label: 'Name', description: 'Metric name, e.g. http_errors_total.', kind: 'text', required: true, default: '' },
      { name: 'help', label: 'Help', description: 'The # HELP text.', kind: 'text', required: false, default: '' },
      {
        name: 'metricType',
        label: 'Type',
        description: 'counter (1), gauge (2) or untyped (3).',
        kind: 'enum',
        required: true,
        default: 'counter',
        options: (Object.keys(METRIC_TYPES) as MetricTypeName[]).map((name) => ({ value: name, label: name })),
      },
      { name: 'value', label: 'Value', description: 'A number, or a template such as {{data.elapsedTime}}.', kind: 'value', required: true, default: 1 },
      { name: 'labels', label: 'Labels', description: 'Label name → template, e.g. status → {{data.response.status}}.', kind: 'labels', required: false, default: [] },
    ],
    ports: actionPorts,
  };
}

export function markNode(): NodeDefinition {
  return {
    type: 'action.test.mark',
    version: 1,
    category: 'action',
    kind: 'mark',
    title: 'Mark passed/failed',
    description: 'Sets passed (test.pass) or failed (test.fail) on the input. Under "Item queried", the reader sees the mark.',
    group: 'output',
    parameters: [
      {
        name: 'result',
        label: 'Mark',
        description: 'passed or failed.',
        kind: 'enum',
        required: true,
        default: 'pass',
        options: [
          { value: 'pass', label: 'passed' },
          { value: 'fail', label: 'failed' },
        ],
      },
    ],
    ports: actionPorts,
  };
}

export function builtinActions(): NodeDefinition[] {
  return [consoleLogNode(), hubActionNode(), metricNode(), markNode()];
}
