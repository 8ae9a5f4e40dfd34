/**
 * The parts of a plugin manifest (`wirehook` key of a plugin's package.json, libs/plugin-sdk) that
 * the flow editor reads. Types only: the SDK's host side uses Node.js, the flow library runs in the
 * browser too, so nothing of the SDK is loaded at run time.
 */
import type { FlowNodeDefinition, FlowNodeParameter, HelperManifest, HelperParameter, PluginManifest, PluginPackage } from '@wirehook/plugin-sdk';

/** One positional parameter of a helper, in call order. */
export type HelperParameterManifest = HelperParameter;

/** A helper a plugin adds under `vendor.*`. */
export type HelperManifestEntry = HelperManifest;

/** A field of a plugin's own flow-editor node. */
export type PluginNodeParameterManifest = FlowNodeParameter;

/** A plugin's own flow-editor node for one of its helpers. */
export type PluginNodeManifest = FlowNodeDefinition;

/** An installed plugin as the catalog needs it: a `PluginPackage` (or just its name, version and manifest helpers/nodes). */
export type InstalledPlugin = Pick<PluginPackage, 'name' | 'version'> & { manifest: Pick<PluginManifest, 'helpers' | 'nodes'> };
