import { createWriteStream } from 'node:fs';
import { ApiTokenAuth } from '../auth/api-token-auth.decorator';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query, Req, UseFilters } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { PluginStatsReply } from '@wirehook/contracts';
import type { FlowNodeDefinition, JsonSchema, PluginPackage, PluginSource } from '@wirehook/plugin-sdk';
import { RequireRole } from '../auth/auth.decorators';
import { HubPluginHost } from './hub-plugin-host.service';
import { PluginErrorFilter, PluginRequestError } from './plugin-errors';
import type { UpgradePreflight } from './plugin-preflight';
import { PluginDetailView, PluginSourceBody, PluginView, UpdatePluginBody, UpgradePluginBody } from './plugin.dto';
import { PluginRegistry, type InstallResult, type PluginDetails, type RemoveResult, type UpgradeResult } from './plugin-registry.service';

/** A flow-editor node as the dashboard's palette needs it. */
export type PluginNodeView = FlowNodeDefinition & { plugin: string; version: string; parameterSchemas: Record<string, JsonSchema> };

/** Largest tarball accepted by upload. */
const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

/**
 * `/api/plugins`: list and inspect (viewer), delivery counters per node and agent (viewer); install,
 * upgrade (with preflight), configure and remove (admin: a plugin is code that runs on every node).
 */
@ApiTags('plugins')
@ApiTokenAuth('The token role is too weak (changes need admin).')
@UseFilters(PluginErrorFilter)
@Controller('api/plugins')
export class PluginsController {
  constructor(
    private readonly registry: PluginRegistry,
    private readonly hubHost: HubPluginHost,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Installed plugins with their helpers and state on the hub.' })
  @ApiOkResponse({ type: [PluginView] })
  async list(): Promise<PluginView[]> {
    return (await this.registry.list()).map((p) => this.view(p));
  }

  @Get('stats')
  @ApiOperation({ summary: 'Per node: each plugin’s load state, queue depth and counters (sent, failed, retried, dropped), in total and per agent.' })
  @ApiOkResponse({ description: 'One entry per node (hub and live workers).' })
  stats(): Promise<PluginStatsReply[]> {
    return this.registry.stats();
  }

  @Get('nodes')
  @ApiOperation({ summary: 'Flow-editor nodes of the enabled plugins, each with its plugin, version and the JSON Schema of every parameter.' })
  async nodes(): Promise<PluginNodeView[]> {
    const installed = (await this.registry.list()).filter((p) => p.enabled && p.package);
    return installed.flatMap((plugin) => {
      const manifest = (plugin.package as PluginPackage).manifest;
      return (manifest.nodes ?? []).map((node) => {
        const helper = manifest.helpers.find((h) => h.name === node.helper);
        const schemas = Object.fromEntries((helper?.parameters ?? []).map((p) => [p.name, p.schema]));
        return { ...node, plugin: plugin.name, version: plugin.version, parameterSchemas: schemas };
      });
    });
  }

  @Post()
  @RequireRole('admin')
  @ApiOperation({ summary: 'Install a plugin from a folder, an npm tarball or the npm registry (paths are on the hub).' })
  @ApiCreatedResponse({ description: 'Installed and announced to every node.' })
  @ApiBadRequestResponse({ description: 'Not exactly one source, or the source cannot be read.' })
  @ApiConflictResponse({ description: 'Another version is installed: upgrade instead.' })
  @ApiUnprocessableEntityResponse({ description: 'Not a valid plugin, incompatible (API version, host range, Node.js), missing dependencies, or does not load; `problems` lists why.' })
  async install(@Body() body: PluginSourceBody): Promise<InstallResult> {
    return this.registry.install(toSource(body));
  }

  @Post('upload')
  @RequireRole('admin')
  @ApiConsumes('application/gzip', 'application/octet-stream')
  @ApiOperation({ summary: 'Install the npm tarball sent as the request body.' })
  @ApiCreatedResponse({ description: 'Installed and announced to every node.' })
  upload(@Req() request: IncomingMessage): Promise<InstallResult> {
    return receiveTarball(request, (tarball) => this.registry.install({ kind: 'tarball', path: tarball }));
  }

  @Get(':name')
  @ApiOperation({ summary: 'One plugin with its full manifest (scoped names URL-encoded: %40scope%2Fname).' })
  @ApiOkResponse({ type: PluginDetailView })
  @ApiNotFoundResponse()
  async get(@Param('name') name: string): Promise<PluginDetailView> {
    const details = await this.registry.get(name);
    return { ...this.view(details), manifest: details.package?.manifest as unknown as Record<string, unknown> | undefined };
  }

  @Post(':name/preflight')
  @HttpCode(200)
  @RequireRole('admin')
  @ApiOperation({ summary: 'What an upgrade to the given package would touch: agents and flows calling its helpers, major-version and removed-helper warnings. Changes nothing.' })
  async preflight(@Param('name') name: string, @Body() body: PluginSourceBody): Promise<UpgradePreflight> {
    return this.registry.preflight(name, toSource(body));
  }

  @Post(':name/upgrade')
  @HttpCode(200)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Upgrade (or downgrade) to the given package; a major version change needs acceptMajor.' })
  @ApiConflictResponse({ description: 'Major version change without acceptMajor; `preflight` lists the agents and flows.' })
  async upgrade(@Param('name') name: string, @Body() body: UpgradePluginBody): Promise<UpgradeResult> {
    return this.registry.upgrade(name, toSource(body), body.acceptMajor === true);
  }

  @Post(':name/preflight/upload')
  @HttpCode(200)
  @RequireRole('admin')
  @ApiConsumes('application/gzip', 'application/octet-stream')
  @ApiOperation({ summary: 'The preflight for the npm tarball sent as the request body.' })
  preflightUpload(@Param('name') name: string, @Req() request: IncomingMessage): Promise<UpgradePreflight> {
    return receiveTarball(request, (tarball) => this.registry.preflight(name, { kind: 'tarball', path: tarball }));
  }

  @Post(':name/upgrade/upload')
  @HttpCode(200)
  @RequireRole('admin')
  @ApiConsumes('application/gzip', 'application/octet-stream')
  @ApiOperation({ summary: 'Upgrade to the npm tarball sent as the request body (`?acceptMajor=true` for a major version change).' })
  upgradeUpload(@Param('name') name: string, @Query('acceptMajor') acceptMajor: string | undefined, @Req() request: IncomingMessage): Promise<UpgradeResult> {
    return receiveTarball(request, (tarball) => this.registry.upgrade(name, { kind: 'tarball', path: tarball }, acceptMajor === 'true'));
  }

  @Patch(':name')
  @RequireRole('admin')
  @ApiOperation({ summary: 'Enable/disable a plugin or replace its settings.' })
  @ApiOkResponse({ type: PluginView })
  async update(@Param('name') name: string, @Body() body: UpdatePluginBody): Promise<PluginView> {
    return this.view(await this.registry.update(name, body));
  }

  @Delete(':name')
  @RequireRole('admin')
  @ApiOperation({ summary: 'Remove a plugin from every node; the answer lists agents that still call its helpers.' })
  remove(@Param('name') name: string): Promise<RemoveResult> {
    return this.registry.remove(name);
  }

  private view(plugin: PluginDetails): PluginView {
    const status = this.hubHost.host.statuses().find((s) => s.name === plugin.name);
    const manifest = plugin.package?.manifest;
    return {
      name: plugin.name,
      version: plugin.version,
      enabled: plugin.enabled,
      settings: plugin.settings,
      installedAt: plugin.installedAt.toISOString(),
      updatedAt: plugin.updatedAt.toISOString(),
      displayName: manifest?.displayName,
      description: plugin.package?.description,
      helpers: (manifest?.helpers ?? []).map((h) => ({
        name: h.name,
        description: h.description,
        parameters: h.parameters.map((p) => p.name),
        delivery: h.delivery ?? 'await',
        idempotent: h.idempotent === true,
      })),
      ...(plugin.problem ? { problem: plugin.problem } : {}),
      ...(status ? { hub: { state: status.state, ...(status.error ? { error: status.error } : {}) } } : {}),
    };
  }
}

/** Streams the request body (a tarball, at most MAX_UPLOAD_BYTES) to a temporary file for `use`, then removes it. */
async function receiveTarball<T>(request: IncomingMessage, use: (tarball: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'wirehook-plugin-upload-'));
  try {
    const file = join(dir, 'plugin.tgz');
    let received = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        done(received > MAX_UPLOAD_BYTES ? new PluginRequestError(HttpStatus.PAYLOAD_TOO_LARGE, `tarball over ${MAX_UPLOAD_BYTES} bytes`) : null, chunk);
      },
    });
    await pipeline(request, limit, createWriteStream(file));
    if (received === 0) throw new PluginRequestError(HttpStatus.BAD_REQUEST, 'send the tarball as the request body (Content-Type: application/gzip)');
    return await use(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function toSource(body: PluginSourceBody): PluginSource {
  const given = [body.folder, body.tarball, body.package].filter((v) => v !== undefined);
  if (given.length !== 1) throw new PluginRequestError(HttpStatus.BAD_REQUEST, 'give exactly one of folder, tarball, package');
  if (body.folder !== undefined) return { kind: 'folder', path: body.folder };
  if (body.tarball !== undefined) return { kind: 'tarball', path: body.tarball };
  return { kind: 'registry', spec: body.package as string };
}
