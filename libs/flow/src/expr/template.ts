/**
 * Templates: text with placeholders, `{{data.request.path}}` (a path into the node's input) and
 * `{{env.NAME}}` (a value from `scripting.env`). `{{data}}` is the input itself. A quoted string
 * inside the braces is literal text, so `{{"{{"}}` writes two braces.
 */
import type { JsonValue } from '../model/graph';
import { parsePath, PathSyntaxError, readQuoted, type PathSegment } from './path';

export const TEMPLATE_ROOTS = ['data', 'env'] as const;
export type TemplateRoot = (typeof TEMPLATE_ROOTS)[number];

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'field'; root: TemplateRoot; path: PathSegment[]; source: string };

export class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    /** 1-based column in the template text. */
    readonly column: number,
  ) {
    super(message);
    this.name = 'TemplateSyntaxError';
  }
}

function placeholder(inner: string, column: number): TemplatePart {
  const text = inner.trim();
  const offset = column + inner.indexOf(text.charAt(0));
  if (text === '') throw new TemplateSyntaxError(`empty placeholder {{}} at column ${column - 2}`, column - 2);
  if (text[0] === '"' || text[0] === "'") {
    try {
      const quoted = readQuoted(text, 0);
      if (quoted.end !== text.length) throw new TemplateSyntaxError(`unexpected text after the string in {{${inner}}} at column ${offset + quoted.end}`, offset + quoted.end);
      return { kind: 'text', text: quoted.value };
    } catch (error) {
      if (error instanceof PathSyntaxError) throw new TemplateSyntaxError(`${error.message} in {{${inner}}}`, offset + error.column - 1);
      throw error;
    }
  }
  let segments: PathSegment[];
  try {
    segments = parsePath(text);
  } catch (error) {
    if (error instanceof PathSyntaxError) throw new TemplateSyntaxError(`${error.message.replace(/ at column \d+$/, '')} in {{${inner}}} at column ${offset + error.column - 1}`, offset + error.column - 1);
    throw error;
  }
  const root = segments[0];
  if (root !== 'data' && root !== 'env') {
    throw new TemplateSyntaxError(`{{${text}}} must start with data (the input) or env (scripting.env), at column ${offset}`, offset);
  }
  if (root === 'env' && (segments.length !== 2 || typeof segments[1] !== 'string')) {
    throw new TemplateSyntaxError(`{{${text}}}: write env.NAME, at column ${offset}`, offset);
  }
  return { kind: 'field', root, path: segments.slice(1), source: text };
}

/** Splits a template into text and placeholders; throws TemplateSyntaxError with the column. */
export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{{', i);
    if (open === -1) {
      text += template.slice(i);
      break;
    }
    text += template.slice(i, open);
    const close = findClose(template, open + 2);
    if (close === -1) throw new TemplateSyntaxError(`"{{" at column ${open + 1} is not closed by "}}"`, open + 1);
    const part = placeholder(template.slice(open + 2, close), open + 3);
    if (part.kind === 'text') text += part.text;
    else {
      if (text !== '') parts.push({ kind: 'text', text });
      text = '';
      parts.push(part);
    }
    i = close + 2;
  }
  if (text !== '') parts.push({ kind: 'text', text });
  return parts;
}

/** Index of the `}}` closing a placeholder opened before `from`, skipping quoted strings. */
function findClose(template: string, from: number): number {
  let i = from;
  while (i < template.length) {
    const c = template[i];
    if (c === '"' || c === "'") {
      i++;
      while (i < template.length && template[i] !== c) i += template[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '}' && template[i + 1] === '}') {
      return i;
    } else {
      i++;
    }
  }
  return -1;
}

/** True when a string holds a placeholder (is evaluated per event rather than used as it is). */
export function isTemplated(text: string): boolean {
  try {
    return parseTemplate(text).some((p) => p.kind === 'field');
  } catch {
    return true;
  }
}

/** Problems of every template string inside a JSON value, with where they are (`body.text`). */
export function valueTemplateErrors(value: JsonValue, where = ''): Array<{ where: string; error: TemplateSyntaxError }> {
  const out: Array<{ where: string; error: TemplateSyntaxError }> = [];
  const visit = (v: JsonValue, at: string) => {
    if (typeof v === 'string') {
      try {
        parseTemplate(v);
      } catch (error) {
        if (error instanceof TemplateSyntaxError) out.push({ where: at, error });
        else throw error;
      }
    } else if (Array.isArray(v)) {
      v.forEach((e, i) => visit(e, `${at}[${i}]`));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, e] of Object.entries(v)) visit(e, at === '' ? k : `${at}.${k}`);
    }
  };
  visit(value, where);
  return out;
}

/** The text a template stands for when it has no field placeholder (`{{"{{"}}` is two braces), else null. */
export function literalText(template: string): string | null {
  try {
    const parts = parseTemplate(template);
    return parts.every((p) => p.kind === 'text') ? parts.map((p) => (p.kind === 'text' ? p.text : '')).join('') : null;
  } catch {
    return null;
  }
}

/** The placeholder when a string is exactly one (`{{data.body}}`): such a value keeps its type. */
export function singlePlaceholder(text: string): Extract<TemplatePart, { kind: 'field' }> | null {
  if (!/^\{\{[^]*\}\}$/.test(text)) return null;
  try {
    const parts = parseTemplate(text);
    return parts.length === 1 && parts[0].kind === 'field' ? parts[0] : null;
  } catch {
    return null;
  }
}
