import type { Es5Diagnostic } from '../api/types';

export interface TextRange {
  from: number;
  to: number;
}

/**
 * Where an ES5 diagnostic (1-based line and column) sits in the text: from its column to the end of
 * the word (or at least one character) on that line, clamped into the document so a stale
 * diagnostic for a shorter text never points outside it.
 */
export function diagnosticRange(text: string, diagnostic: Pick<Es5Diagnostic, 'line' | 'column'>): TextRange {
  const lines = text.split('\n');
  const lineIndex = Math.min(Math.max(diagnostic.line, 1), lines.length) - 1;
  let lineStart = 0;
  for (let i = 0; i < lineIndex; i++) lineStart += lines[i].length + 1;
  const line = lines[lineIndex];
  const column = Math.min(Math.max(diagnostic.column, 1), line.length + 1) - 1;
  const from = lineStart + column;
  const word = /^[\w$]+/.exec(line.slice(column));
  const length = word ? word[0].length : Math.min(1, line.length - column);
  return { from, to: from + Math.max(length, 0) };
}

/** The message without the `file.js:3:9: ` prefix the hub puts in front. */
export function diagnosticText(message: string): string {
  return message.replace(/^[^:\n]*:\d+:\d+:\s*/, '');
}
