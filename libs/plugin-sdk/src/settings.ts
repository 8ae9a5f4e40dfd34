import { compileSchema, createAjv, describeSchemaErrors } from './json-schema';
import { DEFAULT_DELIVERY, type DeliveryOptions, type PluginPackage } from './manifest';
import { deliveryOptionsSchema } from './manifest-schema';

/** A plugin's settings as its helpers see them, and its delivery tuning. */
export interface ResolvedSettings {
  /** Stored settings (without `delivery`) with the manifest schema's defaults filled in. */
  settings: Record<string, unknown>;
  delivery: DeliveryOptions;
}

export class SettingsError extends Error {
  constructor(
    readonly plugin: string,
    readonly problems: string[],
  ) {
    super(`${plugin}: invalid settings: ${problems.join('; ')}`);
    this.name = 'SettingsError';
  }
}

const deliveryAjv = createAjv();
const validateDelivery = deliveryAjv.compile(deliveryOptionsSchema());

/**
 * Checks stored settings against the manifest: the reserved key `delivery` against DeliveryOptions
 * (over the manifest's and the SDK's defaults), the rest against `wirehook.settings` (defaults filled
 * in). Throws SettingsError with every problem.
 */
export function resolveSettings(pkg: PluginPackage, stored: Record<string, unknown> = {}): ResolvedSettings {
  const { delivery: deliveryOverride, ...rest } = stored;
  const problems: string[] = [];
  if (deliveryOverride !== undefined && !validateDelivery(deliveryOverride)) {
    problems.push(...describeSchemaErrors(validateDelivery.errors, 'delivery'));
  }
  const settings = structuredClone(rest);
  const schema = pkg.manifest.settings;
  if (schema) {
    const validate = compileSchema(createAjv({ useDefaults: true }), schema, `${pkg.name} wirehook.settings`);
    if (!validate(settings)) problems.push(...describeSchemaErrors(validate.errors, 'settings'));
  } else if (Object.keys(settings).length > 0) {
    problems.push(`the plugin has no settings (got ${Object.keys(settings).join(', ')})`);
  }
  if (problems.length > 0) throw new SettingsError(pkg.name, problems);
  const delivery: DeliveryOptions = {
    ...DEFAULT_DELIVERY,
    ...pkg.manifest.delivery,
    ...(deliveryOverride as Partial<DeliveryOptions> | undefined),
  };
  return { settings, delivery };
}
