import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { PluginStatsReply, WirehookConfig } from '@wirehook/contracts';
import { addConfigOptions, configFromFlags, type ConfigFlags } from '../config-options';

interface PluginsFlags extends ConfigFlags {
  token?: string;
  yes?: boolean;
  json?: boolean;
}

interface PluginView {
  name: string;
  version: string;
  enabled: boolean;
  helpers: Array<{ name: string }>;
  problem?: string;
  hub?: { state: string; error?: string };
}

interface Preflight {
  from: string;
  to: string;
  major: boolean;
  agents: Array<{ title: string; helpers: string[] }>;
  flows: Array<{ name: string; helpers: string[]; nodes: string[] }>;
  warnings: string[];
}

/**
 * `wirehook plugins list|install|upgrade|remove|stats` against the hub API (admin token for changes).
 * A folder is packed here with `npm pack` and, like a tarball, uploaded, so the hub may be remote;
 * anything else is a `name@version` the hub fetches from the npm registry.
 */
export function registerPluginsCommand(program: Command): void {
  const plugins = program.command('plugins').description('list, install, upgrade and remove plugins on a running hub');
  const withCommon = (command: Command): Command =>
    addConfigOptions(command.option('--token <token>', 'API token (default: $WIREHOOK_TOKEN); changes need role admin').option('--json', 'print the API answer as JSON'));

  withCommon(plugins.command('list').description('installed plugins, versions and helpers')).action(async (flags: PluginsFlags) => {
    const hub = client(flags);
    const list = await hub.request<PluginView[]>('GET', '/api/plugins');
    if (flags.json) return print(list);
    if (list.length === 0) return say('no plugins installed');
    for (const p of list) {
      const state = p.problem ? `files missing: ${p.problem}` : p.enabled ? (p.hub?.state ?? 'enabled') : 'disabled';
      say(`${p.name}@${p.version}  ${state}  ${p.helpers.map((h) => h.name).join(', ')}${p.hub?.error ? `  (${p.hub.error})` : ''}`);
    }
  });

  withCommon(plugins.command('install <source>').description('install from a folder, an npm tarball (.tgz) or the registry (name@version)')).action(
    async (source: string, flags: PluginsFlags) => {
      const hub = client(flags);
      const answer = await withTarball(source, (tarball) =>
        tarball ? hub.upload<{ plugin: { name: string; version: string } }>('/api/plugins/upload', tarball) : hub.request<{ plugin: { name: string; version: string } }>('POST', '/api/plugins', { package: source }),
      );
      if (flags.json) return print(answer);
      say(`installed ${answer.plugin.name}@${answer.plugin.version}; every node loads it now`);
    },
  );

  withCommon(
    plugins
      .command('upgrade <name> <source>')
      .description('upgrade a plugin to the package at source (folder, .tgz or name@version); shows the preflight first')
      .option('-y, --yes', 'go ahead with a major version change'),
  ).action(async (name: string, source: string, flags: PluginsFlags) => {
    const hub = client(flags);
    const path = `/api/plugins/${encodeURIComponent(name)}`;
    const answer = await withTarball(source, async (tarball) => {
      const preflight = tarball ? await hub.upload<Preflight>(`${path}/preflight/upload`, tarball) : await hub.request<Preflight>('POST', `${path}/preflight`, { package: source });
      if (!flags.json) printPreflight(preflight);
      if (preflight.major && !flags.yes) {
        throw new Error(`${name} ${preflight.from} → ${preflight.to} is a major version change: check the agents and flows above, then repeat with --yes`);
      }
      return tarball
        ? hub.upload<{ plugin: { version: string } }>(`${path}/upgrade/upload?acceptMajor=${preflight.major}`, tarball)
        : hub.request<{ plugin: { version: string } }>('POST', `${path}/upgrade`, { package: source, acceptMajor: preflight.major });
    });
    if (flags.json) return print(answer);
    say(`upgraded ${name} to ${answer.plugin.version}`);
  });

  withCommon(plugins.command('remove <name>').description('remove a plugin from every node')).action(async (name: string, flags: PluginsFlags) => {
    const answer = await client(flags).request<{ version: string; agents: Array<{ title: string }> }>('DELETE', `/api/plugins/${encodeURIComponent(name)}`);
    if (flags.json) return print(answer);
    say(`removed ${name}@${answer.version}`);
    if (answer.agents.length > 0) warn(`these agents still call its helpers: ${answer.agents.map((a) => a.title).join(', ')}`);
  });

  withCommon(plugins.command('stats').description('delivery counters per node, plugin and agent')).action(async (flags: PluginsFlags) => {
    const replies = await client(flags).request<PluginStatsReply[]>('GET', '/api/plugins/stats');
    if (flags.json) return print(replies);
    for (const reply of replies) {
      for (const p of reply.plugins) {
        say(`${reply.node}  ${p.plugin}@${p.version} ${p.state}${p.error ? ` (${p.error})` : ''}  sent ${p.sent}  failed ${p.failed}  retried ${p.retried}  dropped ${p.dropped}  queued ${p.queued}`);
        for (const a of p.agents) say(`    ${a.agent}: sent ${a.sent}  failed ${a.failed}  retried ${a.retried}  dropped ${a.dropped}`);
      }
    }
  });
}

/** Local sources (a folder, packed here with `npm pack`, or a tarball) are uploaded, so the hub may be remote. */
async function withTarball<T>(source: string, use: (tarball: string | undefined) => Promise<T>): Promise<T> {
  if (!isLocal(source)) return use(undefined);
  const path = resolve(source);
  if (!statSync(path).isDirectory()) return use(path);
  const dir = await mkdtemp(join(tmpdir(), 'wirehook-pack-'));
  try {
    const stdout = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], path);
    const [{ filename }] = JSON.parse(stdout) as Array<{ filename: string }>;
    return await use(join(dir, basename(filename.replace(/^@/, '').replace('/', '-'))));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function isLocal(source: string): boolean {
  return existsSync(source) || source.startsWith('.') || source.startsWith('/') || source.endsWith('.tgz');
}

function printPreflight(preflight: Preflight): void {
  say(`${preflight.from} → ${preflight.to}${preflight.major ? ' (major)' : ''}`);
  for (const a of preflight.agents) say(`  agent "${a.title}" calls ${a.helpers.join(', ')}`);
  for (const f of preflight.flows) say(`  flow "${f.name}" uses ${[...f.helpers, ...f.nodes].join(', ')}`);
  for (const w of preflight.warnings) warn(`warning: ${w}`);
}

function client(flags: PluginsFlags): PluginsClient {
  const { config } = configFromFlags(flags);
  const token = flags.token ?? process.env.WIREHOOK_TOKEN;
  if (!token) throw new Error('plugins needs an API token (role admin for changes): pass --token or set WIREHOOK_TOKEN');
  return new PluginsClient(hubUrl(config), token);
}

/** `hub.url`, else the hub's own listen port on this machine. */
function hubUrl(config: WirehookConfig): string {
  if (config.hub.url) return config.hub.url.replace(/\/+$/, '');
  const host = ['0.0.0.0', '::', ''].includes(config.hub.host) ? '127.0.0.1' : config.hub.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.hub.port}`;
}

class PluginsClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.send<T>(method, path, body === undefined ? undefined : JSON.stringify(body), 'application/json');
  }

  upload<T>(path: string, tarball: string): Promise<T> {
    return this.send<T>('POST', path, readFileSync(tarball), 'application/gzip');
  }

  private async send<T>(method: string, path: string, body: string | Buffer | undefined, contentType: string): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.baseUrl + path, {
        method,
        headers: { Authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'Content-Type': contentType }) },
        body,
      });
    } catch (error) {
      throw new Error(`cannot reach the hub at ${this.baseUrl}: ${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message}`);
    }
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!response.ok) {
      const failure = (parsed ?? {}) as { message?: string; problems?: string[] };
      const problems = failure.problems?.length ? `\n  - ${failure.problems.join('\n  - ')}` : '';
      throw new Error(`${method} ${path}: ${response.status} ${failure.message ?? text}${problems}`);
    }
    return parsed as T;
  }
}

function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolveRun, reject) => {
    execFile(command, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => (error ? reject(new Error(`${command} ${args.join(' ')}: ${stderr || error.message}`)) : resolveRun(stdout)));
  });
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function warn(line: string): void {
  process.stderr.write(`${line}\n`);
}
