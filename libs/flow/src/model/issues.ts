/** What can be wrong with a flow. The editor shows each issue on the node (or edge) it names. */
export type FlowIssueCode =
  | 'invalid-json'
  | 'invalid-document'
  | 'newer-format'
  | 'duplicate-id'
  | 'unknown-node-type'
  | 'unknown-helper'
  | 'newer-node-version'
  | 'missing-parameter'
  | 'invalid-parameter'
  | 'bad-cron'
  | 'bad-filter'
  | 'bad-template'
  | 'bad-path'
  | 'bad-code'
  | 'unknown-node'
  | 'unknown-port'
  | 'port-type-mismatch'
  | 'duplicate-edge'
  | 'unconnected-port'
  | 'no-output'
  | 'unreachable'
  | 'cycle'
  | 'duplicate-job-tag'
  | 'too-many-jobs'
  | 'literal-secret';

export interface FlowIssue {
  severity: 'error' | 'warning';
  code: FlowIssueCode;
  /** Says which node/edge/parameter and why, e.g. `node "f1" (Filter on a field): parameter "path" is required`. */
  message: string;
  nodeId?: string;
  edgeId?: string;
  parameter?: string;
  port?: string;
  /** Where in the document (structural issues), e.g. `graph.nodes[2].position.x`. */
  path?: string;
}

/** Thrown when a text is not a flow document at all (the issues say where). */
export class FlowFormatError extends Error {
  constructor(readonly issues: FlowIssue[]) {
    super(`not a valid flow: ${issues.map((i) => i.message).join('; ')}`);
    this.name = 'FlowFormatError';
  }
}

/** Thrown by compileFlow for a flow with errors. */
export class FlowValidationError extends Error {
  constructor(readonly issues: FlowIssue[]) {
    const errors = issues.filter((i) => i.severity === 'error');
    super(`the flow has ${errors.length} error(s): ${errors.map((i) => i.message).join('; ')}`);
    this.name = 'FlowValidationError';
  }
}
