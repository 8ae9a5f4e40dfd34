import { parsePath, type PathSegment } from '../expr/path';
import { parseTemplate, singlePlaceholder, type TemplatePart } from '../expr/template';
import type { JsonValue } from '../model/graph';
import { jsObject, jsString, jsValue, memberAccess } from './js';
import type { SupportName } from './support';

/**
 * Turns paths, templates and template values into ES5 expressions over the node's input, which
 * the generated functions always call `data`. Records the support functions it relies on.
 */
export class ExpressionWriter {
  readonly used = new Set<SupportName>();

  /** Reads a path (already parsed) from `base`. */
  read(base: string, path: PathSegment[]): string {
    if (path.length === 0) return base;
    this.used.add('flow_get');
    return `flow_get(${base}, [${path.map((s) => (typeof s === 'number' ? String(s) : jsString(s))).join(', ')}])`;
  }

  /** Reads a path given as text (a node parameter) from `data`. */
  field(pathText: string): string {
    return this.read('data', parsePath(pathText));
  }

  private placeholder(part: Extract<TemplatePart, { kind: 'field' }>): string {
    if (part.root === 'env') return memberAccess(['env', String(part.path[0])]);
    return this.read('data', part.path);
  }

  /** A template as a string expression. */
  text(template: string): string {
    const parts = parseTemplate(template);
    if (parts.length === 0) return '""';
    return parts
      .map((part) => {
        if (part.kind === 'text') return jsString(part.text);
        this.used.add('flow_text');
        return `flow_text(${this.placeholder(part)})`;
      })
      .join(' + ');
  }

  /** A template value: exactly one placeholder keeps the value's type, other strings are templates, the rest literal. */
  value(value: JsonValue): string {
    if (typeof value === 'string') {
      const single = singlePlaceholder(value);
      if (single) return this.placeholder(single);
      return this.text(value);
    }
    if (Array.isArray(value)) return `[${value.map((v) => this.value(v)).join(', ')}]`;
    if (value !== null && typeof value === 'object') return jsObject(Object.entries(value).map(([k, v]) => [k, this.value(v)]));
    return jsValue(value);
  }

  /** An object from {name, value} entries (the template node's fields, metric labels). */
  object(entries: Array<{ name: string; value: JsonValue }>, asText = false): string {
    return jsObject(entries.map((e) => [e.name, asText && typeof e.value === 'string' ? this.text(e.value) : this.value(e.value)]));
  }

  use(name: SupportName): void {
    this.used.add(name);
  }
}
