import semver from 'semver';
import { IncompatiblePluginError } from './errors';
import { PLUGIN_API_VERSION, type PluginPackage } from './manifest';

/** What a plugin is checked against. */
export interface HostInfo {
  /** Wirehook's version (the root package.json). */
  version: string;
  /** Default PLUGIN_API_VERSION. */
  apiVersion?: number;
  /** Default process.versions.node. */
  nodeVersion?: string;
}

/**
 * Every reason the host must refuse the plugin, empty when it may load: the plugin API version, the
 * Wirehook version range (`wirehook.host`) and the Node.js engine range (`engines.node`).
 * Pre-release host versions count as inside a range that covers their release.
 */
export function compatibilityProblems(pkg: PluginPackage, host: HostInfo): string[] {
  const problems: string[] = [];
  const apiVersion = host.apiVersion ?? PLUGIN_API_VERSION;
  if (pkg.manifest.apiVersion !== apiVersion) {
    problems.push(`plugin API version ${pkg.manifest.apiVersion} is not supported: this host implements plugin API version ${apiVersion}`);
  }
  if (!semver.satisfies(host.version, pkg.manifest.host, { includePrerelease: true })) {
    problems.push(`needs Wirehook ${pkg.manifest.host}, this host is Wirehook ${host.version}`);
  }
  const nodeVersion = host.nodeVersion ?? process.versions.node;
  if (pkg.nodeEngine !== undefined && !semver.satisfies(nodeVersion, pkg.nodeEngine, { includePrerelease: true })) {
    problems.push(`needs Node.js ${pkg.nodeEngine}, this host runs Node.js ${nodeVersion}`);
  }
  return problems;
}

/** Throws IncompatiblePluginError (with every reason) unless the plugin may load on this host. */
export function assertCompatible(pkg: PluginPackage, host: HostInfo): void {
  const problems = compatibilityProblems(pkg, host);
  if (problems.length > 0) throw new IncompatiblePluginError(pkg.name, pkg.version, problems);
}

/** True when going from `from` to `to` changes the major version (or any of 0.x's minor, as semver reads it). */
export function isMajorChange(from: string, to: string): boolean {
  const a = semver.parse(from);
  const b = semver.parse(to);
  if (!a || !b) return true;
  if (a.major !== b.major) return true;
  return a.major === 0 && a.minor !== b.minor;
}
