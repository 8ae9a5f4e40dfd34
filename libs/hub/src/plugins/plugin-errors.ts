import { Catch, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { IncompatiblePluginError, ManifestError, PluginDependencyError, PluginLoadError, PluginSourceError, SettingsError } from '@wirehook/plugin-sdk';
import { NotFoundError } from '@wirehook/storage';
import type { UpgradePreflight } from './plugin-preflight';

/** A plugin request refused for a reason the caller can act on; the body says which. */
export class PluginRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'PluginRequestError';
  }
}

/** An upgrade across a major version without `acceptMajor`: nothing was changed; the preflight says what uses it. */
export class MajorUpgradeError extends PluginRequestError {
  constructor(preflight: UpgradePreflight) {
    super(HttpStatus.CONFLICT, `${preflight.name} ${preflight.from} → ${preflight.to} is a major version change; repeat with acceptMajor after checking the agents and flows listed`, { preflight });
  }
}

/**
 * Plugin errors as HTTP answers with every reason: a package that is not a valid plugin, is
 * incompatible, lacks dependencies or does not load → 422 (`problems`); bad settings → 400;
 * conflicts → 409; unknown plugin → 404; a source that cannot be read (no such file, npm failed) → 400;
 * anything else → 500.
 */
@Catch()
export class PluginErrorFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<ServerResponse>();
    const { status, body } = toAnswer(error);
    response.statusCode = status;
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.end(JSON.stringify(body));
  }
}

function toAnswer(error: unknown): { status: number; body: Record<string, unknown> } {
  const answer = (status: number, message: string, details: Record<string, unknown> = {}) => ({
    status,
    body: { statusCode: status, error: HttpStatus[status] ?? 'Error', message, ...details },
  });
  if (error instanceof PluginRequestError) return answer(error.status, error.message, error.details);
  if (error instanceof IncompatiblePluginError) return answer(422, error.message, { reason: 'incompatible', problems: error.problems });
  if (error instanceof ManifestError) return answer(422, error.message, { reason: 'manifest', problems: error.problems });
  if (error instanceof PluginDependencyError) return answer(422, error.message, { reason: 'dependencies', problems: error.missing });
  if (error instanceof PluginLoadError) return answer(422, error.message, { reason: 'load', problems: error.problems });
  if (error instanceof SettingsError) return answer(400, error.message, { reason: 'settings', problems: error.problems });
  if (error instanceof PluginSourceError) return answer(400, error.message, { reason: 'source' });
  if (error instanceof NotFoundError) return answer(404, error.message, { kind: error.kind, key: error.key });
  const status = (error as { getStatus?: () => number }).getStatus?.();
  if (typeof status === 'number') {
    const response = (error as { getResponse: () => unknown }).getResponse();
    return { status, body: typeof response === 'object' && response !== null ? (response as Record<string, unknown>) : { statusCode: status, message: String(response) } };
  }
  return answer(500, (error as Error).message ?? String(error));
}
