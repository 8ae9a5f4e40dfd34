import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

export const OPENAPI_UI_PATH = 'api/docs';
/** SwaggerModule serves the JSON next to the UI, at `<ui path>-json`. */
export const OPENAPI_JSON_PATH = '/api/docs-json';

export function buildOpenApiDocument(app: INestApplication, version: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Wirehook hub API')
    .setDescription(
      'Agents, revisions, examples, logs, jobs, workers and tokens. Every route needs `Authorization: Bearer <token>` ' +
        '(viewer to read, editor to write, admin for tokens) except /api/health, /metrics and these docs. ' +
        'Writes to an existing agent carry the revision they were based on (baseRevision or If-Match); a stale one gets 409.',
    )
    .setVersion(version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API token (whk_…); the hub prints an admin token at start.' })
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Serves the OpenAPI document: UI at /api/docs, JSON at /api/docs-json (no token needed: it holds no data). */
export function setupOpenApi(app: INestApplication, version: string): void {
  SwaggerModule.setup(OPENAPI_UI_PATH, app, () => buildOpenApiDocument(app, version), { jsonDocumentUrl: OPENAPI_JSON_PATH.slice(1) });
}
