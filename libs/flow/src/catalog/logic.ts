import type { JsonObject, JsonValue } from '../model/graph';
import { fixedPorts, inputPort, outputPort } from './ports';
import type { NodeDefinition, NodePorts, PortDefinition } from './types';

/** Operators of the field filter (`exists`/`notExists` take no value). */
export const FIELD_OPERATORS = ['==', '!=', '<', '<=', '>', '>=', 'contains', 'startsWith', 'endsWith', 'matches', 'exists', 'notExists'] as const;
export type FieldOperator = (typeof FIELD_OPERATORS)[number];
export const VALUELESS_OPERATORS: readonly FieldOperator[] = ['exists', 'notExists'];

export const AGGREGATE_OPERATIONS = ['count', 'sum', 'avg', 'min', 'max'] as const;
export type AggregateOperation = (typeof AGGREGATE_OPERATIONS)[number];

const windowDescription = 'Window length in seconds. Windows are aligned to the clock and close on a job: 1–59 s dividing 60, whole minutes dividing 60, whole hours dividing 24, or 86400.';

export function fieldFilter(): NodeDefinition {
  return {
    type: 'logic.filterField',
    version: 1,
    category: 'logic',
    kind: 'filterField',
    title: 'Filter on a field',
    description: 'Passes what arrives when a field compares true; the rest goes to "else". Numbers and numeric strings compare as numbers.',
    group: 'filter',
    parameters: [
      { name: 'path', label: 'Field', description: 'Path into the input, e.g. response.status or request.headers["User-Agent"].', kind: 'path', required: true, default: '' },
      {
        name: 'operator',
        label: 'Operator',
        description: 'How the field is compared with the value.',
        kind: 'enum',
        required: true,
        default: '==',
        options: FIELD_OPERATORS.map((op) => ({ value: op, label: op })),
      },
      {
        name: 'value',
        label: 'Value',
        description: 'What the field is compared with (a template is evaluated per event; matches takes a regular expression).',
        kind: 'value',
        required: true,
        default: '',
        when: { parameter: 'operator', in: FIELD_OPERATORS.filter((op) => !VALUELESS_OPERATORS.includes(op)) },
      },
    ],
    ports: fixedPorts([inputPort()], [outputPort('out', 'pass', 'same-as-input'), outputPort('else', 'else', 'same-as-input')]),
  };
}

export function kflFilter(): NodeDefinition {
  return {
    type: 'logic.filterKfl',
    version: 1,
    category: 'logic',
    kind: 'filterKfl',
    title: 'Filter on an expression',
    description: 'Passes items that match a filter-language query (kfl.match), e.g. http and response.status >= 500.',
    group: 'filter',
    parameters: [{ name: 'query', label: 'Filter', description: 'A KFL query (libs/runtime/KFL.md).', kind: 'filter', required: true, default: '' }],
    ports: fixedPorts([inputPort('item')], [outputPort('out', 'match', 'item'), outputPort('else', 'else', 'item')]),
  };
}

/** The cases of a switch: each has its own output port (the case id). */
export interface SwitchCase {
  id: string;
  value: string | number | boolean | null;
}

export function switchNode(): NodeDefinition {
  return {
    type: 'logic.switch',
    version: 1,
    category: 'logic',
    kind: 'switch',
    title: 'Switch',
    description: 'Sends what arrives to the output of the first case equal to a field; "default" when none is.',
    group: 'filter',
    parameters: [
      { name: 'path', label: 'Field', description: 'Path into the input, e.g. request.method.', kind: 'path', required: true, default: '' },
      { name: 'cases', label: 'Cases', description: 'One output per case: {id, value}; the id is the port.', kind: 'cases', required: true, default: [] },
    ],
    ports: (data: JsonObject): NodePorts => {
      const outputs: PortDefinition[] = switchCases(data).map((c) => outputPort(c.id, `= ${JSON.stringify(c.value)}`, 'same-as-input'));
      outputs.push(outputPort('default', 'default', 'same-as-input'));
      return { inputs: [inputPort()], outputs };
    },
  };
}

/** The well-formed cases of a switch node's parameters (validation reports the others). */
export function switchCases(data: JsonObject): SwitchCase[] {
  const cases = Array.isArray(data.cases) ? data.cases : [];
  const out: SwitchCase[] = [];
  for (const c of cases) {
    if (c === null || typeof c !== 'object' || Array.isArray(c)) continue;
    const { id, value } = c;
    if (typeof id !== 'string' || id === '' || id === 'default' || id === 'in') continue;
    if (value !== null && typeof value === 'object') continue;
    if (out.some((o) => o.id === id)) continue;
    out.push({ id, value: value === undefined ? null : value });
  }
  return out;
}

export function aggregateNode(): NodeDefinition {
  return {
    type: 'logic.aggregate',
    version: 1,
    category: 'logic',
    kind: 'aggregate',
    title: 'Counter / aggregate',
    description:
      'Counts what arrives (or sums, averages, takes the min or max of a field) per key over a time window; when the window closes it sends {op, field, key, count, value, windowSeconds, end} per key.',
    group: 'aggregate',
    parameters: [
      {
        name: 'op',
        label: 'Operation',
        description: 'count, or sum/avg/min/max of a numeric field.',
        kind: 'enum',
        required: true,
        default: 'count',
        options: AGGREGATE_OPERATIONS.map((op) => ({ value: op, label: op })),
      },
      {
        name: 'path',
        label: 'Field',
        description: 'The numeric field (e.g. elapsedTime); values that are not numbers are left out of sum/avg/min/max.',
        kind: 'path',
        required: true,
        default: '',
        when: { parameter: 'op', in: ['sum', 'avg', 'min', 'max'] },
      },
      { name: 'groupBy', label: 'Group by', description: 'A template naming the key, e.g. {{data.request.path}} (empty: one group).', kind: 'template', required: false, default: '' },
      { name: 'windowSeconds', label: 'Window (s)', description: windowDescription, kind: 'integer', required: true, default: 60, min: 1, max: 86400 },
      { name: 'emitEmpty', label: 'Send empty windows', description: 'Without "Group by": also send a window in which nothing arrived (count 0).', kind: 'boolean', required: false, default: false },
    ],
    ports: fixedPorts([inputPort()], [outputPort('out', 'window', 'aggregate')]),
  };
}

export function rateLimitNode(): NodeDefinition {
  return {
    type: 'logic.rateLimit',
    version: 1,
    category: 'logic',
    kind: 'rateLimit',
    title: 'Rate limit / deduplicate',
    description: 'Passes at most "limit" events per key in each time window (limit 1 deduplicates); the rest go to "dropped".',
    group: 'aggregate',
    parameters: [
      { name: 'key', label: 'Key', description: 'A template naming the key, e.g. {{data.request.path}} (empty: one key for everything).', kind: 'template', required: false, default: '' },
      { name: 'limit', label: 'Limit', description: 'Events passed per key and window.', kind: 'integer', required: true, default: 1, min: 1 },
      { name: 'windowSeconds', label: 'Window (s)', description: windowDescription, kind: 'integer', required: true, default: 60, min: 1, max: 86400 },
    ],
    ports: fixedPorts([inputPort()], [outputPort('out', 'pass', 'same-as-input'), outputPort('dropped', 'dropped', 'same-as-input')]),
  };
}

/** A field of the object template. */
export interface TemplateField {
  name: string;
  value: JsonValue;
}

export function templateNode(): NodeDefinition {
  return {
    type: 'logic.template',
    version: 1,
    category: 'logic',
    kind: 'template',
    title: 'Template',
    description: 'Builds an object (fields of templates) or a string from what arrives: {{data.request.path}}, {{env.NAME}}.',
    group: 'transform',
    parameters: [
      {
        name: 'mode',
        label: 'Builds',
        description: 'An object or a string.',
        kind: 'enum',
        required: true,
        default: 'object',
        options: [
          { value: 'object', label: 'object' },
          { value: 'string', label: 'string' },
        ],
      },
      {
        name: 'fields',
        label: 'Fields',
        description: 'The object, field by field: {name, value}; a value that is exactly {{data.x}} keeps its type.',
        kind: 'fields',
        required: true,
        default: [],
        when: { parameter: 'mode', in: ['object'] },
      },
      { name: 'template', label: 'Template', description: 'The string, e.g. {{data.request.method}} {{data.request.path}}.', kind: 'template', required: true, default: '', when: { parameter: 'mode', in: ['string'] } },
    ],
    ports: (data: JsonObject): NodePorts => ({
      inputs: [inputPort()],
      outputs: [outputPort('out', 'out', data.mode === 'string' ? 'string' : 'object')],
    }),
  };
}

export function snippetNode(): NodeDefinition {
  return {
    type: 'logic.snippet',
    version: 1,
    category: 'logic',
    kind: 'snippet',
    title: 'ES5 snippet',
    description:
      'Your own ES5 code, the body of function (data, emit): call emit(value) to send values on, or return one (undefined sends nothing). Helpers (console, kfl, vendor…) are available.',
    group: 'transform',
    parameters: [{ name: 'code', label: 'Code', description: 'ES5 function body.', kind: 'code', required: true, default: 'return data;' }],
    ports: fixedPorts([inputPort()], [outputPort('out', 'out', 'any')]),
  };
}

export function logicNodes(): NodeDefinition[] {
  return [fieldFilter(), kflFilter(), switchNode(), aggregateNode(), rateLimitNode(), templateNode(), snippetNode()];
}
