/**
 * @wirehook/runtime: runs untrusted ES5 agents in isolated-vm sandboxes (shared/docs/agent-api.md).
 * Processes that load it must run Node.js with `--no-node-snapshot` (isolated-vm on Node >= 20).
 */
export { AgentRuntime, CONSOLE_CLEAR_MESSAGE } from './runtime';
export type { EventBatch, RuntimeOptions } from './runtime';
export { checkEs5, agentTitle } from './es5-check';
export type { Es5Diagnostic } from './es5-check';
export { AgentLoadError } from './errors';
export { AgentPathError } from './helpers/agent-files';
export { HOOK_NAMES } from './types';
export type {
  RuntimeHost,
  PcapProvider,
  HelperBridge,
  HelperFunction,
  HelperCallContext,
  HookName,
  AgentState,
  AgentStatus,
  AgentLoadErrorKind,
  AgentStats,
  HookStats,
  JobInfo,
  LimitHit,
  LimitName,
  SyncReport,
} from './types';
export * as kfl from './kfl';
export { compileKfl, matchKfl, validateKfl, parseKfl, KflSyntaxError } from './kfl';
export { applyJobsOperation, toRuntimeStats, type JobsOperation } from './runtime-control';
