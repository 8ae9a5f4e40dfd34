import type { JsonObject, NodeDefinition } from '@wirehook/flow';

const str = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** One line under a node's title saying what it does with its parameters, e.g. `response.status >= 500`. */
export function nodeSummary(definition: NodeDefinition | undefined, params: JsonObject): string {
  if (!definition) return '';
  switch (definition.kind) {
    case 'filterField': {
      const op = str(params.operator);
      return `${str(params.path) || '?'} ${op}${op === 'exists' || op === 'notExists' ? '' : ` ${str(params.value)}`}`;
    }
    case 'filterKfl':
      return str(params.query);
    case 'switch':
      return `on ${str(params.path) || '?'}`;
    case 'schedule':
      return `${str(params.cron)} on ${str(params.runOn) || 'hub'}`;
    case 'aggregate':
      return `${str(params.op)}${params.path ? ` ${str(params.path)}` : ''} per ${str(params.windowSeconds)} s${params.groupBy ? ` by ${str(params.groupBy)}` : ''}`;
    case 'rateLimit':
      return `${str(params.limit)} per ${str(params.windowSeconds)} s${params.key ? ` by ${str(params.key)}` : ''}`;
    case 'template':
      return params.mode === 'string' ? str(params.template) : `object of ${Array.isArray(params.fields) ? params.fields.length : 0} field(s)`;
    case 'snippet':
      return str(params.code).split('\n')[0];
    case 'consoleLog':
      return str(params.message) || '(the input as JSON)';
    case 'hubAction':
      return str(params.action);
    case 'metric':
      return `${str(params.name)} (${str(params.metricType)})`;
    case 'mark':
      return params.result === 'fail' ? 'failed' : 'passed';
    case 'helper': {
      const first = definition.parameters.slice(0, 2).map((p) => str(params[p.name])).filter((s) => s !== '');
      return first.join(' ');
    }
    case 'trigger':
      return definition.parameters.map((p) => str(params[p.name])).filter((s) => s !== '').join(' ');
    default:
      return '';
  }
}

/** Colour of a port's type dot (the same type has the same colour everywhere). */
export const PORT_COLORS: Record<string, string> = {
  item: '#2563eb',
  packet: '#0891b2',
  'pod-event': '#7c3aed',
  'hub-action': '#c026d3',
  'job-result': '#ea580c',
  tick: '#d97706',
  aggregate: '#16a34a',
  object: '#4b5563',
  string: '#65a30d',
  any: '#9ca3af',
  'same-as-input': '#9ca3af',
};
