import { describeNode, isUnset, parameterApplies, parameterValue } from './catalog/parameters';
import { switchCases } from './catalog/logic';
import { METRIC_TYPES } from './catalog/actions';
import type { FlowCatalog, NodeDefinition, ParameterDefinition } from './catalog/types';
import { validateCron, windowCron } from './expr/cron';
import { parsePath, PathSyntaxError } from './expr/path';
import { schemaMismatch } from './expr/schema-check';
import { checkSnippet, type Es5Checker } from './expr/snippet';
import { isTemplated, literalText, parseTemplate, singlePlaceholder, TemplateSyntaxError, valueTemplateErrors } from './expr/template';
import { describeTypes, PortTypes, typesFit } from './graph/port-types';
import { adjacency, findCycles } from './graph/topology';
import type { FlowGraph, FlowNode, JsonValue } from './model/graph';
import type { FlowIssue, FlowIssueCode } from './model/issues';
import { readFlowGraph } from './model/read-graph';

/** The filter language's validator (`validateKfl` of @wirehook/runtime): null when the query is valid. */
export type FilterValidator = (query: string) => { message: string; column?: number } | null;

export interface ValidateOptions {
  /** Checks filter-language queries; without it they are only checked to be non-empty. The hub and dashboard inject validateKfl. */
  validateFilter?: FilterValidator;
  /** Checks snippets with the runtime's ES5 check (better reasons); acorn's ES5 parser is used either way. */
  checkEs5?: Es5Checker;
}

export interface FlowValidation {
  /** No errors (warnings allowed). */
  ok: boolean;
  issues: FlowIssue[];
  /** Issues by node id, for the editor to show on each node. */
  byNode: Record<string, FlowIssue[]>;
}

/** Jobs an agent may have (runtime limit); each schedule trigger and each window is one. */
export const MAX_FLOW_JOBS = 100;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Job tags the compiler uses for windows; schedule triggers may not take them. */
export const INTERNAL_JOB_PREFIX = 'flow:';

class IssueList {
  readonly issues: FlowIssue[] = [];

  node(node: FlowNode, definition: NodeDefinition | undefined, code: FlowIssueCode, text: string, extra: Partial<FlowIssue> = {}, severity: 'error' | 'warning' = 'error') {
    this.issues.push({ severity, code, message: `${describeNode(node, definition)}: ${text}`, nodeId: node.id, ...extra });
  }
}

function checkTemplateText(text: string): string | null {
  try {
    parseTemplate(text);
    return null;
  } catch (error) {
    if (error instanceof TemplateSyntaxError) return error.message;
    throw error;
  }
}

function checkParameter(list: IssueList, node: FlowNode, definition: NodeDefinition, parameter: ParameterDefinition, options: ValidateOptions): void {
  const value = parameterValue(node, parameter);
  const at = { parameter: parameter.name };
  const name = `parameter "${parameter.name}"`;
  if (isUnset(parameter, value)) {
    if (parameter.required) list.node(node, definition, 'missing-parameter', `${name} is required`, at);
    return;
  }
  const v = value as JsonValue;
  const wrongType = (expected: string) => list.node(node, definition, 'invalid-parameter', `${name} must be ${expected}`, at);
  switch (parameter.kind) {
    case 'text':
      if (typeof v !== 'string') wrongType('a string');
      return;
    case 'template': {
      if (typeof v !== 'string') return wrongType('a string (a template)');
      const problem = checkTemplateText(v);
      if (problem) list.node(node, definition, 'bad-template', `${name}: ${problem}`, at);
      else if (parameter.secret && !isTemplated(v)) {
        list.node(node, definition, 'literal-secret', `${name} holds a credential in the flow itself; use {{env.NAME}} (scripting.env)`, at, 'warning');
      }
      return;
    }
    case 'value': {
      for (const { where, error } of valueTemplateErrors(v)) {
        list.node(node, definition, 'bad-template', `${name}${where === '' ? '' : ` at ${where}`}: ${error.message}`, at);
      }
      if (parameter.schema && !(typeof v === 'string' && isTemplated(v))) {
        const mismatch = schemaMismatch(v, parameter.schema);
        if (mismatch) list.node(node, definition, 'invalid-parameter', `${name} ${mismatch}`, at);
      }
      if (parameter.secret && typeof v === 'string' && !isTemplated(v)) {
        list.node(node, definition, 'literal-secret', `${name} holds a credential in the flow itself; use {{env.NAME}} (scripting.env)`, at, 'warning');
      }
      return;
    }
    case 'path':
      if (typeof v !== 'string') return wrongType('a field path');
      try {
        parsePath(v);
      } catch (error) {
        if (!(error instanceof PathSyntaxError)) throw error;
        list.node(node, definition, 'bad-path', `${name}: ${error.message}`, at);
      }
      return;
    case 'number':
    case 'integer':
      if (typeof v !== 'number' || (parameter.kind === 'integer' && !Number.isInteger(v))) return wrongType(parameter.kind === 'integer' ? 'a whole number' : 'a number');
      if (parameter.min !== undefined && v < parameter.min) list.node(node, definition, 'invalid-parameter', `${name} must be at least ${parameter.min}`, at);
      if (parameter.max !== undefined && v > parameter.max) list.node(node, definition, 'invalid-parameter', `${name} must be at most ${parameter.max}`, at);
      return;
    case 'boolean':
      if (typeof v !== 'boolean') wrongType('true or false');
      return;
    case 'enum':
      if (!(parameter.options ?? []).some((o) => o.value === v)) wrongType(`one of ${(parameter.options ?? []).map((o) => JSON.stringify(o.value)).join(', ')}`);
      return;
    case 'cron': {
      if (typeof v !== 'string') return wrongType('a cron expression');
      const problem = validateCron(v);
      if (problem) list.node(node, definition, 'bad-cron', `${name}: ${problem}`, at);
      return;
    }
    case 'filter': {
      if (typeof v !== 'string') return wrongType('a filter expression');
      const problem = options.validateFilter?.(v);
      if (problem) list.node(node, definition, 'bad-filter', `${name}: ${problem.message}`, at);
      return;
    }
    case 'code': {
      if (typeof v !== 'string') return wrongType('ES5 code');
      for (const p of checkSnippet(v, options.checkEs5, `snippet ${node.id}`)) {
        list.node(node, definition, 'bad-code', `${name} line ${p.line}, column ${p.column}: ${p.message}`, at);
      }
      return;
    }
    case 'cases':
      return checkCases(list, node, definition, v, name);
    case 'fields':
    case 'labels':
      return checkNamedList(list, node, definition, parameter.kind, v, name);
  }
}

function checkCases(list: IssueList, node: FlowNode, definition: NodeDefinition, value: JsonValue, name: string): void {
  const at = { parameter: 'cases' };
  if (!Array.isArray(value)) return list.node(node, definition, 'invalid-parameter', `${name} must be a list of {id, value}`, at);
  const ids = new Set<string>();
  value.forEach((c, i) => {
    if (c === null || typeof c !== 'object' || Array.isArray(c)) return list.node(node, definition, 'invalid-parameter', `${name}[${i}] must be {id, value}`, at);
    const id = c.id;
    if (typeof id !== 'string' || id === '') return list.node(node, definition, 'invalid-parameter', `${name}[${i}].id must be a non-empty string (it names the output port)`, at);
    if (id === 'default' || id === 'in') list.node(node, definition, 'invalid-parameter', `${name}[${i}].id "${id}" is reserved`, at);
    if (ids.has(id)) list.node(node, definition, 'invalid-parameter', `${name}: two cases have the id "${id}"`, at);
    ids.add(id);
    if (c.value !== null && typeof c.value === 'object') list.node(node, definition, 'invalid-parameter', `${name}[${i}].value must be a string, number, boolean or null`, at);
  });
}

function checkNamedList(list: IssueList, node: FlowNode, definition: NodeDefinition, kind: 'fields' | 'labels', value: JsonValue, name: string): void {
  const at = { parameter: kind === 'fields' ? 'fields' : 'labels' };
  if (!Array.isArray(value)) return list.node(node, definition, 'invalid-parameter', `${name} must be a list of {name, value}`, at);
  const names = new Set<string>();
  value.forEach((entry, i) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return list.node(node, definition, 'invalid-parameter', `${name}[${i}] must be {name, value}`, at);
    const n = entry.name;
    if (typeof n !== 'string' || n === '') return list.node(node, definition, 'invalid-parameter', `${name}[${i}].name must be a non-empty string`, at);
    if (kind === 'labels' && !LABEL_NAME.test(n)) list.node(node, definition, 'invalid-parameter', `${name}[${i}]: "${n}" is not a Prometheus label name`, at);
    if (names.has(n)) list.node(node, definition, 'invalid-parameter', `${name}: "${n}" is given twice`, at);
    names.add(n);
    const v = entry.value === undefined ? null : entry.value;
    if (kind === 'labels' && typeof v !== 'string') return list.node(node, definition, 'invalid-parameter', `${name}[${i}].value must be a string (a template)`, at);
    for (const { where, error } of valueTemplateErrors(v)) list.node(node, definition, 'bad-template', `${name}[${i}] ${n}${where === '' ? '' : `.${where}`}: ${error.message}`, at);
  });
}

/** Checks that need more than one parameter, per node kind. */
function checkKind(list: IssueList, node: FlowNode, definition: NodeDefinition): void {
  const param = (name: string) => {
    const p = definition.parameters.find((d) => d.name === name);
    return p ? parameterValue(node, p) : undefined;
  };
  switch (definition.kind) {
    case 'filterField': {
      const operator = param('operator');
      const value = param('value');
      if (operator === 'matches') {
        if (typeof value !== 'string') list.node(node, definition, 'invalid-parameter', 'parameter "value" must be a regular expression (a string) for matches', { parameter: 'value' });
        else if (literalText(value) !== null) {
          try {
            new RegExp(literalText(value)!);
          } catch (error) {
            list.node(node, definition, 'invalid-parameter', `parameter "value": ${(error as Error).message}`, { parameter: 'value' });
          }
        }
      }
      if (['contains', 'startsWith', 'endsWith'].includes(String(operator)) && (value === null || (typeof value === 'object' && !Array.isArray(value)))) {
        list.node(node, definition, 'invalid-parameter', `parameter "value" must be a string or number for ${String(operator)}`, { parameter: 'value' });
      }
      return;
    }
    case 'aggregate':
    case 'rateLimit': {
      const seconds = param('windowSeconds');
      if (typeof seconds === 'number' && Number.isInteger(seconds) && windowCron(seconds) === null) {
        list.node(
          node,
          definition,
          'invalid-parameter',
          `parameter "windowSeconds": ${seconds} s cannot be a clock-aligned window; use 1–59 s dividing 60 (5, 10, 15, 30…), whole minutes dividing 60, whole hours dividing 24, or 86400`,
          { parameter: 'windowSeconds' },
        );
      }
      return;
    }
    case 'metric': {
      const name = param('name');
      if (typeof name === 'string' && name !== '' && !METRIC_NAME.test(name)) {
        list.node(node, definition, 'invalid-parameter', `parameter "name": "${name}" is not a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)`, { parameter: 'name' });
      }
      const value = param('value');
      const type = METRIC_TYPES[String(param('metricType')) as keyof typeof METRIC_TYPES];
      if (typeof value === 'string' ? singlePlaceholder(value) === null : typeof value !== 'number') {
        list.node(node, definition, 'invalid-parameter', 'parameter "value" must be a number or one placeholder such as {{data.elapsedTime}}', { parameter: 'value' });
      } else if (type === 1 && typeof value === 'number' && value < 0) {
        list.node(node, definition, 'invalid-parameter', 'parameter "value": a counter cannot go down', { parameter: 'value' });
      }
      return;
    }
    case 'schedule': {
      const tag = param('tag');
      if (typeof tag === 'string' && tag.startsWith(INTERNAL_JOB_PREFIX)) {
        list.node(node, definition, 'invalid-parameter', `parameter "tag": tags starting with "${INTERNAL_JOB_PREFIX}" are the flow's own`, { parameter: 'tag' });
      }
      return;
    }
    default:
      return;
  }
}

/** Job tag a schedule trigger uses: its tag parameter, else its node id. */
export function scheduleTag(node: FlowNode): string {
  const tag = node.data.tag;
  return typeof tag === 'string' && tag.trim() !== '' ? tag.trim() : node.id;
}

function unknownType(list: IssueList, node: FlowNode): void {
  const helper = /^action\.(vendor\..+)$/.exec(node.type)?.[1];
  if (helper) list.node(node, undefined, 'unknown-helper', `unknown helper ${helper}: no installed plugin provides it`);
  else if (node.type.startsWith('plugin.')) list.node(node, undefined, 'unknown-helper', `unknown plugin node ${node.type.slice(7)}: no installed plugin provides it`);
  else list.node(node, undefined, 'unknown-node-type', `unknown node type ${node.type}`);
}

/**
 * Everything wrong with a flow, each issue naming its node (or edge): unknown types and helpers,
 * missing or malformed parameters (cron, filter expression, templates, paths, snippets), edges to
 * unknown nodes or ports, wrong port types, unwired required ports, cycles, too many jobs.
 */
export function validateFlow(graph: FlowGraph, catalog: FlowCatalog, options: ValidateOptions = {}): FlowValidation {
  const read = readFlowGraph(graph);
  if (!read.graph) return summarise(read.issues);
  const flow = read.graph;
  const list = new IssueList();
  const nodes = new Map(flow.nodes.map((n) => [n.id, n]));
  const { in: incoming, out: outgoing } = adjacency(flow.edges);
  const scheduleTags = new Map<string, string>();
  let jobs = 0;

  for (const node of flow.nodes) {
    const definition = catalog.get(node.type);
    if (!definition) {
      unknownType(list, node);
      continue;
    }
    if (node.version > definition.version) {
      list.node(node, definition, 'newer-node-version', `made with version ${node.version} of ${node.type}; this Wirehook has version ${definition.version}`);
    }
    for (const parameter of definition.parameters) {
      if (parameterApplies(node, definition, parameter)) checkParameter(list, node, definition, parameter, options);
    }
    checkKind(list, node, definition);
    if (definition.kind === 'schedule') {
      jobs++;
      const tag = scheduleTag(node);
      const other = scheduleTags.get(tag);
      if (other !== undefined) list.node(node, definition, 'duplicate-job-tag', `job tag "${tag}" is also used by node "${other}"`, { parameter: 'tag' });
      else scheduleTags.set(tag, node.id);
    }
    if (definition.kind === 'aggregate' || definition.kind === 'rateLimit') jobs++;

    const ports = definition.ports(node.data);
    for (const input of ports.inputs) {
      if (input.required && !(incoming.get(node.id) ?? []).some((e) => e.targetHandle === input.id)) {
        list.node(node, definition, 'unconnected-port', `input "${input.label}" is not connected`, { port: input.id });
      }
    }
    const wiredOutputs = new Set((outgoing.get(node.id) ?? []).map((e) => e.sourceHandle));
    for (const output of ports.outputs) {
      if (output.required && !wiredOutputs.has(output.id)) list.node(node, definition, 'unconnected-port', `output "${output.label}" is not connected`, { port: output.id });
    }
    if (definition.category === 'logic' && ports.outputs.length > 0 && wiredOutputs.size === 0) {
      list.node(node, definition, 'no-output', 'no output is connected, so the node does nothing', {}, 'warning');
    }
    if (definition.kind === 'switch' && switchCases(node.data).length === 0 && !list.issues.some((i) => i.nodeId === node.id && i.parameter === 'cases')) {
      list.node(node, definition, 'missing-parameter', 'parameter "cases" needs at least one case', { parameter: 'cases' });
    }
  }
  if (jobs > MAX_FLOW_JOBS) {
    list.issues.push({ severity: 'error', code: 'too-many-jobs', message: `the flow needs ${jobs} jobs (schedules and windows); an agent may have at most ${MAX_FLOW_JOBS}` });
  }

  checkEdges(list, flow, catalog, nodes);

  for (const cycle of findCycles(flow)) {
    for (const id of cycle) {
      const node = nodes.get(id);
      if (node) list.node(node, catalog.get(node.type), 'cycle', `is part of a cycle (${cycle.map((c) => `"${c}"`).join(' → ')}); flows run one way`);
    }
  }
  checkReachable(list, flow, catalog);
  return summarise(list.issues);
}

function checkEdges(list: IssueList, flow: FlowGraph, catalog: FlowCatalog, nodes: Map<string, FlowNode>): void {
  const types = new PortTypes(flow, catalog);
  const seen = new Set<string>();
  for (const edge of flow.edges) {
    const edgeIssue = (code: FlowIssueCode, message: string, nodeId?: string, port?: string) =>
      list.issues.push({ severity: 'error', code, message: `edge "${edge.id}": ${message}`, edgeId: edge.id, ...(nodeId ? { nodeId } : {}), ...(port ? { port } : {}) });
    const source = nodes.get(edge.source);
    const target = nodes.get(edge.target);
    if (!source) edgeIssue('unknown-node', `source node "${edge.source}" does not exist`);
    if (!target) edgeIssue('unknown-node', `target node "${edge.target}" does not exist`);
    if (!source || !target) continue;
    const sourceDefinition = catalog.get(source.type);
    const targetDefinition = catalog.get(target.type);
    if (!sourceDefinition || !targetDefinition) continue;
    const output = sourceDefinition.ports(source.data).outputs.find((p) => p.id === edge.sourceHandle);
    const input = targetDefinition.ports(target.data).inputs.find((p) => p.id === edge.targetHandle);
    if (!output) edgeIssue('unknown-port', `${describeNode(source, sourceDefinition)} has no output "${edge.sourceHandle}"`, source.id, edge.sourceHandle);
    if (!input) edgeIssue('unknown-port', `${describeNode(target, targetDefinition)} has no input "${edge.targetHandle}"`, target.id, edge.targetHandle);
    if (!output || !input) continue;
    const key = `${edge.source}\u0000${edge.sourceHandle}\u0000${edge.target}\u0000${edge.targetHandle}`;
    if (seen.has(key)) edgeIssue('duplicate-edge', `connects the same ports as another edge`, target.id);
    seen.add(key);
    const accepted = types.input(target.id, input.id) ?? 'any';
    const arriving = types.output(source.id, output.id);
    if (!typesFit(arriving, accepted)) {
      edgeIssue('port-type-mismatch', `${describeNode(target, targetDefinition)} input "${input.label}" takes ${accepted}, but ${describeNode(source, sourceDefinition)} sends ${describeTypes(arriving)}`, target.id, input.id);
    }
  }
}

/** Nodes wired to something that no trigger feeds never run: a warning on each. */
function checkReachable(list: IssueList, flow: FlowGraph, catalog: FlowCatalog): void {
  const { out } = adjacency(flow.edges);
  const reached = new Set<string>();
  const stack = flow.nodes.filter((n) => catalog.get(n.type)?.category === 'trigger').map((n) => n.id);
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (reached.has(id)) continue;
    reached.add(id);
    for (const edge of out.get(id) ?? []) stack.push(edge.target);
  }
  for (const node of flow.nodes) {
    if (reached.has(node.id)) continue;
    const definition = catalog.get(node.type);
    if (!definition || list.issues.some((i) => i.nodeId === node.id && i.code === 'unconnected-port')) continue;
    list.node(node, definition, 'unreachable', 'no trigger leads here, so the node never runs', {}, 'warning');
  }
}

function summarise(issues: FlowIssue[]): FlowValidation {
  const byNode: Record<string, FlowIssue[]> = {};
  for (const issue of issues) {
    if (issue.nodeId === undefined) continue;
    (byNode[issue.nodeId] ??= []).push(issue);
  }
  return { ok: !issues.some((i) => i.severity === 'error'), issues, byNode };
}
