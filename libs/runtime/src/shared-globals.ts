/**
 * Properties agents set on `this` / the global object, shared by every agent of the process.
 *
 * Each agent has its own isolate (so memory and CPU budgets hold per agent), which means a live
 * object cannot be shared. Instead every call into a sandbox carries the entries other agents
 * changed since that sandbox last saw them, and returns the entries it changed itself (JSON
 * values; functions stay local). Last writer wins; a change is visible to another agent from its
 * next call on.
 */
export class SharedGlobals {
  private version = 0;
  private readonly entries = new Map<string, { json: string | null; version: number; writer: string }>();
  private readonly seen = new Map<string, number>();

  /** JSON object text of the entries `reader` has not seen yet ('' when none), and marks them seen. */
  updatesFor(reader: string): string {
    const since = this.seen.get(reader) ?? 0;
    this.seen.set(reader, this.version);
    if (since === this.version) return '';
    const out: Record<string, string | null> = {};
    let any = false;
    for (const [key, entry] of this.entries) {
      if (entry.version > since && entry.writer !== reader) {
        out[key] = entry.json;
        any = true;
      }
    }
    return any ? JSON.stringify(out) : '';
  }

  publish(writer: string, changes: Record<string, string | null> | null): void {
    if (!changes) return;
    for (const [key, json] of Object.entries(changes)) {
      this.version++;
      this.entries.set(key, { json, version: this.version, writer });
    }
  }

  /** A reader that goes away (unloaded agent, replaced sandbox) sees everything again when it returns. */
  forget(reader: string): void {
    this.seen.delete(reader);
  }

  snapshot(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, entry] of this.entries) if (entry.json !== null) out[key] = JSON.parse(entry.json);
    return out;
  }
}
