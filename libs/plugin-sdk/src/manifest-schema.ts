import type { JsonSchema } from './manifest';

/** Helper names as agents write them: `vendor.` then dotted identifiers. */
export const HELPER_NAME_PATTERN = '^vendor(\\.[A-Za-z_$][A-Za-z0-9_$]*)+$';

const identifier = { type: 'string', pattern: '^[A-Za-z_$][A-Za-z0-9_$]*$' };
const text = { type: 'string', minLength: 1 };
const positiveInt = { type: 'integer', minimum: 1 };
const nonNegativeInt = { type: 'integer', minimum: 0 };

const port = { type: 'object', required: ['name'], additionalProperties: false, properties: { name: identifier, label: text } };

/** JSON Schema of the `wirehook` key (PluginManifest); unknown keys are refused so a typo is reported. */
export const MANIFEST_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['apiVersion', 'host', 'helpers'],
  additionalProperties: false,
  properties: {
    apiVersion: positiveInt,
    host: text,
    displayName: text,
    description: text,
    helpers: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'description', 'parameters', 'returns'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', pattern: HELPER_NAME_PATTERN },
          export: text,
          description: text,
          parameters: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'schema'],
              additionalProperties: false,
              properties: {
                name: identifier,
                description: text,
                schema: { type: 'object' },
                optional: { type: 'boolean' },
                secret: { type: 'boolean' },
              },
            },
          },
          returns: {
            type: 'object',
            required: ['description'],
            additionalProperties: false,
            properties: { description: text, schema: { type: 'object' } },
          },
          delivery: { enum: ['await', 'queue'] },
          idempotent: { type: 'boolean' },
          examples: { type: 'array', items: text },
        },
      },
    },
    nodes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type', 'label', 'category', 'helper', 'parameters', 'ports'],
        additionalProperties: false,
        properties: {
          type: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$' },
          label: text,
          category: text,
          description: text,
          helper: { type: 'string', pattern: HELPER_NAME_PATTERN },
          parameters: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'label', 'type'],
              additionalProperties: false,
              properties: {
                name: identifier,
                label: text,
                type: { enum: ['string', 'number', 'boolean', 'json', 'select', 'secret', 'expression'] },
                required: { type: 'boolean' },
                default: {},
                options: {
                  type: 'array',
                  items: { type: 'object', required: ['value', 'label'], additionalProperties: false, properties: { value: { type: 'string' }, label: text } },
                },
                description: text,
              },
            },
          },
          ports: {
            type: 'object',
            required: ['inputs', 'outputs'],
            additionalProperties: false,
            properties: { inputs: { type: 'array', items: port }, outputs: { type: 'array', items: port } },
          },
        },
      },
    },
    env: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'description'],
        additionalProperties: false,
        properties: { name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }, description: text, required: { type: 'boolean' }, secret: { type: 'boolean' } },
      },
    },
    credentials: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'description', 'source', 'key'],
        additionalProperties: false,
        properties: { name: text, description: text, source: { enum: ['argument', 'setting', 'env'] }, key: text, helper: { type: 'string', pattern: HELPER_NAME_PATTERN } },
      },
    },
    settings: { type: 'object' },
    delivery: deliveryOptionsSchema(),
    examples: {
      type: 'array',
      items: { type: 'object', required: ['title', 'source'], additionalProperties: false, properties: { title: text, description: text, source: text } },
    },
  },
};

/** JSON Schema of (partial) DeliveryOptions, for the manifest and for the `delivery` setting. */
export function deliveryOptionsSchema(): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      concurrency: positiveInt,
      agentConcurrency: positiveInt,
      queueSize: positiveInt,
      agentQueueSize: positiveInt,
      timeoutMs: positiveInt,
      retries: nonNegativeInt,
      backoffMs: nonNegativeInt,
      maxBackoffMs: nonNegativeInt,
      deliveryTimeoutMs: positiveInt,
    },
  };
}
