import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { JsonSchema } from './manifest';

/**
 * One ajv instance per purpose: `strict` off because plugin authors write schemas for their own
 * parameters and may use annotations ajv does not know; `useDefaults` fills settings defaults.
 */
export function createAjv(options: { useDefaults?: boolean } = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: options.useDefaults ?? false });
  addFormats(ajv);
  return ajv;
}

/** Compiles a schema, naming the place in the error when the schema itself is invalid. */
export function compileSchema(ajv: Ajv, schema: JsonSchema, where: string): ValidateFunction {
  try {
    return ajv.compile(schema);
  } catch (error) {
    throw new Error(`${where}: invalid JSON Schema: ${(error as Error).message}`);
  }
}

/** ajv errors as short readable phrases: `/helpers/0/name must match pattern "…"`. */
export function describeSchemaErrors(errors: ErrorObject[] | null | undefined, root = ''): string[] {
  return (errors ?? []).map((error) => {
    const at = `${root}${error.instancePath}` || '(root)';
    if (error.keyword === 'additionalProperties') {
      return `${at} has unknown property "${(error.params as { additionalProperty: string }).additionalProperty}"`;
    }
    if (error.keyword === 'enum') {
      return `${at} must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    return `${at} ${error.message ?? 'is invalid'}`;
  });
}
