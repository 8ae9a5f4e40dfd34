import type Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import { compileSchema, createAjv, describeSchemaErrors } from './json-schema';
import type { HelperManifest } from './manifest';

export type ArgumentCheck = { ok: true; args: unknown[] } | { ok: false; problems: string[] };

/** Checks one call's positional arguments against a helper's parameters. */
export type ArgumentValidator = (args: unknown[]) => ArgumentCheck;

/**
 * Compiles a helper's parameter schemas once (at load). Arguments cross from the sandbox as JSON,
 * so an `undefined` argument arrives as null: a null optional argument counts as left out, and
 * trailing left-out arguments are dropped before the helper sees them.
 */
export function compileArgumentValidator(helper: HelperManifest, ajv: Ajv = createAjv()): ArgumentValidator {
  const checks: Array<{ name: string; optional: boolean; validate: ValidateFunction }> = helper.parameters.map((param, i) => ({
    name: param.name,
    optional: param.optional === true,
    validate: compileSchema(ajv, param.schema, `${helper.name} parameter ${i + 1} (${param.name})`),
  }));
  return (input) => {
    const args = [...input];
    while (args.length > 0) {
      const last = args.length - 1;
      const check = checks[last];
      if ((args[last] === null || args[last] === undefined) && (!check || check.optional)) args.pop();
      else break;
    }
    const problems: string[] = [];
    if (args.length > checks.length) problems.push(`takes at most ${checks.length} argument(s), got ${args.length}`);
    checks.forEach((check, i) => {
      const value = args[i];
      if (value === undefined || (value === null && check.optional)) {
        if (!check.optional) problems.push(`argument ${i + 1} (${check.name}) is required`);
        return;
      }
      if (!check.validate(value)) {
        problems.push(...describeSchemaErrors(check.validate.errors, `argument ${i + 1} (${check.name})`));
      }
    });
    return problems.length > 0 ? { ok: false, problems } : { ok: true, args };
  };
}
