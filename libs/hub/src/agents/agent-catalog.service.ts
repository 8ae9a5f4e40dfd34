import { watch, type FSWatcher } from 'node:fs';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SCHEMA_VERSION, Subjects, type AgentDefinition, type ScriptsChangedMessage } from '@wirehook/contracts';
import { HUB_NODE_NAME, HUB_OPTIONS, type HubOptions } from '../hub-options';
import { ConfigMapMirrorService } from '../kubernetes/config-map-mirror.service';
import { LogService } from '../logs/log.service';
import { describeInvalid, scanAgentFolder } from './agent-folder';

const WATCH_DEBOUNCE_MS = 200;

/**
 * The set of active agents, kept in the store and announced to every node.
 * Agents in the configured folders (`scripting.source`, `scripting.sources`) are imported
 * by title at start and, with `scripting.watchScripts`, whenever a file changes.
 */
@Injectable()
export class AgentCatalog implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly watchers: FSWatcher[] = [];
  /** Titles imported from each folder during this run, so a deleted file removes its agent. */
  private readonly importedTitles = new Map<string, Set<string>>();
  private debounce?: NodeJS.Timeout;
  private syncing: Promise<void> = Promise.resolve();
  private markImported!: () => void;
  private readonly imported = new Promise<void>((resolve) => (this.markImported = resolve));

  constructor(
    @Inject(HUB_OPTIONS) private readonly options: HubOptions,
    private readonly logs: LogService,
    private readonly configMap: ConfigMapMirrorService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.importFolders();
    } finally {
      this.markImported();
    }
    await this.announce();
    await this.configMap.start(() => void this.announce(false));
    if (this.options.config.scripting.watchScripts) this.watchFolders();
  }

  /** The active agents, filtered by `scripting.active` titles when that list is set. */
  async activeAgents(): Promise<AgentDefinition[]> {
    const wanted = this.options.config.scripting.active;
    const agents = await this.options.database.agents.list({ activeOnly: true });
    return agents
      .filter((a) => wanted.length === 0 || wanted.includes(a.title))
      .map((a) => ({ id: a.id, title: a.title, source: a.source, revision: a.revision }));
  }

  /** Tells every node the active agents; call after any change. `mirror` = also write the ConfigMap. */
  async announce(mirror = true): Promise<void> {
    this.options.bus.publish(Subjects.scriptsChanged, await this.message());
    if (mirror) this.configMap.sync();
  }

  onModuleDestroy(): void {
    clearTimeout(this.debounce);
    for (const w of this.watchers) w.close();
  }

  /**
   * For a starting worker: waits for the folders' first import, so that a worker asking early
   * (before the hub finished booting) does not start its capture with an empty agent set.
   */
  async current(): Promise<ScriptsChangedMessage> {
    await this.imported;
    return this.message();
  }

  async message(): Promise<ScriptsChangedMessage> {
    return { v: SCHEMA_VERSION, agents: await this.activeAgents() };
  }

  private folders(): string[] {
    const { source, sources } = this.options.config.scripting;
    return [...new Set([source, ...sources].filter((f) => f.length > 0))];
  }

  private async importFolders(): Promise<void> {
    const agents = this.options.database.agents;
    for (const folder of this.folders()) {
      const scan = scanAgentFolder(folder);
      for (const bad of scan.invalid) {
        this.log('error', `agent file refused: ${describeInvalid(bad)}`);
      }
      const titles = new Set(scan.agents.map((a) => a.title));
      for (const file of scan.agents) {
        await agents.upsertByTitle(file.title, file.source, `folder:${scan.folder}`);
      }
      for (const title of this.importedTitles.get(scan.folder) ?? []) {
        if (titles.has(title)) continue;
        const gone = await agents.findByTitle(title);
        if (gone) await agents.delete(gone.id);
        this.log('info', `agent "${title}" removed: its file left ${scan.folder}`);
      }
      this.importedTitles.set(scan.folder, titles);
    }
  }

  private watchFolders(): void {
    for (const folder of this.folders()) {
      try {
        const watcher = watch(folder, () => this.scheduleSync());
        watcher.on('error', (error) => this.log('warn', `watching ${folder} stopped: ${error.message}`));
        this.watchers.push(watcher);
      } catch (error) {
        this.log('warn', `cannot watch agent folder ${folder}: ${(error as Error).message}`);
      }
    }
  }

  private scheduleSync(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.syncing = this.syncing
        .then(async () => {
          await this.importFolders();
          await this.announce();
        })
        .catch((error: Error) => this.log('error', `agent folder sync failed: ${error.message}`));
    }, WATCH_DEBOUNCE_MS);
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.logs.publish({ v: SCHEMA_VERSION, time: Date.now(), node: HUB_NODE_NAME, agent: '', level, source: 'load', message });
  }
}
