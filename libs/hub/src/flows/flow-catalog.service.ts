import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { createCatalog, type BuiltCatalog, type InstalledPlugin } from '@wirehook/flow';
import { PluginRegistry } from '../plugins/plugin-registry.service';

/**
 * The flow node catalog as the hub compiles with it: built-in nodes plus the helpers and nodes of
 * the enabled installed plugins (their manifests, read by the plugin registry). The dashboard
 * builds the same catalog from `/api/plugins/:name`.
 */
@Injectable()
export class FlowCatalogService {
  constructor(private readonly moduleRef: ModuleRef) {}

  async installedPlugins(): Promise<InstalledPlugin[]> {
    const registry = this.registry();
    if (!registry) return [];
    const plugins = await registry.list();
    return plugins
      .filter((p) => p.enabled && p.package !== undefined)
      .map((p) => ({ name: p.name, version: p.version, manifest: { helpers: p.package!.manifest.helpers, nodes: p.package!.manifest.nodes } }));
  }

  async catalog(): Promise<BuiltCatalog> {
    return createCatalog({ plugins: await this.installedPlugins() });
  }

  /** Looked up when needed: a hub without the plugins module compiles with the built-in nodes. */
  private registry(): PluginRegistry | undefined {
    try {
      return this.moduleRef.get(PluginRegistry, { strict: false });
    } catch {
      return undefined;
    }
  }
}
