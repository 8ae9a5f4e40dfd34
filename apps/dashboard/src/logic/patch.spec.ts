import { createTwoFilesPatch } from 'diff';
import { parsePatch, patchStats } from './patch';

describe('parsePatch', () => {
  it('reads a unified diff as the hub makes it, with line numbers on both sides', () => {
    const before = ['// Agent', 'function onItemCaptured(data) {', "  console.log('a');", '}', ''].join('\n');
    const after = ['// Agent', 'function onItemCaptured(data) {', "  console.log('b');", "  console.log('c');", '}', ''].join('\n');
    const lines = parsePatch(createTwoFilesPatch('agent.js@1', 'agent.js@2', before, after));
    expect(lines.filter((l) => l.kind === 'header').map((l) => l.text)).toEqual(expect.arrayContaining([expect.stringContaining('agent.js@1')]));
    expect(lines.filter((l) => l.kind === 'removed')).toEqual([{ kind: 'removed', text: "  console.log('a');", oldLine: 3 }]);
    expect(lines.filter((l) => l.kind === 'added')).toEqual([
      { kind: 'added', text: "  console.log('b');", newLine: 3 },
      { kind: 'added', text: "  console.log('c');", newLine: 4 },
    ]);
    expect(lines.find((l) => l.kind === 'context' && l.text === '}')).toMatchObject({ oldLine: 4, newLine: 5 });
    expect(patchStats(lines)).toEqual({ added: 2, removed: 1 });
  });

  it('has no changed lines for identical sources', () => {
    const lines = parsePatch(createTwoFilesPatch('a', 'b', 'x\n', 'x\n'));
    expect(lines.every((l) => l.kind === 'header')).toBe(true);
  });
});
