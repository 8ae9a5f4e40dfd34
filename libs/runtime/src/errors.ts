import type { AgentLoadErrorKind } from './types';

/** An agent was refused at load: not ES5, its top-level code threw, or it went over a limit. */
export class AgentLoadError extends Error {
  constructor(
    readonly agentId: string,
    readonly agentTitle: string,
    readonly kind: AgentLoadErrorKind,
    readonly reason: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(`agent "${agentTitle}" refused (${kind})${line !== undefined ? ` at line ${line}${column !== undefined ? `, column ${column}` : ''}` : ''}: ${reason}`);
    this.name = 'AgentLoadError';
  }
}
