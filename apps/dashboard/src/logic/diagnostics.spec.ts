import { checkEs5 } from '@wirehook/runtime';
import { diagnosticRange, diagnosticText } from './diagnostics';

describe('ES5 diagnostics in the editor', () => {
  it('points at the line and column the hub reports', () => {
    const source = ['// Arrow', 'var a = 1;', 'var f = (x) => x + a;', ''].join('\n');
    const [diagnostic] = checkEs5(source, 'arrow.js');
    expect(diagnostic.line).toBe(3);
    const range = diagnosticRange(source, diagnostic);
    const lineStart = source.indexOf('var f');
    expect(range.from).toBe(lineStart + diagnostic.column - 1);
    expect(range.to).toBeGreaterThan(range.from);
    expect(diagnosticText(diagnostic.message)).not.toMatch(/^arrow\.js:/);
  });

  it('marks a whole word and stays inside the text for stale positions', () => {
    const text = 'let x = 1;\nvar y;';
    expect(diagnosticRange(text, { line: 1, column: 1 })).toEqual({ from: 0, to: 3 });
    expect(diagnosticRange(text, { line: 9, column: 40 })).toEqual({ from: text.length, to: text.length });
    expect(diagnosticRange(text, { line: 2, column: 7 })).toEqual({ from: 17, to: 17 });
  });
});
