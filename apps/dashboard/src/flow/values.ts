import type { JsonValue } from '@wirehook/flow';

/**
 * How a `value` parameter is typed into a text box: JSON when the text is a number, boolean, null,
 * an object or a list (`500`, `true`, `{"path": "{{data.request.path}}"}`), otherwise the text itself
 * (a template such as `{{data}}` or plain words).
 */
export function parseValueText(text: string): JsonValue {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  if (/^(-?\d|true$|false$|null$|\{|\[)/.test(trimmed)) {
    try {
      return JSON.parse(trimmed) as JsonValue;
    } catch {
      return text;
    }
  }
  return text;
}

/** The text box's text for a value: strings as they are, everything else as JSON. */
export function valueText(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return value === null ? 'null' : '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
