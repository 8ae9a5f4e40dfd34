import { existsSync, readdirSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { agentTitle, type WirehookConfig } from '@wirehook/contracts';
// Types only: the runtime library (sandbox, metrics, scheduler) loads when `scripts` runs, not for every CLI command.
import type { checkEs5 as CheckEs5 } from '@wirehook/runtime';
import { addConfigOptions, configFromFlags, type ConfigFlags } from '../config-options';

interface ScriptsFlags extends ConfigFlags {
  token?: string;
  once?: boolean;
}

/** Quiet time after the last file event before the folders are synced (editors write in bursts). */
const DEBOUNCE_MS = 250;
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 30_000;

/**
 * `wirehook scripts`: the agent folders (`scripting.source`, `scripting.sources`) are the truth for the
 * agents they hold. At start every `.js` file is upserted on the hub by title; then the folders are
 * watched: a new file adds an agent, a changed file saves a new revision, a deleted or renamed file
 * removes its agent (a rename that keeps the title comment keeps the agent). A file that is not ES5 is
 * reported with file, line and column and left out; the agent keeps its last good version.
 */
export function registerScriptsCommand(program: Command): void {
  addConfigOptions(
    program
      .command('scripts')
      .description('sync the agent folders (scripting.source, scripting.sources) to the hub and keep watching them')
      .option('--token <token>', 'API token with role editor or admin (default: $WIREHOOK_TOKEN)')
      .option('--once', 'sync once and exit instead of watching'),
  ).action(async (flags: ScriptsFlags) => {
    const { config } = configFromFlags(flags);
    const token = flags.token ?? process.env.WIREHOOK_TOKEN;
    if (!token) throw new Error('scripts needs an API token with role editor or admin: pass --token or set WIREHOOK_TOKEN');
    const folders = agentFolders(config);
    if (folders.length === 0) throw new Error('no agent folder: set scripting.source (e.g. --set scripting.source=./agents)');
    const missing = folders.filter((f) => !existsSync(f) || !statSync(f).isDirectory());
    if (missing.length === folders.length) throw new Error(`agent folder not found: ${missing.join(', ')}`);
    for (const folder of missing) warn(`agent folder not found, skipped: ${folder}`);
    const present = folders.filter((f) => !missing.includes(f));

    const hub = new HubClient(hubUrl(config), token);
    const { checkEs5 } = await import('@wirehook/runtime');
    const sync = new FolderSync(present, hub, checkEs5);
    const first = await sync.run();
    say(
      `synced ${first.files} agent file(s) from ${present.join(', ')} to ${hub.baseUrl}: ` +
        `${first.added} added, ${first.updated} updated, ${first.unchanged} unchanged, ${first.removed} removed, ${first.refused} refused`,
    );
    if (flags.once) return;
    await watchUntilStopped(present, sync, hub);
  });
}

function agentFolders(config: WirehookConfig): string[] {
  const { source, sources } = config.scripting;
  return [...new Set([source, ...sources].filter((f) => f.trim().length > 0).map((f) => resolve(f)))];
}

/** `hub.url`, else the hub's own listen port on this machine (default http://127.0.0.1:8898). */
function hubUrl(config: WirehookConfig): string {
  if (config.hub.url) return config.hub.url.replace(/\/+$/, '');
  const host = ['0.0.0.0', '::', ''].includes(config.hub.host) ? '127.0.0.1' : config.hub.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.hub.port}`;
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function warn(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Watches the folders and syncs after each burst of changes, until Ctrl-C / SIGTERM. */
async function watchUntilStopped(folders: string[], sync: FolderSync, hub: HubClient): Promise<void> {
  const watchers: FSWatcher[] = [];
  let debounce: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  let retryDelay = RETRY_MIN_MS;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  await new Promise<void>((resolveStopped) => {
    const stop = (): void => {
      if (stopped) return;
      stopped = true;
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      clearTimeout(debounce);
      clearTimeout(retry);
      for (const w of watchers) w.close();
      hub.abort();
      say('stopped watching');
      resolveStopped();
    };
    const fatal = (message: string): void => {
      warn(message);
      process.exitCode = 1;
      stop();
    };

    const runSync = (): void => {
      if (stopped) return;
      if (running) {
        again = true;
        return;
      }
      running = sync
        .run()
        .then(() => {
          retryDelay = RETRY_MIN_MS;
        })
        .catch((error: Error) => {
          if (stopped) return;
          if (error instanceof HubRefusedError && (error.status === 401 || error.status === 403)) {
            fatal(error.message);
            return;
          }
          warn(`sync failed: ${error.message}; retrying in ${Math.round(retryDelay / 1000)} s`);
          clearTimeout(retry);
          retry = setTimeout(runSync, retryDelay);
          retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
        })
        .finally(() => {
          running = undefined;
          if (again && !stopped) {
            again = false;
            runSync();
          }
        });
    };
    const schedule = (): void => {
      clearTimeout(debounce);
      debounce = setTimeout(runSync, DEBOUNCE_MS);
    };

    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    for (const folder of folders) {
      try {
        const watcher = watch(folder, schedule);
        watcher.on('error', (error) => warn(`watching ${folder} failed: ${error.message}`));
        watchers.push(watcher);
      } catch (error) {
        warn(`cannot watch ${folder}: ${(error as Error).message}`);
      }
    }
    say(`watching ${folders.join(', ')} for changes (Ctrl-C to stop)`);
  });
}

interface AgentFile {
  path: string;
  title: string;
  source: string;
}

interface SyncCounts {
  files: number;
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  refused: number;
}

/** What this run put on the hub for a title, so an unchanged file is not sent again. */
interface Synced {
  id: string;
  revision: number;
  source: string;
  path: string;
}

/** One pass: read the folders, then add, update and remove agents on the hub to match them. */
class FolderSync {
  /** Titles that came from the folders during this run; only these are ever removed. */
  private readonly synced = new Map<string, Synced>();
  /** Problems already printed, so an unchanged bad file is reported once, not on every pass. */
  private reported = new Set<string>();

  constructor(
    private readonly folders: string[],
    private readonly hub: HubClient,
    private readonly checkEs5: typeof CheckEs5,
  ) {}

  async run(): Promise<SyncCounts> {
    const { files, held, problems } = this.scan();
    const counts: SyncCounts = { files: files.size + held.size, added: 0, updated: 0, unchanged: 0, removed: 0, refused: held.size };
    const remote = new Map((await this.hub.listAgents()).map((a) => [a.title, a]));

    for (const file of files.values()) {
      const known = this.synced.get(file.title);
      const current = remote.get(file.title);
      if (known && current && known.source === file.source && known.revision === current.revision) {
        counts.unchanged++;
        continue;
      }
      const outcome = await this.upsert(file, current);
      if (outcome === 'refused') {
        counts.refused++;
        held.add(file.title);
      } else counts[outcome]++;
    }

    for (const [title, gone] of [...this.synced]) {
      if (files.has(title) || held.has(title)) continue;
      await this.remove(title, gone, remote.get(title));
      this.synced.delete(title);
      counts.removed++;
    }

    // Forget reports of problems that are fixed, so they are printed again if they come back.
    this.reported = new Set([...this.reported].filter((key) => problems.has(key)));
    return counts;
  }

  /** Valid files by title; titles of refused files (their agents stay as they are); problem keys. */
  private scan(): { files: Map<string, AgentFile>; held: Set<string>; problems: Set<string> } {
    const files = new Map<string, AgentFile>();
    const held = new Set<string>();
    const problems = new Set<string>();
    const report = (key: string, message: string): void => {
      problems.add(key);
      if (!this.reported.has(key)) warn(message);
      this.reported.add(key);
    };
    for (const folder of this.folders) {
      let names: string[];
      try {
        names = readdirSync(folder).filter((n) => n.endsWith('.js')).sort();
      } catch (error) {
        report(`folder:${folder}`, `cannot read ${folder}: ${(error as Error).message}`);
        continue;
      }
      for (const name of names) {
        const path = join(folder, name);
        let source: string;
        try {
          if (!statSync(path).isFile()) continue;
          source = readFileSync(path, 'utf8');
        } catch {
          continue; // removed between listing and reading: the next pass sees it gone
        }
        const title = agentTitle(source, basename(name));
        const shown = displayPath(path);
        const diagnostics = this.checkEs5(source, shown);
        if (diagnostics.length > 0) {
          held.add(title);
          report(`invalid:${path}:${source}`, diagnostics.map((d) => `refused ${d.message} (not synced; "${title}" keeps its last good version)`).join('\n'));
          continue;
        }
        const other = files.get(title);
        if (other) {
          report(`duplicate:${path}:${title}`, `refused ${shown}: its title "${title}" is already used by ${displayPath(other.path)}; give it its own first comment line`);
          continue;
        }
        files.set(title, { path, title, source });
      }
    }
    return { files, held, problems };
  }

  private async upsert(file: AgentFile, current: RemoteAgent | undefined): Promise<'added' | 'updated' | 'unchanged' | 'refused'> {
    const shown = displayPath(file.path);
    const message = `synced from ${basename(file.path)} by wirehook scripts`;
    try {
      if (!current) {
        const created = await this.hub.create(file.title, file.source, message);
        this.synced.set(file.title, { id: created.id, revision: created.revision, source: file.source, path: file.path });
        say(`added "${file.title}" from ${shown} (revision ${created.revision})`);
        return 'added';
      }
      // The folder wins: a change made elsewhere since the list is overwritten (retried once on 409).
      let saved: RemoteAgent;
      try {
        saved = await this.hub.update(current.id, file.source, current.revision, message);
      } catch (error) {
        if (!(error instanceof HubRefusedError && error.status === 409)) throw error;
        const latest = await this.hub.get(current.id);
        saved = await this.hub.update(current.id, file.source, latest.revision, message);
      }
      this.synced.set(file.title, { id: saved.id, revision: saved.revision, source: file.source, path: file.path });
      if (saved.revision === current.revision) return 'unchanged';
      say(`updated "${file.title}" from ${shown} (revision ${saved.revision})`);
      return 'updated';
    } catch (error) {
      if (error instanceof HubRefusedError && error.status === 422) {
        const where = error.diagnostics.map((d) => `${shown}:${d.line}:${d.column}: ${d.message.replace(/^.*?:\d+:\d+: /, '')}`);
        warn(`refused by the hub: ${where.join('; ') || error.message}`);
        return 'refused';
      }
      if (error instanceof HubRefusedError && error.status === 409) {
        warn(`"${file.title}" from ${shown}: ${error.message} (tried again on the next change)`);
        return 'refused';
      }
      throw error;
    }
  }

  private async remove(title: string, gone: Synced, current: RemoteAgent | undefined): Promise<void> {
    if (!current || current.id !== gone.id) return; // already removed (or replaced) by someone else
    try {
      await this.hub.delete(current.id, current.revision);
    } catch (error) {
      if (error instanceof HubRefusedError && error.status === 404) return;
      if (!(error instanceof HubRefusedError && error.status === 409)) throw error;
      await this.hub.delete(current.id, (await this.hub.get(current.id)).revision);
    }
    say(`removed "${title}" (${displayPath(gone.path)} was deleted or renamed)`);
  }
}

function displayPath(path: string): string {
  const fromHere = relative(process.cwd(), path);
  return fromHere.startsWith('..') ? path : fromHere;
}

interface RemoteAgent {
  id: string;
  title: string;
  revision: number;
}

interface Diagnostic {
  line: number;
  column: number;
  message: string;
}

/** The hub answered with an error status; `message` is its explanation. */
class HubRefusedError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly diagnostics: Diagnostic[] = [],
  ) {
    super(message);
  }
}

/** The hub agents API, as the folder sync uses it. */
class HubClient {
  private readonly aborter = new AbortController();

  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  abort(): void {
    this.aborter.abort();
  }

  listAgents(): Promise<RemoteAgent[]> {
    return this.request<RemoteAgent[]>('GET', '/api/agents');
  }

  get(id: string): Promise<RemoteAgent> {
    return this.request<RemoteAgent>('GET', `/api/agents/${id}`);
  }

  create(title: string, source: string, message: string): Promise<RemoteAgent> {
    return this.request<RemoteAgent>('POST', '/api/agents', { title, source, message });
  }

  update(id: string, source: string, baseRevision: number, message: string): Promise<RemoteAgent> {
    return this.request<RemoteAgent>('PUT', `/api/agents/${id}`, { source, baseRevision, message });
  }

  async delete(id: string, baseRevision: number): Promise<void> {
    await this.request<unknown>('DELETE', `/api/agents/${id}?baseRevision=${baseRevision}`);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.baseUrl + path, {
        method,
        headers: { Authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: this.aborter.signal,
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(`cannot reach the hub at ${this.baseUrl} (set hub.url): ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    if (!response.ok) {
      const details = (parsed ?? {}) as { message?: string | string[]; diagnostics?: Diagnostic[] };
      const message = Array.isArray(details.message) ? details.message.join('; ') : (details.message ?? `${method} ${path}: HTTP ${response.status}`);
      const refusedToken = response.status === 401 || response.status === 403;
      throw new HubRefusedError(response.status, refusedToken ? `the hub refused the token (${response.status}): ${message}` : message, details.diagnostics ?? []);
    }
    return parsed as T;
  }
}
