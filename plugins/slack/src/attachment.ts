/** A Slack message attachment (the legacy format both Kubeshark helpers use). */
export interface SlackAttachment {
  pretext: string;
  text: string;
  color: string;
  fields?: Array<{ title: string; value: string; short: boolean }>;
}

export type FieldsArgument = Record<string, string | number | boolean | null> | Array<{ title: string; value: unknown; short?: boolean }>;

/** `{ Namespace: "shop" }` or `[{ title, value, short }]` → Slack's field list (values as text). */
export function toFields(fields: FieldsArgument | undefined): SlackAttachment['fields'] {
  if (fields === undefined) return undefined;
  if (Array.isArray(fields)) {
    return fields.map((f) => ({ title: f.title, value: typeof f.value === 'string' ? f.value : JSON.stringify(f.value), short: f.short ?? true }));
  }
  return Object.entries(fields).map(([title, value]) => ({ title, value: value === null ? '' : String(value), short: true }));
}
