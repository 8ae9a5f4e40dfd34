import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { ManifestError } from './errors';
import { compileSchema, createAjv, describeSchemaErrors } from './json-schema';
import type { PluginManifest, PluginPackage } from './manifest';
import { MANIFEST_SCHEMA } from './manifest-schema';

const manifestAjv = createAjv();
const validateManifestShape = manifestAjv.compile(MANIFEST_SCHEMA);

/** npm's rules for package names (lower case, optional scope, URL-safe). */
const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/**
 * Reads and checks a plugin's package.json: name, version, entry, engines and the `wirehook`
 * manifest (shape by JSON Schema, then what a schema cannot say: unique names, trailing optional
 * parameters, nodes and credentials that point at declared helpers, schemas that compile).
 * Throws ManifestError with every problem found.
 */
export function readPluginPackage(packageJson: unknown, source: string): PluginPackage {
  const problems: string[] = [];
  if (typeof packageJson !== 'object' || packageJson === null || Array.isArray(packageJson)) {
    throw new ManifestError(source, ['package.json is not a JSON object']);
  }
  const pkg = packageJson as Record<string, unknown>;
  const name = typeof pkg.name === 'string' ? pkg.name : '';
  const version = typeof pkg.version === 'string' ? pkg.version : '';
  if (!PACKAGE_NAME.test(name) || name.length > 214) problems.push(`"name" must be an npm package name (got ${JSON.stringify(pkg.name)})`);
  if (!semver.valid(version)) problems.push(`"version" must be a semver version (got ${JSON.stringify(pkg.version)})`);
  const main = pkg.main === undefined ? 'index.js' : pkg.main;
  if (typeof main !== 'string' || main.trim() === '') problems.push('"main" must be a file name');
  const engines = pkg.engines as Record<string, unknown> | undefined;
  const nodeEngine = engines && typeof engines === 'object' ? engines.node : undefined;
  if (nodeEngine !== undefined && (typeof nodeEngine !== 'string' || semver.validRange(nodeEngine) === null)) {
    problems.push(`"engines.node" must be a semver range (got ${JSON.stringify(nodeEngine)})`);
  }
  const dependencies = stringRecord(pkg.dependencies, '"dependencies"', problems);
  const bundledRaw = pkg.bundleDependencies ?? pkg.bundledDependencies;
  const bundled = bundledRaw === true ? Object.keys(dependencies) : Array.isArray(bundledRaw) ? bundledRaw.filter((d): d is string => typeof d === 'string') : [];

  if (pkg.wirehook === undefined) {
    problems.push('no "wirehook" key: not a Wirehook plugin');
    throw new ManifestError(source, problems);
  }
  if (!validateManifestShape(pkg.wirehook)) {
    problems.push(...describeSchemaErrors(validateManifestShape.errors, 'wirehook'));
    throw new ManifestError(source, problems);
  }
  const manifest = pkg.wirehook as PluginManifest;
  problems.push(...checkManifestMeaning(manifest));
  if (problems.length > 0) throw new ManifestError(source, problems);
  return {
    name,
    version,
    main: main as string,
    description: typeof pkg.description === 'string' ? pkg.description : manifest.description,
    nodeEngine: nodeEngine as string | undefined,
    dependencies,
    bundled,
    manifest,
  };
}

/** Reads `<dir>/package.json` and checks it (readPluginPackage). */
export function readPluginPackageDir(dir: string): PluginPackage {
  const file = join(dir, 'package.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ManifestError(file, [`cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(file, [`not JSON: ${(error as Error).message}`]);
  }
  return readPluginPackage(json, file);
}

/** Key of a helper in the plugin module: `export`, or the full name without `vendor.`. */
export function helperExportName(helper: { name: string; export?: string }): string {
  return helper.export ?? helper.name.slice('vendor.'.length);
}

function checkManifestMeaning(manifest: PluginManifest): string[] {
  const problems: string[] = [];
  if (semver.validRange(manifest.host) === null) problems.push(`wirehook.host must be a semver range (got ${JSON.stringify(manifest.host)})`);
  const schemaAjv = createAjv();
  const names = new Set<string>();
  const exports = new Set<string>();
  manifest.helpers.forEach((helper, h) => {
    const at = `wirehook.helpers[${h}] (${helper.name})`;
    if (names.has(helper.name)) problems.push(`${at}: helper declared twice`);
    names.add(helper.name);
    const key = helperExportName(helper);
    if (exports.has(key)) problems.push(`${at}: export "${key}" used by two helpers`);
    exports.add(key);
    let optionalSeen = false;
    const params = new Set<string>();
    helper.parameters.forEach((param, p) => {
      if (params.has(param.name)) problems.push(`${at}: parameter "${param.name}" declared twice`);
      params.add(param.name);
      if (param.optional) optionalSeen = true;
      else if (optionalSeen) problems.push(`${at}: required parameter "${param.name}" follows an optional one`);
      try {
        compileSchema(schemaAjv, param.schema, `${at} parameter ${p} (${param.name})`);
      } catch (error) {
        problems.push((error as Error).message);
      }
    });
    if (helper.returns.schema) {
      try {
        compileSchema(schemaAjv, helper.returns.schema, `${at} returns`);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
  });
  // A helper name may not also be a namespace of another (`vendor.kinesis` beside `vendor.kinesis.put`).
  for (const name of names) {
    for (const other of names) {
      if (other !== name && other.startsWith(`${name}.`)) problems.push(`wirehook.helpers: "${name}" is both a helper and a namespace of "${other}"`);
    }
  }
  const nodeTypes = new Set<string>();
  for (const node of manifest.nodes ?? []) {
    if (nodeTypes.has(node.type)) problems.push(`wirehook.nodes: type "${node.type}" declared twice`);
    nodeTypes.add(node.type);
    const helper = manifest.helpers.find((h) => h.name === node.helper);
    if (!helper) {
      problems.push(`wirehook.nodes "${node.type}": helper ${node.helper} is not declared in wirehook.helpers`);
      continue;
    }
    for (const param of node.parameters) {
      if (!helper.parameters.some((p) => p.name === param.name)) {
        problems.push(`wirehook.nodes "${node.type}": parameter "${param.name}" is not a parameter of ${helper.name}`);
      }
    }
  }
  for (const credential of manifest.credentials ?? []) {
    if (credential.source === 'argument') {
      const helper = manifest.helpers.find((h) => h.name === credential.helper);
      const param = helper?.parameters.find((p) => p.name === credential.key);
      if (!param) problems.push(`wirehook.credentials "${credential.name}": ${credential.helper ?? '(no helper)'} has no parameter "${credential.key}"`);
      else if (!param.secret) problems.push(`wirehook.credentials "${credential.name}": parameter "${credential.key}" of ${credential.helper} must be marked secret`);
    } else if (credential.source === 'env' && !(manifest.env ?? []).some((e) => e.name === credential.key)) {
      problems.push(`wirehook.credentials "${credential.name}": env key ${credential.key} is not declared in wirehook.env`);
    }
  }
  if (manifest.settings) {
    if (manifest.settings.type !== 'object') problems.push('wirehook.settings must be a JSON Schema of type "object"');
    try {
      compileSchema(schemaAjv, manifest.settings, 'wirehook.settings');
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return problems;
}

function stringRecord(value: unknown, what: string, problems: string[]): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${what} must be an object`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [key, range] of Object.entries(value)) {
    if (typeof range === 'string') out[key] = range;
    else problems.push(`${what}.${key} must be a string`);
  }
  return out;
}
