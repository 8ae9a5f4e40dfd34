import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ValidationPipe, type INestApplication, type Provider, type Type } from '@nestjs/common';
import { APP_GUARD, APP_PIPE } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ApiAuthGuard } from '../auth/api-auth.guard';
import { TokenAuthenticator } from '../auth/token-authenticator.service';
import { AgentExamples } from './agent-examples';
import { AgentsController } from './agents.controller';
import { AgentsService } from './agents.service';
import { ExamplesController } from './examples.controller';
import { JobsController } from './jobs.controller';
import { LogStreamServer } from './log-stream.server';
import { LogsController } from './logs.controller';
import { NodeJobsService } from './node-jobs.service';
import { NodeStatsService } from './node-stats.service';
import { setupOpenApi } from './openapi';
import { SettingsController } from './settings.controller';
import { StatusController } from './status.controller';
import { TokensController } from './tokens.controller';

/** The REST API's controllers, for HubModule. */
export const API_CONTROLLERS: Type[] = [
  StatusController,
  AgentsController,
  ExamplesController,
  LogsController,
  JobsController,
  SettingsController,
  TokensController,
];

/**
 * The API's services, the token guard on every HTTP route (bus handlers pass through it untouched),
 * and request validation: unknown fields and wrong types are a 400 naming the field.
 */
export const API_PROVIDERS: Provider[] = [
  TokenAuthenticator,
  AgentsService,
  AgentExamples,
  NodeStatsService,
  NodeJobsService,
  LogStreamServer,
  { provide: APP_GUARD, useClass: ApiAuthGuard },
  {
    provide: APP_PIPE,
    useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: false }),
  },
];

/** Largest JSON body: an agent source of MAX_SOURCE_LENGTH characters with room for escaping. */
const JSON_BODY_LIMIT = '4mb';

/** What the API needs from the application before it listens: body size limit and the OpenAPI document. */
export function configureApi(app: INestApplication): void {
  (app as NestExpressApplication).useBodyParser('json', { limit: JSON_BODY_LIMIT });
  setupOpenApi(app, wirehookVersion());
}

function wirehookVersion(): string {
  try {
    // libs/hub/src/api → repository root
    const manifest = JSON.parse(readFileSync(resolve(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as { version?: string };
    return manifest.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
