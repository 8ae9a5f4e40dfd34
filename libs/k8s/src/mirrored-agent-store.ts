// The part of the agent store the ConfigMap mirror uses. `AgentStore` from @wirehook/storage has
// these methods with these shapes, so the hub passes it as it is (this lib may not import storage).

export interface MirroredAgent {
  id: string;
  title: string;
  source: string;
  active: boolean;
  /** Latest revision; the optimistic-locking token of every write. */
  revision: number;
}

export interface MirroredAgentStore {
  /** Every agent, active or not. */
  list(): Promise<MirroredAgent[]>;
  /** Creates the agent at revision 1; throws when the title is taken. */
  create(input: { title: string; source: string; author: string; message?: string; active?: boolean }): Promise<MirroredAgent>;
  /**
   * Saves the changes as a new revision; throws when `baseRevision` is not the current revision
   * (someone saved in between). Returns the agent unchanged when the values are already those.
   */
  update(
    id: string,
    changes: { source?: string; active?: boolean },
    options: { baseRevision: number; author: string; message?: string },
  ): Promise<MirroredAgent>;
}
