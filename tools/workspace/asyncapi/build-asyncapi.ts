import { join } from 'node:path';
import { createGenerator, type Definition } from 'ts-json-schema-generator';
import { stringify } from 'yaml';
import { SUBJECT_CATALOG, type SubjectSpec } from '@wirehook/contracts';

const root = join(__dirname, '..', '..', '..');
export const ASYNCAPI_PATH = join(root, 'docs', 'asyncapi.yaml');

type JsonSchema = Definition;

/** JSON Schemas of the payload types, straight from the TypeScript types in libs/contracts. */
export function payloadSchemas(typeNames: string[]): Record<string, JsonSchema> {
  const generator = createGenerator({
    path: join(root, 'libs', 'contracts', 'src', 'index.ts'),
    tsconfig: join(root, 'tsconfig.json'),
    skipTypeCheck: true,
    expose: 'export',
    topRef: false,
    additionalProperties: true,
    jsDoc: 'basic',
  });
  const schemas: Record<string, JsonSchema> = {};
  for (const name of typeNames) {
    const schema = generator.createSchema(name);
    const { definitions, ...top } = schema as JsonSchema & { definitions?: Record<string, JsonSchema> };
    schemas[name] = top;
    for (const [defName, def] of Object.entries(definitions ?? {})) schemas[defName] = def;
  }
  // AsyncAPI keeps reusable schemas under components.schemas.
  return JSON.parse(JSON.stringify(schemas).replace(/#\/definitions\//g, '#/components/schemas/')) as Record<string, JsonSchema>;
}

export function buildAsyncApiDocument(version: string): Record<string, unknown> {
  const typeNames = [...new Set(SUBJECT_CATALOG.flatMap((s) => [s.payload, ...(s.reply ? [s.reply] : [])]))];
  const schemas = payloadSchemas(typeNames);
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};

  for (const spec of SUBJECT_CATALOG) {
    messages[spec.payload] ??= message(spec.payload, spec.example);
    if (spec.reply) messages[spec.reply] ??= message(spec.reply);
    channels[spec.id] = {
      address: spec.address,
      description: `${spec.description}\n\nFrom: ${spec.from}. To: ${spec.to}. Delivery: ${spec.delivery}.`,
      ...(Object.keys(spec.parameters).length ? { parameters: mapValues(spec.parameters, (d) => ({ description: d })) } : {}),
      messages: { [spec.payload]: { $ref: `#/components/messages/${spec.payload}` } },
      'x-wirehook-from': spec.from,
      'x-wirehook-to': spec.to,
      'x-wirehook-delivery': spec.delivery,
    };
    if (spec.reply) {
      channels[`${spec.id}Reply`] = {
        address: null,
        description: `Reply to ${spec.address} (NATS inbox of the requester).`,
        messages: { [spec.reply]: { $ref: `#/components/messages/${spec.reply}` } },
      };
    }
    operations[`send${spec.id[0].toUpperCase()}${spec.id.slice(1)}`] = operation(spec);
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Wirehook bus',
      version,
      description:
        'Every NATS subject Wirehook hub and workers use. Payloads are plain JSON with a schema version `v`; ' +
        'no framework envelope. Generated from libs/contracts by `npm run docs:asyncapi`; do not edit by hand.',
    },
    defaultContentType: 'application/json',
    servers: { nats: { host: '127.0.0.1:4222', protocol: 'nats', description: 'The NATS server given as nats.url (NATS_URL).' } },
    channels,
    operations,
    components: { messages, schemas },
  };
}

function operation(spec: SubjectSpec): Record<string, unknown> {
  return {
    action: 'send',
    channel: { $ref: `#/channels/${spec.id}` },
    summary: `${spec.from} → ${spec.to}`,
    ...(spec.reply ? { reply: { channel: { $ref: `#/channels/${spec.id}Reply` } } } : {}),
  };
}

function message(name: string, example?: unknown): Record<string, unknown> {
  return { name, payload: { $ref: `#/components/schemas/${name}` }, ...(example !== undefined ? { examples: [{ payload: example }] } : {}) };
}

function mapValues<T, U>(record: Record<string, T>, fn: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fn(v)]));
}

export function renderAsyncApi(version: string): string {
  return stringify(buildAsyncApiDocument(version), { lineWidth: 0, aliasDuplicateObjects: false });
}
