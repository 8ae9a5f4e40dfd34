import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Buckets, pluginPackageObject } from '@wirehook/contracts';
import { stagePlugin, type InstallerOptions, type StagedPlugin } from './package-installer';
import { pluginPackagePath } from './plugin-module';

/** Where plugin tarballs are read from: the bus's blob storage (`Bus` of @wirehook/bus fits). */
export interface PluginPackageStore {
  getBlob(bucket: string, name: string): Promise<Uint8Array | undefined>;
}

export interface PackageFetcherOptions extends InstallerOptions {
  store: PluginPackageStore;
  /** One line per package fetched. */
  log?: (message: string) => void;
}

/** A plugin version this node does not have could not be fetched or was refused; the message names plugin, version and reason. */
export class PluginFetchError extends Error {
  constructor(
    readonly plugin: string,
    readonly version: string,
    readonly reason: string,
  ) {
    super(`${plugin}@${version}: ${reason}`);
    this.name = 'PluginFetchError';
  }
}

/**
 * Gives a node the plugin versions its plugins folder lacks: fetches the tarball the hub put in
 * `Buckets.pluginPackages` and installs it as the hub did (stagePlugin + commit), so the manifest,
 * compatibility and dependency checks run again here and dependencies are linked from this node's
 * own node_modules. With a shared folder the version is there already and nothing is fetched.
 */
export class PluginPackageFetcher {
  /**
   * One fetch and install per folder and version at a time, across the fetchers of this process (the
   * all-in-one hub and worker share a folder): a second caller waits for the first one's result.
   */
  private static readonly inFlight = new Map<string, Promise<void>>();

  constructor(private readonly options: PackageFetcherOptions) {}

  /** Makes `<pluginsDir>/packages/<name>@<version>` exist; throws PluginFetchError when it cannot. */
  ensure(name: string, version: string): Promise<void> {
    const key = pluginPackagePath(this.options.pluginsDir, name, version);
    const running = PluginPackageFetcher.inFlight.get(key);
    if (running) return running;
    const run = this.fetchAndInstall(name, version).finally(() => PluginPackageFetcher.inFlight.delete(key));
    PluginPackageFetcher.inFlight.set(key, run);
    return run;
  }

  private async fetchAndInstall(name: string, version: string): Promise<void> {
    const pluginsDir = resolve(this.options.pluginsDir);
    const target = pluginPackagePath(pluginsDir, name, version);
    if (existsSync(target)) return;
    const object = pluginPackageObject(name, version);
    const where = `bucket ${Buckets.pluginPackages}, object ${object}`;
    let data: Uint8Array | undefined;
    try {
      data = await this.options.store.getBlob(Buckets.pluginPackages, object);
    } catch (error) {
      throw new PluginFetchError(name, version, `package could not be fetched from the hub: ${(error as Error).message}`);
    }
    if (!data) throw new PluginFetchError(name, version, `package not found on the bus (${where}); the hub puts it there at install and at its start, see the hub's log`);
    // The temporary file sits in the plugins folder: same file system as the staging folder it is copied to.
    await mkdir(pluginsDir, { recursive: true });
    const temp = await mkdtemp(join(pluginsDir, '.fetch-'));
    try {
      const tarball = join(temp, object);
      await writeFile(tarball, data);
      let staged: StagedPlugin;
      try {
        staged = await stagePlugin({ kind: 'tarball', path: tarball }, this.options);
      } catch (error) {
        throw new PluginFetchError(name, version, `package fetched from the hub was refused: ${(error as Error).message}`);
      }
      try {
        if (staged.pkg.name !== name || staged.pkg.version !== version) {
          throw new PluginFetchError(name, version, `package fetched from the hub (${where}) holds ${staged.pkg.name}@${staged.pkg.version}`);
        }
        // Another process sharing the folder (a hub, another worker) may have put it there meanwhile:
        // its copy stays, it may be loading from it.
        if (existsSync(target)) return;
        await staged.commit();
      } finally {
        await staged.discard();
      }
      this.options.log?.(`plugin ${name}@${version} fetched from the hub (${data.length} bytes) and installed in ${pluginsDir}`);
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  }
}
