// The import rules, decided without a cluster: what an edit, a new key or a removed key does,
// and what happens when both sides changed since the last write.
import { INDEX_KEY, mirrorData, planImport, type MirroredAgent } from '../src';

const accept = (): undefined => undefined;

function agent(id: string, title: string, source: string, revision = 1, active = true): MirroredAgent {
  return { id, title, source, revision, active };
}

const A = agent('id-a', 'Alpha', '// Alpha\nvar a;\n');
const B = agent('id-b', 'Beta', '// Beta\nvar b;\n');

/** The data the mirror writes for these agents: the "last sync" the plan compares against. */
function written(...agents: MirroredAgent[]): Record<string, string> {
  return mirrorData(agents, new Map());
}

test('a ConfigMap as written imports nothing', () => {
  const plan = planImport({ agents: [A, B], data: written(A, B), checkSource: accept });
  expect(plan.imports).toEqual([]);
  expect(plan.refusals).toEqual([]);
  expect(plan.keptKeys).toEqual(new Map([['id-a', 'alpha.js'], ['id-b', 'beta.js']]));
  expect(plan.indexProblem).toBeUndefined();
});

test('no ConfigMap: nothing to import', () => {
  expect(planImport({ agents: [A], data: undefined, checkSource: accept })).toEqual({ imports: [], refusals: [], keptKeys: new Map() });
});

test('a store change alone is not an import (it is exported)', () => {
  const data = written(A);
  const plan = planImport({ agents: [{ ...A, source: '// Alpha\nvar a2;\n', revision: 2 }], data, checkSource: accept });
  expect(plan.imports).toEqual([]);
  expect(plan.refusals).toEqual([]);
});

test('an edited key on the indexed revision is an update', () => {
  const data = { ...written(A, B), 'alpha.js': '// Alpha\nvar edited;\n' };
  const plan = planImport({ agents: [A, B], data, checkSource: accept });
  expect(plan.imports).toEqual([{ kind: 'update', key: 'alpha.js', agent: A, source: '// Alpha\nvar edited;\n' }]);
});

test('both changed: the edit is refused as a conflict (the database wins), for an edit and for a removal', () => {
  const data: Record<string, string> = { ...written(A, B), 'alpha.js': '// Alpha\nvar cm;\n' };
  delete data['beta.js'];
  const agents = [{ ...A, source: '// Alpha\nvar db;\n', revision: 2 }, { ...B, revision: 3 }];
  const plan = planImport({ agents, data, checkSource: accept });
  expect(plan.imports).toEqual([]);
  expect(plan.refusals.map((r) => [r.key, r.reason, r.configMapSource])).toEqual([
    ['beta.js', 'conflict', undefined],
    ['alpha.js', 'conflict', '// Alpha\nvar cm;\n'],
  ]);
  expect(plan.refusals[1].message).toContain('revision 1 → 2');
});

test('an edit of an agent deleted or deactivated in the database is a conflict', () => {
  const data = { ...written(A, B), 'alpha.js': '// Alpha\nx;\n', 'beta.js': '// Beta\ny;\n' };
  const plan = planImport({ agents: [{ ...B, active: false, revision: 2 }], data, checkSource: accept });
  expect(plan.refusals.map((r) => r.message)).toEqual([
    expect.stringContaining('agent "Alpha" was deleted in the database'),
    expect.stringContaining('agent "Beta" was deactivated in the database'),
  ]);
});

test('an edit equal to the store\'s current source is no conflict', () => {
  const data = { ...written(A), 'alpha.js': '// Alpha\nsame;\n' };
  const plan = planImport({ agents: [{ ...A, source: '// Alpha\nsame;\n', revision: 2 }], data, checkSource: accept });
  expect(plan.refusals).toEqual([]);
  expect(plan.imports).toEqual([]);
});

test('new keys: create, reactivate an inactive agent of that title, refuse a title already active', () => {
  const inactive = agent('id-c', 'Gamma', '// Gamma\nold;\n', 4, false);
  const data = { ...written(A), 'new.js': '// Delta\nd;\n', 'gamma.js': '// Gamma\nnew;\n', 'copy.js': '// Alpha\nother;\n', 'untitled.js': 'var x;\n' };
  const plan = planImport({ agents: [A, inactive], data, checkSource: accept });
  expect(plan.imports).toEqual([
    { kind: 'create', key: 'new.js', title: 'Delta', source: '// Delta\nd;\n' },
    { kind: 'reactivate', key: 'gamma.js', agent: inactive, source: '// Gamma\nnew;\n' },
    { kind: 'create', key: 'untitled.js', title: 'untitled', source: 'var x;\n' },
  ]);
  expect(plan.refusals.map((r) => [r.key, r.reason])).toEqual([['copy.js', 'duplicate-title']]);
  expect(plan.keptKeys.get('id-c')).toBe('gamma.js');
});

test('two new keys with the same title: the second is refused', () => {
  const data = { ...written(), 'one.js': '// Same\n1;\n', 'two.js': '// Same\n2;\n' };
  const plan = planImport({ agents: [], data, checkSource: accept });
  expect(plan.imports.map((i) => i.key)).toEqual(['one.js']);
  expect(plan.refusals.map((r) => [r.key, r.reason])).toEqual([['two.js', 'duplicate-title']]);
});

test('a removed key deactivates; the same source under a new key is a rename instead', () => {
  const removed = written(A, B);
  delete removed['alpha.js'];
  expect(planImport({ agents: [A, B], data: removed, checkSource: accept }).imports).toEqual([{ kind: 'deactivate', key: 'alpha.js', agent: A }]);

  const renamed = { ...removed, 'first.js': A.source };
  const plan = planImport({ agents: [A, B], data: renamed, checkSource: accept });
  expect(plan.imports).toEqual([{ kind: 'rename', key: 'first.js', fromKey: 'alpha.js', agent: A, source: A.source }]);
  expect(plan.keptKeys.get('id-a')).toBe('first.js');
});

test('checkSource refuses an invalid edit or new key with its reason', () => {
  const data = { ...written(A), 'alpha.js': '// Alpha\nlet x = 1;\n', 'new.js': '// New\nconst y = 2;\n' };
  const check = (source: string, key: string): string | undefined => (/\b(let|const)\b/.test(source) ? `${key}:2:1: let/const are not ES5` : undefined);
  const plan = planImport({ agents: [A], data, checkSource: check });
  expect(plan.imports).toEqual([]);
  expect(plan.refusals.map((r) => [r.key, r.reason])).toEqual([['alpha.js', 'invalid'], ['new.js', 'invalid']]);
  expect(plan.refusals[0].message).toContain('alpha.js:2:1: let/const are not ES5');
});

test('a lost or damaged index: every key is new; equal sources are adopted under their key', () => {
  for (const index of [undefined, 'not json', '{"format": 99}']) {
    const data: Record<string, string> = { 'a.js': A.source, 'b.js': '// Beta\nchanged;\n' };
    if (index !== undefined) data[INDEX_KEY] = index;
    const plan = planImport({ agents: [A, B], data, checkSource: accept });
    expect(plan.indexProblem).toBeDefined();
    expect(plan.imports).toEqual([]);
    expect(plan.keptKeys).toEqual(new Map([['id-a', 'a.js']]));
    expect(plan.refusals.map((r) => [r.key, r.reason])).toEqual([['b.js', 'duplicate-title']]);
  }
});

test('keys that are not .js files are neither imported nor removed by the export', () => {
  const data = { ...written(A), 'README.md': 'hello' };
  expect(planImport({ agents: [A], data, checkSource: accept }).imports).toEqual([]);
  expect(mirrorData([A], new Map([['id-a', 'alpha.js']]), data)['README.md']).toBe('hello');
});
