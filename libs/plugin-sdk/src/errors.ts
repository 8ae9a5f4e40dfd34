/** A package whose manifest is missing or malformed; `problems` lists every reason. */
export class ManifestError extends Error {
  constructor(
    /** Where the package.json came from (a path or a package name). */
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: invalid plugin manifest: ${problems.join('; ')}`);
    this.name = 'ManifestError';
  }
}

/** A plugin this host must not load; `problems` say why (API version, host range, Node.js engine). */
export class IncompatiblePluginError extends Error {
  constructor(
    readonly plugin: string,
    readonly version: string,
    readonly problems: string[],
  ) {
    super(`${plugin}@${version} is not compatible with this host: ${problems.join('; ')}`);
    this.name = 'IncompatiblePluginError';
  }
}
