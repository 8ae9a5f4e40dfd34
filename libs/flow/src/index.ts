/**
 * @wirehook/flow: the flow graph model (React Flow nodes and edges), the node catalog, validation
 * and the compiler to readable ES5 agents; plus the dry-run recording used by the hub. Runs in the
 * browser too: no Node.js APIs here. Format and generated code: libs/flow/README.md.
 */
export type { FlowGraph, FlowNode, FlowEdge, FlowPosition, FlowConnection, JsonValue, JsonObject, JsonPrimitive } from './model/graph';
export { FlowFormatError, FlowValidationError } from './model/issues';
export type { FlowIssue, FlowIssueCode } from './model/issues';
export { readFlowGraph } from './model/read-graph';
export { stableStringify, canonicalGraph, canonicalGraphJson } from './model/stable-json';
export { flowContentHash, sha256Hex } from './model/content-hash';
export { FLOW_FORMAT, FLOW_FORMAT_VERSION, flowToJson, flowFromJson, flowRequirements, missingPlugins } from './model/document';
export type { FlowDocument, FormatMigration, FlowFromJsonOptions, FlowToJsonOptions, ImportedFlow, MissingPlugin } from './model/document';

export { HOOK_NAMES, PORT_TYPES } from './catalog/types';
export type {
  HookName,
  PortType,
  OutputPortType,
  PortDefinition,
  NodePorts,
  ParameterKind,
  ParameterDefinition,
  JsonSchema,
  NodeCategory,
  NodeKind,
  NodeDefinition,
  NodePluginSource,
  HelperCall,
  FlowCatalog,
} from './catalog/types';
export type { InstalledPlugin, HelperManifestEntry, HelperParameterManifest, PluginNodeManifest, PluginNodeParameterManifest } from './catalog/plugin-manifest';
export { createCatalog, builtinNodeDefinitions, defaultNodeData, createNode, nodePorts } from './catalog/catalog';
export type { CatalogOptions, BuiltCatalog } from './catalog/catalog';
export { helperNodeDefinition, pluginNodeDefinition, pluginNodeDefinitions, helperNodeType, fullHelperName } from './catalog/helper-nodes';
export { FIELD_OPERATORS, AGGREGATE_OPERATIONS, switchCases } from './catalog/logic';
export type { FieldOperator, AggregateOperation, SwitchCase, TemplateField } from './catalog/logic';
export { METRIC_TYPES } from './catalog/actions';

export { parsePath, formatPath, PathSyntaxError } from './expr/path';
export type { PathSegment } from './expr/path';
export { parseTemplate, TemplateSyntaxError, TEMPLATE_ROOTS } from './expr/template';
export type { TemplatePart, TemplateRoot } from './expr/template';
export { validateCron, windowCron } from './expr/cron';
export { checkSnippet } from './expr/snippet';
export type { Es5Checker, SnippetProblem } from './expr/snippet';

export { canConnect } from './graph/connect';
export type { ConnectionCheck } from './graph/connect';
export { findCycles } from './graph/topology';

export { validateFlow, MAX_FLOW_JOBS, INTERNAL_JOB_PREFIX } from './validate';
export type { ValidateOptions, FlowValidation, FilterValidator } from './validate';
export { compileFlow } from './compile/compile-flow';
export type { CompileOptions, CompiledFlow, CompiledJob, JobPlacement } from './compile/compile-flow';

export { dryRunSource, DRY_RUN_ACTION } from './dry-run/dry-run-source';
export { DryRunRecorder, recordingHelpers } from './dry-run/recorder';
export type { DryRunCall, DryRunContext, RecordingHelperBridge } from './dry-run/recorder';
export { dryRunTimeline } from './dry-run/timeline';
export type { DryRunStep, DryRunTimeline, TimelineOptions } from './dry-run/timeline';
