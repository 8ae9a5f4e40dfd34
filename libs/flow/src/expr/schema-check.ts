import type { JsonSchema } from '../catalog/types';
import type { JsonValue } from '../model/graph';

function typeOf(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function fits(value: JsonValue, type: string): boolean {
  const actual = typeOf(value);
  if (type === 'integer') return typeof value === 'number' && Number.isInteger(value);
  return actual === type;
}

/**
 * The first-level checks of a helper argument's JSON Schema (`type`, `enum`) on a literal value,
 * so that a wrong literal is shown on the node before the flow runs. Values built by templates are
 * known only per event and are checked by the plugin when called. Null when the value fits.
 */
export function schemaMismatch(value: JsonValue, schema: JsonSchema): string | null {
  const types = typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? schema.type.filter((t): t is string => typeof t === 'string') : [];
  if (types.length > 0 && !types.some((t) => fits(value, t))) return `must be ${types.join(' or ')}, not ${typeOf(value)}`;
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    return `must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`;
  }
  return null;
}
