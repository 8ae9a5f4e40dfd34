import { METRIC_TYPES } from '../catalog/actions';
import { switchCases, type AggregateOperation, type TemplateField } from '../catalog/logic';
import { parameterValue, isUnset } from '../catalog/parameters';
import { HOOK_NAMES, type FlowCatalog, type HookName, type NodeDefinition, type NodeKind } from '../catalog/types';
import { windowCron } from '../expr/cron';
import { snippetFunctionSource } from '../expr/snippet';
import { literalText } from '../expr/template';
import { adjacency, ancestors, byPosition } from '../graph/topology';
import { flowContentHash } from '../model/content-hash';
import { flowRequirements } from '../model/document';
import type { FlowEdge, FlowGraph, FlowNode, JsonValue } from '../model/graph';
import { FlowValidationError, type FlowIssue, type FlowIssueCode } from '../model/issues';
import { readFlowGraph } from '../model/read-graph';
import { INTERNAL_JOB_PREFIX, scheduleTag, validateFlow, type ValidateOptions } from '../validate';
import { CodeWriter } from './code-writer';
import { ExpressionWriter } from './expressions';
import { commentText, identifierPart, jsString, jsValue, memberAccess } from './js';
import { supportSource } from './support';

export interface CompileOptions extends ValidateOptions {
  /** The flow's id (stored flow), named in the header. */
  flowId: string;
  /** The revision being saved, named in the header. */
  revision: number;
  /** The agent's title (first line); default the graph's title. */
  title?: string;
  /**
   * Compile a flow that has errors (the editor's live preview): a node with an error becomes an
   * empty function saying why, a bad edge is left out. Default false: such a flow throws
   * FlowValidationError, so nothing broken is ever saved.
   */
  partial?: boolean;
}

/** Where a job is scheduled: the hub, every worker, or every node. */
export type JobPlacement = 'hub' | 'workers' | 'all';

export interface CompiledJob {
  tag: string;
  cron: string;
  runOn: JobPlacement;
  nodeId: string;
  /** A schedule trigger, or the window of a counter / rate limit. */
  purpose: 'schedule' | 'window';
}

export interface CompiledFlow {
  /** The ES5 agent. */
  source: string;
  /** Its title (the first comment line). */
  title: string;
  /** `sha256:<hex>` of the canonical graph JSON (also in the header). */
  hash: string;
  /** Hooks the agent defines. */
  hooks: HookName[];
  jobs: CompiledJob[];
  /** Plugins the flow's nodes come from (name → range). */
  requires: Record<string, string>;
  /** Warnings (and, with `partial`, the errors that were skipped). */
  issues: FlowIssue[];
}

const HOOK_PARAMETERS: Record<HookName, string[]> = {
  onPacketCaptured: ['data'],
  onItemCaptured: ['data'],
  onItemQueried: ['data'],
  onHubAction: ['action', 'object'],
  onPodEvent: ['event', 'pod', 'change'],
  onJobPassed: ['tag', 'cron', 'limit'],
  onJobFailed: ['tag', 'cron', 'limit', 'error'],
};

/** Where each hook fires (shared/docs/agent-api.md). */
const HOOK_PLACEMENT: Record<HookName, JobPlacement> = {
  onPacketCaptured: 'workers',
  onItemCaptured: 'workers',
  onItemQueried: 'hub',
  onHubAction: 'hub',
  onPodEvent: 'all',
  onJobPassed: 'all',
  onJobFailed: 'all',
};

const FUNCTION_PREFIX: Record<NodeKind, string> = {
  trigger: 'trigger',
  schedule: 'schedule',
  filterField: 'filter',
  filterKfl: 'match',
  switch: 'switch',
  aggregate: 'aggregate',
  rateLimit: 'limit',
  template: 'template',
  snippet: 'snippet',
  consoleLog: 'log',
  hubAction: 'hubAction',
  metric: 'metric',
  mark: 'mark',
  helper: 'call',
};

/** Errors that keep a node from being compiled (with `partial` it becomes a stub). */
const NODE_BREAKING: ReadonlySet<FlowIssueCode> = new Set<FlowIssueCode>([
  'unknown-node-type',
  'unknown-helper',
  'newer-node-version',
  'missing-parameter',
  'invalid-parameter',
  'bad-cron',
  'bad-filter',
  'bad-template',
  'bad-path',
  'bad-code',
  'cycle',
  'duplicate-job-tag',
]);

/** Errors that keep an edge out of the generated code. */
const EDGE_BREAKING: ReadonlySet<FlowIssueCode> = new Set<FlowIssueCode>(['unknown-node', 'unknown-port', 'port-type-mismatch', 'duplicate-edge']);

/** Names a node's function lends to its state and helpers. */
const DERIVED_SUFFIXES = ['_window', '_pattern', '_close', '_reset', '_code'];

const EMPTY_ENTRY = '{ key: key, count: 0, n: 0, sum: 0, min: null, max: null }';

class FlowCompiler {
  private readonly nodes: Map<string, FlowNode>;
  private readonly names = new Map<string, string>();
  private readonly broken = new Map<string, string>();
  private readonly edges: FlowEdge[];
  private readonly out: Map<string, FlowEdge[]>;
  private readonly expr = new ExpressionWriter();
  private readonly state = new CodeWriter();
  private readonly functions: string[] = [];
  readonly jobs: CompiledJob[] = [];
  /** The function each job runs (by node id) and the run limit of schedules. */
  private readonly jobFunctions = new Map<string, string>();
  private readonly scheduleLimits = new Map<string, number>();

  constructor(
    private readonly graph: FlowGraph,
    private readonly catalog: FlowCatalog,
    issues: FlowIssue[],
  ) {
    this.nodes = new Map(graph.nodes.map((n) => [n.id, n]));
    for (const issue of issues) {
      if (issue.severity === 'error' && issue.nodeId !== undefined && issue.edgeId === undefined && NODE_BREAKING.has(issue.code) && !this.broken.has(issue.nodeId)) {
        this.broken.set(issue.nodeId, issue.message);
      }
    }
    const badEdges = new Set(issues.filter((i) => i.severity === 'error' && i.edgeId !== undefined && EDGE_BREAKING.has(i.code)).map((i) => i.edgeId));
    const seen = new Set<string>();
    this.edges = graph.edges.filter((e) => {
      const key = `${e.source}\u0000${e.sourceHandle}\u0000${e.target}\u0000${e.targetHandle}`;
      if (badEdges.has(e.id) || seen.has(key) || !this.nodes.has(e.source) || !this.nodes.has(e.target)) return false;
      seen.add(key);
      return true;
    });
    this.out = adjacency(this.edges).out;
    this.assignNames();
  }

  private definition(node: FlowNode): NodeDefinition | undefined {
    return this.catalog.get(node.type);
  }

  private param(node: FlowNode, name: string): JsonValue | undefined {
    const parameter = this.definition(node)?.parameters.find((p) => p.name === name);
    return parameter ? parameterValue(node, parameter) : node.data[name];
  }

  private stringParam(node: FlowNode, name: string): string {
    const value = this.param(node, name);
    return typeof value === 'string' ? value : '';
  }

  /**
   * One function name per node from its kind and id (`filter_status_5xx`). A node's helpers and
   * state take its name plus a suffix (`_window`, `_close`…), so those are reserved with it.
   */
  private assignNames(): void {
    const taken = new Set<string>();
    const all = (name: string) => [name, ...DERIVED_SUFFIXES.map((suffix) => name + suffix)];
    for (const node of [...this.graph.nodes].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const kind = this.definition(node)?.kind;
      const base = `${kind ? FUNCTION_PREFIX[kind] : 'node'}_${identifierPart(node.id)}`;
      let name = base;
      for (let i = 2; all(name).some((n) => taken.has(n)); i++) name = `${base}_${i}`;
      for (const n of all(name)) taken.add(n);
      this.names.set(node.id, name);
    }
  }

  private describe(node: FlowNode): string {
    const definition = this.definition(node);
    const label = node.label ? ` (${node.label})` : '';
    return commentText(`${definition?.title ?? node.type} "${node.id}"${label}`);
  }

  /** Calls of the nodes wired to one output port, in canvas order (top to bottom, left to right). */
  private targets(node: FlowNode, port: string): FlowNode[] {
    return (this.out.get(node.id) ?? [])
      .filter((e) => e.sourceHandle === port)
      .map((e) => ({ edge: e, target: this.nodes.get(e.target)! }))
      .sort((a, b) => byPosition(a.target, b.target) || (a.edge.id < b.edge.id ? -1 : 1))
      .map((t) => t.target);
  }

  /** Calls the nodes wired to `port` with `value`; says so in a comment when nothing is (unless `quiet`). */
  private emitCalls(w: CodeWriter, node: FlowNode, port: string, value = 'data', quiet = false): void {
    const targets = this.targets(node, port);
    if (targets.length === 0 && !quiet) w.line(`// "${commentText(port)}": nothing connected`);
    for (const target of targets) w.line(`${this.names.get(target.id)}(${value});`);
  }

  private hasTargets(node: FlowNode, port: string): boolean {
    return (this.out.get(node.id) ?? []).some((e) => e.sourceHandle === port);
  }

  /** Where a window job must run: where the triggers that feed the node fire. */
  private placement(node: FlowNode): JobPlacement {
    const places = new Set<JobPlacement>();
    for (const id of ancestors(this.edges, node.id)) {
      const upstream = this.nodes.get(id)!;
      const definition = this.definition(upstream);
      if (definition?.kind === 'trigger' && definition.hook) places.add(HOOK_PLACEMENT[definition.hook]);
      if (definition?.kind === 'schedule') places.add(this.scheduleRunOn(upstream));
    }
    return places.size === 1 ? [...places][0] : 'all';
  }

  private scheduleRunOn(node: FlowNode): JobPlacement {
    const runOn = this.param(node, 'runOn');
    return runOn === 'workers' || runOn === 'all' ? runOn : 'hub';
  }

  // ------------------------------------------------------------------ nodes

  /** Node functions in the order they are reached from the triggers, then the rest by id. */
  private nodeOrder(): FlowNode[] {
    const triggers = this.graph.nodes
      .filter((n) => this.definition(n)?.category === 'trigger')
      .sort((a, b) => {
        const ha = hookRank(this.definition(a));
        const hb = hookRank(this.definition(b));
        return ha - hb || byPosition(a, b);
      });
    const order: FlowNode[] = [];
    const seen = new Set<string>();
    const visit = (node: FlowNode) => {
      if (seen.has(node.id)) return;
      seen.add(node.id);
      order.push(node);
      const definition = this.definition(node);
      if (!definition || this.broken.has(node.id)) return;
      for (const port of definition.ports(node.data).outputs) for (const target of this.targets(node, port.id)) visit(target);
    };
    triggers.forEach(visit);
    [...this.graph.nodes].sort((a, b) => (a.id < b.id ? -1 : 1)).forEach(visit);
    return order;
  }

  compileNodes(): void {
    for (const node of this.nodeOrder()) {
      const definition = this.definition(node);
      if (definition?.kind === 'trigger') continue;
      const w = new CodeWriter();
      const name = this.names.get(node.id)!;
      const broken = this.broken.get(node.id);
      if (!definition || broken !== undefined) {
        w.line(`// ${this.describe(node)}: not compiled`);
        w.block(`function ${name}(data)`, () => w.line(`// ${commentText(broken ?? `unknown node type ${node.type}`, 300)}`));
        this.functions.push(w.toString());
        continue;
      }
      this.compileNode(w, node, definition, name);
      this.functions.push(w.toString());
    }
  }

  private compileNode(w: CodeWriter, node: FlowNode, definition: NodeDefinition, name: string): void {
    switch (definition.kind) {
      case 'schedule':
        return this.schedule(w, node, name);
      case 'filterField':
        return this.filterField(w, node, name);
      case 'filterKfl': {
        const query = this.stringParam(node, 'query');
        w.line(`// ${this.describe(node)}: ${commentText(query)}`);
        return this.branch(w, node, name, `kfl.match(${jsString(query)}, data)`);
      }
      case 'switch':
        return this.switchNode(w, node, name);
      case 'aggregate':
        return this.aggregate(w, node, name);
      case 'rateLimit':
        return this.rateLimit(w, node, name);
      case 'template':
        return this.template(w, node, name);
      case 'snippet':
        return this.snippet(w, node, name);
      case 'consoleLog': {
        const message = this.stringParam(node, 'message');
        const method = this.param(node, 'level') === 'error' ? 'error' : 'log';
        w.line(`// ${this.describe(node)}`);
        return void w.block(`function ${name}(data)`, () => {
          w.line(`console.${method}(${message === '' ? 'data' : this.expr.text(message)});`);
          this.emitCalls(w, node, 'out', 'data', true);
        });
      }
      case 'hubAction': {
        const action = this.stringParam(node, 'action');
        w.line(`// ${this.describe(node)}: ${commentText(action)}`);
        return void w.block(`function ${name}(data)`, () => {
          w.line(`hub.action(${jsString(action)}, ${this.expr.value(this.param(node, 'object') ?? '{{data}}')});`);
          this.emitCalls(w, node, 'out', 'data', true);
        });
      }
      case 'metric':
        return this.metric(w, node, name);
      case 'mark': {
        const helper = this.param(node, 'result') === 'fail' ? 'fail' : 'pass';
        w.line(`// ${this.describe(node)}`);
        return void w.block(`function ${name}(data)`, () => {
          w.line(`test.${helper}(data);`);
          this.emitCalls(w, node, 'out', 'data', true);
        });
      }
      case 'helper':
        return this.helper(w, node, definition, name);
      case 'trigger':
        return;
    }
  }

  private branch(w: CodeWriter, node: FlowNode, name: string, condition: string): void {
    w.block(`function ${name}(data)`, () => {
      const pass = this.hasTargets(node, 'out');
      const reject = this.hasTargets(node, 'else');
      if (pass && reject) w.block(`if (${condition})`, () => this.emitCalls(w, node, 'out'), '} else {').indent(() => this.emitCalls(w, node, 'else')).line('}');
      else if (reject) w.block(`if (!(${condition}))`, () => this.emitCalls(w, node, 'else'));
      else w.block(`if (${condition})`, () => this.emitCalls(w, node, 'out'));
    });
  }

  private filterField(w: CodeWriter, node: FlowNode, name: string): void {
    const path = this.stringParam(node, 'path');
    const operator = String(this.param(node, 'operator') ?? '==');
    const value = this.param(node, 'value') ?? null;
    const field = this.expr.field(path);
    let condition: string;
    if (operator === 'exists' || operator === 'notExists') {
      this.expr.use('flow_compare');
      condition = `flow_compare(${field}, ${jsString(operator)})`;
    } else if (operator === 'matches') {
      this.expr.use('flow_matches');
      const pattern = typeof value === 'string' ? literalText(value) : null;
      if (pattern !== null) {
        this.state.line(`var ${name}_pattern = new RegExp(${jsString(pattern)});`);
        condition = `flow_matches(${field}, ${name}_pattern)`;
      } else {
        this.expr.use('flow_text');
        condition = `flow_matches(${field}, new RegExp(flow_text(${this.expr.value(value)})))`;
      }
    } else {
      this.expr.use('flow_compare');
      condition = `flow_compare(${field}, ${jsString(operator)}, ${this.expr.value(value)})`;
    }
    const shown = operator === 'exists' || operator === 'notExists' ? `${path} ${operator}` : `${path} ${operator} ${JSON.stringify(value)}`;
    w.line(`// ${this.describe(node)}: ${commentText(shown)}`);
    this.branch(w, node, name, condition);
  }

  private switchNode(w: CodeWriter, node: FlowNode, name: string): void {
    const path = this.stringParam(node, 'path');
    const cases = switchCases(node.data);
    this.expr.use('flow_equal');
    w.line(`// ${this.describe(node)}: by ${commentText(path)}`);
    w.block(`function ${name}(data)`, () => {
      w.line(`var value = ${this.expr.field(path)};`);
      cases.forEach((c, i) => {
        w.line(`${i === 0 ? 'if' : '} else if'} (flow_equal(value, ${jsValue(c.value)})) {`);
        w.indent(() => this.emitCalls(w, node, c.id));
      });
      if (cases.length === 0) this.emitCalls(w, node, 'default');
      else {
        w.line('} else {');
        w.indent(() => this.emitCalls(w, node, 'default'));
        w.line('}');
      }
    });
  }

  private windowJob(node: FlowNode, fn: string, seconds: number): void {
    const cron = windowCron(seconds) ?? '0 * * * * *';
    this.jobs.push({ tag: `${INTERNAL_JOB_PREFIX}${node.id}`, cron, runOn: this.placement(node), nodeId: node.id, purpose: 'window' });
    this.jobFunctions.set(node.id, fn);
  }

  private aggregate(w: CodeWriter, node: FlowNode, name: string): void {
    const op = String(this.param(node, 'op') ?? 'count') as AggregateOperation;
    const path = this.stringParam(node, 'path');
    const groupBy = this.stringParam(node, 'groupBy');
    const seconds = Number(this.param(node, 'windowSeconds') ?? 60);
    const emitEmpty = this.param(node, 'emitEmpty') === true && groupBy === '';
    const window = `${name}_window`;
    this.expr.use('flow_window');
    this.state.line(`var ${window} = flow_window();`);
    const what = op === 'count' ? 'count' : `${op} of ${path}`;
    w.line(`// ${this.describe(node)}: ${commentText(`${what}${groupBy === '' ? '' : ` per ${groupBy}`}, ${seconds} s windows`)}`);
    w.block(`function ${name}(data)`, () => {
      w.line(`var key = ${groupBy === '' ? '""' : this.expr.text(groupBy)};`);
      w.line(`var entry = ${window}.entries["#" + key];`);
      w.block('if (!entry)', () => {
        w.line(`if (${window}.keys.length >= flow_window_keys) key = "(other)";`);
        w.line(`entry = ${window}.entries["#" + key];`);
        w.block('if (!entry)', () => {
          w.line(`entry = ${window}.entries["#" + key] = ${EMPTY_ENTRY};`);
          w.line(`${window}.keys.push(key);`);
        });
      });
      w.line('entry.count++;');
      if (op !== 'count') {
        this.expr.use('flow_number');
        w.line(`var value = flow_number(${this.expr.field(path)});`);
        w.block('if (value !== undefined)', () => {
          w.line('entry.n++;');
          w.line('entry.sum += value;');
          w.line('if (entry.min === null || value < entry.min) entry.min = value;');
          w.line('if (entry.max === null || value > entry.max) entry.max = value;');
        });
      }
    });
    const value = { count: 'entry.count', sum: 'entry.sum', avg: 'entry.n > 0 ? entry.sum / entry.n : null', min: 'entry.min', max: 'entry.max' }[op] ?? 'entry.count';
    const close = `${name}_close`;
    w.line();
    w.line(`// Closes a window of "${commentText(node.id)}" (job "${commentText(INTERNAL_JOB_PREFIX + node.id)}"): one result per key.`);
    w.block(`function ${close}()`, () => {
      w.line(`var closing = ${window};`);
      w.line(`${window} = flow_window();`);
      if (emitEmpty) {
        w.block('if (closing.keys.length === 0)', () => {
          w.line('var key = "";');
          w.line(`closing.entries["#"] = ${EMPTY_ENTRY};`);
          w.line('closing.keys.push(key);');
        });
      }
      w.line('var end = Date.now();');
      w.block('for (var i = 0; i < closing.keys.length; i++)', () => {
        w.line('var entry = closing.entries["#" + closing.keys[i]];');
        w.line(
          `var result = { op: ${jsString(op)}, field: ${op === 'count' ? 'null' : jsString(path)}, key: entry.key, count: entry.count, value: ${value}, windowSeconds: ${seconds}, end: end };`,
        );
        this.emitCalls(w, node, 'out', 'result');
      });
    });
    this.windowJob(node, close, seconds);
  }

  private rateLimit(w: CodeWriter, node: FlowNode, name: string): void {
    const key = this.stringParam(node, 'key');
    const limit = Number(this.param(node, 'limit') ?? 1);
    const seconds = Number(this.param(node, 'windowSeconds') ?? 60);
    const window = `${name}_window`;
    this.expr.use('flow_window');
    this.state.line(`var ${window} = flow_window();`);
    w.line(`// ${this.describe(node)}: ${commentText(`${limit} per ${key === '' ? 'window' : key} every ${seconds} s`)}`);
    w.block(`function ${name}(data)`, () => {
      w.line(`var key = "#" + ${key === '' ? '""' : this.expr.text(key)};`);
      w.line(`var seen = ${window}.entries[key] || 0;`);
      w.block(`if (seen < ${limit} && (seen > 0 || ${window}.keys.length < flow_window_keys))`, () => {
        w.line(`if (seen === 0) ${window}.keys.push(key);`);
        w.line(`${window}.entries[key] = seen + 1;`);
        this.emitCalls(w, node, 'out');
      }, '} else {');
      w.indent(() => this.emitCalls(w, node, 'dropped'));
      w.line('}');
    });
    const reset = `${name}_reset`;
    w.line();
    w.line(`// Starts a new window of "${commentText(node.id)}" (job "${commentText(INTERNAL_JOB_PREFIX + node.id)}").`);
    w.block(`function ${reset}()`, () => w.line(`${window} = flow_window();`));
    this.windowJob(node, reset, seconds);
  }

  private template(w: CodeWriter, node: FlowNode, name: string): void {
    const mode = this.param(node, 'mode') === 'string' ? 'string' : 'object';
    w.line(`// ${this.describe(node)}: builds ${mode === 'string' ? 'a string' : 'an object'}`);
    w.block(`function ${name}(data)`, () => {
      if (mode === 'string') w.line(`var result = ${this.expr.text(this.stringParam(node, 'template'))};`);
      else {
        const fields = (Array.isArray(node.data.fields) ? node.data.fields : []) as unknown as TemplateField[];
        w.line(`var result = ${this.expr.object(fields.map((f) => ({ name: f.name, value: f.value === undefined ? null : f.value })))};`);
      }
      this.emitCalls(w, node, 'out', 'result');
    });
  }

  private snippet(w: CodeWriter, node: FlowNode, name: string): void {
    const code = this.stringParam(node, 'code');
    const body = `${name}_code`;
    w.line(`// ${this.describe(node)}`);
    w.block(`function ${name}(data)`, () => {
      const targets = this.targets(node, 'out');
      if (targets.length === 0) {
        w.line(`// "out": nothing connected`);
        w.line(`${body}(data, function () {});`);
        return;
      }
      w.block('function emit(value)', () => this.emitCalls(w, node, 'out', 'value'));
      w.line(`var result = ${body}(data, emit);`);
      w.line('if (result !== undefined) emit(result);');
    });
    w.line();
    w.line(`// The code of "${commentText(node.id)}", as written: call emit(value) or return a value to send it on.`);
    w.verbatim(snippetFunctionSource(body, code));
  }

  private metric(w: CodeWriter, node: FlowNode, name: string): void {
    const metricName = this.stringParam(node, 'name');
    const help = this.stringParam(node, 'help');
    const type = METRIC_TYPES[String(this.param(node, 'metricType') ?? 'counter') as keyof typeof METRIC_TYPES] ?? 1;
    const value = this.param(node, 'value') ?? 1;
    const labels = (Array.isArray(node.data.labels) ? node.data.labels : []) as unknown as Array<{ name: string; value: JsonValue }>;
    const labelArgument = labels.length > 0 ? `, ${this.expr.object(labels.map((l) => ({ name: l.name, value: l.value ?? '' })), true)}` : '';
    w.line(`// ${this.describe(node)}: ${commentText(metricName)}`);
    w.block(`function ${name}(data)`, () => {
      const call = (v: string) => `prometheus.metric(${jsString(metricName)}, ${jsString(help)}, ${type}, ${v}${labelArgument});`;
      if (typeof value === 'number') w.line(call(String(value)));
      else {
        this.expr.use('flow_number');
        w.line(`var value = flow_number(${this.expr.value(value)});`);
        w.line(`if (value !== undefined) ${call('value')}`);
      }
      this.emitCalls(w, node, 'out', 'data', true);
    });
  }

  private helper(w: CodeWriter, node: FlowNode, definition: NodeDefinition, name: string): void {
    const helper = definition.helper!;
    const args = helper.argumentParameters.map((parameterName, i) => {
      const parameter = parameterName === undefined ? undefined : definition.parameters.find((p) => p.name === parameterName);
      const value = parameter ? parameterValue(node, parameter) : undefined;
      if (!parameter || isUnset(parameter, value)) {
        const unset = helper.unsetArguments[i] ?? 'omit';
        return unset === 'input' ? 'data' : unset === 'empty' ? '""' : 'undefined';
      }
      if (parameter.kind === 'template' && typeof value === 'string') return this.expr.text(value);
      return this.expr.value(value as JsonValue);
    });
    while (args.length > 0 && args[args.length - 1] === 'undefined') args.pop();
    const call = `${memberAccess(helper.name.split('.'))}(${args.join(', ')})`;
    const from = definition.plugin ? `, plugin ${definition.plugin.name} ${definition.plugin.version}` : '';
    const outputs = definition.ports(node.data).outputs.map((p) => ({ id: p.id, carries: helper.outputs[p.id] ?? 'input' }));
    const wired = (carries: string) => outputs.filter((o) => o.carries === carries && this.hasTargets(node, o.id));
    const errorPorts = wired('error');
    const resultPorts = wired('result');
    w.line(`// ${this.describe(node)}: ${commentText(`${helper.name}${from}`)}`);
    w.block(`function ${name}(data)`, () => {
      const assign = resultPorts.length > 0 ? 'result = ' : '';
      if (errorPorts.length > 0) {
        // A wired error output takes the failure; the other outputs then get nothing.
        w.line(assign === '' ? 'try {' : 'var result;');
        if (assign !== '') w.line('try {');
        w.indent(() => w.line(`${assign}${call};`));
        w.block('} catch (e)', () => {
          w.line(`var failure = { error: e && e.message !== undefined ? String(e.message) : String(e), helper: ${jsString(helper.name)}, input: data };`);
          for (const port of errorPorts) this.emitCalls(w, node, port.id, 'failure');
          w.line('return;');
        });
      } else w.line(assign === '' ? `${call};` : `var result = ${call};`);
      for (const port of resultPorts) this.emitCalls(w, node, port.id, 'result');
      for (const port of outputs.filter((o) => o.carries === 'input')) this.emitCalls(w, node, port.id, 'data', true);
    });
  }

  private schedule(w: CodeWriter, node: FlowNode, name: string): void {
    const cron = this.stringParam(node, 'cron').trim().split(/\s+/).join(' ');
    const tag = scheduleTag(node);
    const limit = Number(this.param(node, 'limit') ?? 0);
    const runOn = this.scheduleRunOn(node);
    w.line(`// ${this.describe(node)}: ${commentText(`"${cron}", job "${tag}"${limit > 0 ? `, ${limit} runs` : ''}, on ${runOn === 'hub' ? 'the hub' : runOn === 'workers' ? 'every worker' : 'every node'}`)}`);
    w.block(`function ${name}()`, () => {
      w.line(`var data = { tag: ${jsString(tag)}, cron: ${jsString(cron)}, time: Date.now() };`);
      this.emitCalls(w, node, 'out');
    });
    this.jobs.push({ tag, cron, runOn, nodeId: node.id, purpose: 'schedule' });
    this.jobFunctions.set(node.id, name);
    this.scheduleLimits.set(node.id, limit);
  }

  // ------------------------------------------------------------------ hooks

  /** Trigger nodes grouped by hook, in canvas order. */
  private triggersByHook(): Map<HookName, FlowNode[]> {
    const byHook = new Map<HookName, FlowNode[]>();
    for (const node of this.graph.nodes) {
      const definition = this.definition(node);
      if (definition?.kind !== 'trigger' || !definition.hook || this.broken.has(node.id)) continue;
      if (!byHook.has(definition.hook)) byHook.set(definition.hook, []);
      byHook.get(definition.hook)!.push(node);
    }
    for (const nodes of byHook.values()) nodes.sort(byPosition);
    return byHook;
  }

  /** True when a "Mark passed/failed" node is reachable from these triggers (onItemQueried then returns the item). */
  private reachesMark(triggers: FlowNode[]): boolean {
    const stack = triggers.map((t) => t.id);
    const seen = new Set<string>();
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const node = this.nodes.get(id)!;
      if (this.definition(node)?.kind === 'mark' && !this.broken.has(id)) return true;
      for (const edge of this.out.get(id) ?? []) stack.push(edge.target);
    }
    return false;
  }

  compileHooks(): { source: string[]; hooks: HookName[] } {
    const byHook = this.triggersByHook();
    const source: string[] = [];
    const hooks: HookName[] = [];
    const hasWindows = this.jobs.some((j) => j.purpose === 'window');
    for (const hook of HOOK_NAMES) {
      const triggers = byHook.get(hook);
      if (!triggers) continue;
      hooks.push(hook);
      const w = new CodeWriter();
      const parameters = HOOK_PARAMETERS[hook];
      w.block(`function ${hook}(${parameters.join(', ')})`, () => {
        if ((hook === 'onJobPassed' || hook === 'onJobFailed') && hasWindows) {
          w.line(`if (String(tag).indexOf(${jsString(INTERNAL_JOB_PREFIX)}) === 0) return; // the flow's own window jobs`);
        }
        if (parameters[0] !== 'data') w.line(`var data = { ${parameters.map((p) => `${p}: ${p}`).join(', ')} };`);
        for (const trigger of triggers) {
          w.line(`// ${this.describe(trigger)}`);
          const only = hook === 'onHubAction' ? this.stringParam(trigger, 'action') : hook === 'onJobPassed' || hook === 'onJobFailed' ? this.stringParam(trigger, 'tag') : '';
          if (only !== '') w.block(`if (${parameters[0]} === ${jsString(only)})`, () => this.emitCalls(w, trigger, 'out'));
          else this.emitCalls(w, trigger, 'out');
        }
        if (hook === 'onItemQueried' && this.reachesMark(triggers)) w.line('return data; // the marks are what the reader sees');
      });
      source.push(w.toString());
    }
    return { source, hooks };
  }

  compileJobs(): string {
    const w = new CodeWriter();
    const call = (job: CompiledJob) => {
      const fn = this.jobFunctions.get(job.nodeId)!;
      const limit = this.scheduleLimits.get(job.nodeId) ?? 0;
      return `jobs.schedule(${jsString(job.tag)}, ${jsString(job.cron)}, ${fn}${limit > 0 ? `, ${limit}` : ''});`;
    };
    for (const placement of ['all', 'hub', 'workers'] as const) {
      const jobs = this.jobs.filter((j) => j.runOn === placement);
      if (jobs.length === 0) continue;
      if (placement === 'all') jobs.forEach((j) => w.line(call(j)));
      else w.block(`if (utils.nodeName() ${placement === 'hub' ? '===' : '!=='} "hub")`, () => jobs.forEach((j) => w.line(call(j))));
    }
    return w.toString();
  }

  supportFunctions(): string[] {
    return supportSource(this.expr.used);
  }

  stateDeclarations(): string {
    return this.state.toString();
  }

  functionSources(): string[] {
    return this.functions;
  }
}

function hookRank(definition: NodeDefinition | undefined): number {
  if (definition?.kind === 'schedule') return HOOK_NAMES.length;
  const index = definition?.hook ? HOOK_NAMES.indexOf(definition.hook) : -1;
  return index === -1 ? HOOK_NAMES.length + 1 : index;
}

/**
 * Compiles a flow into a readable ES5 agent: a header (title, flow id, revision, content hash),
 * the support functions it uses, window state, one function per node, one function per hook
 * (all triggers of that hook, in canvas order) and the jobs it schedules. The same graph always
 * gives the same text. Throws FlowValidationError when the flow has errors (unless `partial`).
 */
export function compileFlow(graph: FlowGraph, catalog: FlowCatalog, options: CompileOptions): CompiledFlow {
  const validation = validateFlow(graph, catalog, options);
  if (!validation.ok && !options.partial) throw new FlowValidationError(validation.issues);
  const read = readFlowGraph(graph);
  if (!read.graph) throw new FlowValidationError(read.issues);
  const flow = read.graph;
  const compiler = new FlowCompiler(flow, catalog, validation.issues);
  compiler.compileNodes();
  const { source: hookSources, hooks } = compiler.compileHooks();
  const jobs = compiler.compileJobs();
  const hash = flowContentHash(flow);
  const title = commentText(options.title ?? flow.title, 120) || 'Untitled flow';

  const sections: string[] = [];
  sections.push(
    [
      `// ${title}`,
      '// Generated by Wirehook from a flow: edit the flow, not this file (a save of the flow replaces it).',
      `// flow: ${commentText(options.flowId)}`,
      `// revision: ${Number.isFinite(options.revision) ? options.revision : commentText(String(options.revision))}`,
      `// content hash: ${hash}`,
      `// nodes: ${flow.nodes.length}, edges: ${flow.edges.length}`,
    ].join('\n'),
  );
  const support = compiler.supportFunctions();
  if (support.length > 0) sections.push(support.join('\n\n'));
  const state = compiler.stateDeclarations();
  if (state !== '') sections.push(`// Window state: private to this agent, one copy per node it runs on.\n${state}`);
  sections.push(...compiler.functionSources());
  sections.push(...hookSources);
  if (jobs !== '') sections.push(`// Jobs\n${jobs}`);
  const source = sections.join('\n\n') + '\n';
  return {
    source,
    title,
    hash,
    hooks,
    jobs: compiler.jobs,
    requires: flowRequirements(flow, catalog),
    issues: validation.issues,
  };
}
