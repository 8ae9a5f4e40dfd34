/**
 * Object store buckets: files every node needs that are too large for a message. On NATS each is a
 * JetStream Object Store bucket (stream `OBJ_<bucket>`, subjects `$O.<bucket>.>`, chunked, SHA-256
 * checked on read); in the all-in-one process, memory. They are not AsyncAPI channels: any NATS
 * client reads them through its object store API (`nats object get <bucket> <object>`).
 */
export const Buckets = {
  /**
   * hub → every node: the npm tarball of each installed plugin version, as the hub keeps it in
   * `<plugins.dir>/tarballs/`. The hub puts a version before announcing it on
   * `wirehook.plugins.changed` and deletes it when the plugin is removed or upgraded; a node whose
   * plugins folder lacks a version fetches it from here, so no volume needs to be shared.
   */
  pluginPackages: 'wirehook-plugin-packages',
} as const;

/**
 * How a plugin version is named on disk and in `Buckets.pluginPackages`: `<name with / as +>@<version>`
 * (`@wirehook/plugin-webhook` 1.0.0 → `@wirehook+plugin-webhook@1.0.0`), one path segment and one
 * object name with no `/`. Its folder is `<plugins.dir>/packages/<key>`, its tarball `<key>.tgz`.
 */
export function pluginPackageKey(name: string, version: string): string {
  return `${name.replace('/', '+')}@${version}`;
}

/** The object holding a plugin version's tarball in `Buckets.pluginPackages`: `<key>.tgz`. */
export function pluginPackageObject(name: string, version: string): string {
  return `${pluginPackageKey(name, version)}.tgz`;
}
