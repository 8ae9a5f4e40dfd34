/**
 * @wirehook/plugin-sdk: what a Wirehook plugin is (the `wirehook` manifest in its package.json),
 * what it implements (the helper contract), how it is tested alone (the test kit), and the host
 * side shared by hub and workers (compatibility, loading, argument validation, delivery queue,
 * installation). Plugins import only types from here, so a built plugin needs nothing of ours.
 */
export { PLUGIN_API_VERSION, DEFAULT_DELIVERY } from './manifest';
export type {
  JsonSchema,
  PluginManifest,
  PluginPackage,
  HelperManifest,
  HelperParameter,
  HelperDelivery,
  FlowNodeDefinition,
  FlowNodeParameter,
  FlowNodePort,
  FlowParameterType,
  EnvKeyDefinition,
  CredentialDefinition,
  DeliveryOptions,
  PluginExample,
} from './manifest';
export type {
  HelperContext,
  HelperLogger,
  HelperMetrics,
  HelperFunction,
  HelperDefinition,
  PluginHelper,
  AnyHelperFunction,
  AnyPluginHelper,
  PluginModule,
  HelperFailure,
  HelperError,
} from './helper-contract';
export { MANIFEST_SCHEMA, HELPER_NAME_PATTERN, deliveryOptionsSchema } from './manifest-schema';
export { readPluginPackage, readPluginPackageDir, helperExportName } from './read-manifest';
export { ManifestError, IncompatiblePluginError } from './errors';
export { compatibilityProblems, assertCompatible, isMajorChange } from './compatibility';
export type { HostInfo } from './compatibility';
export { compileArgumentValidator } from './argument-validation';
export type { ArgumentCheck, ArgumentValidator } from './argument-validation';
export { resolveSettings, SettingsError } from './settings';
export type { ResolvedSettings } from './settings';
export { findHelperUsages } from './helper-usage';

// Host side (hub and workers).
export { DeliveryQueue, DeliveryDroppedError } from './host/delivery-queue';
export type { DeliveryJob, DeliveryCounters, DeliveryQueueStats, AgentDeliveryStats, DeliveryListener } from './host/delivery-queue';
export { PluginHost } from './host/plugin-host';
export type {
  PluginHostOptions,
  PluginSpec,
  PluginStatus,
  PluginApplyReport,
  PluginDeliveryStats,
  HelperCaller,
  BridgeHelper,
  PluginLogLevel,
} from './host/plugin-host';
export { loadPluginModule, checkPluginModule, pluginPackagePath, PluginLoadError } from './host/plugin-module';
export { stagePlugin, removePluginFiles, PluginDependencyError, PluginSourceError } from './host/package-installer';
export { PluginPackageFetcher, PluginFetchError } from './host/package-fetcher';
export type { PluginPackageStore, PackageFetcherOptions } from './host/package-fetcher';
export { pluginsDirOf } from './host/node-settings';
export { pluginStatsReply } from './host/stats-reply';
export type { PluginSource, InstallerOptions, StagedPlugin } from './host/package-installer';

// Test kit for plugin authors.
export { createPluginTestKit, testCaller } from './testing/plugin-test-kit';
export type { PluginTestKit, PluginTestKitOptions, KitCallOptions, KitLogLine } from './testing/plugin-test-kit';
