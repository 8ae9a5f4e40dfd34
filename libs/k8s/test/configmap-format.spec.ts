// Keys from titles, the index text, and reading agents from ConfigMap data.
import { agentsFromConfigMapData, assignKeys, candidateKeys, fileStemOf, formatIndex, INDEX_KEY, mirrorData, parseIndex, sha256Of } from '../src';

test('file stems are lower-case ConfigMap-safe names of the title', () => {
  expect(fileStemOf('Slack on 5xx')).toBe('slack-on-5xx');
  expect(fileStemOf('Café → DNS (v2)!')).toBe('cafe-dns-v2');
  expect(fileStemOf('..hidden..')).toBe('hidden');
  expect(fileStemOf('日本語')).toBe('agent');
  expect(fileStemOf('x'.repeat(400))).toHaveLength(200);
  for (const key of candidateKeys('any title / with * odd chars')) expect(key).toMatch(/^[-._a-zA-Z0-9]{1,253}$/);
});

test('titles that give the same stem get distinct keys; a kept key stays with its agent', () => {
  const agents = [{ id: '1', title: 'slack on 5xx' }, { id: '2', title: 'Slack on 5xx' }];
  const fresh = assignKeys(agents, new Map());
  expect([...fresh.keys()]).toEqual(['slack-on-5xx.js', `slack-on-5xx-${sha256Of('slack on 5xx').slice(0, 8)}.js`]);
  expect(fresh.get('slack-on-5xx.js')?.id).toBe('2'); // 'S' sorts before 's'

  const kept = assignKeys(agents, new Map([['1', 'slack-on-5xx.js']]));
  expect(kept.get('slack-on-5xx.js')?.id).toBe('1');
  expect(kept.get(`slack-on-5xx-${sha256Of('Slack on 5xx').slice(0, 8)}.js`)?.id).toBe('2');
});

test('the index is stable text and reads back', () => {
  const entries = new Map([
    ['b.js', { id: '2', title: 'B', revision: 3, sha256: 'bb' }],
    ['a.js', { id: '1', title: 'A', revision: 1, sha256: 'aa' }],
  ]);
  const text = formatIndex(entries);
  expect(formatIndex(new Map([...entries].reverse()))).toBe(text);
  expect(text.indexOf('"a.js"')).toBeLessThan(text.indexOf('"b.js"'));
  expect(parseIndex(text)).toEqual({ entries: new Map([['a.js', entries.get('a.js')], ['b.js', entries.get('b.js')]]) });
  expect(parseIndex('{"format":1,"agents":{"x.js":{"id":1}}}').problem).toContain('"x.js"');
});

test('mirror data holds only active agents, and agentsFromConfigMapData reads them back', () => {
  const agents = [
    { id: 'a', title: 'A', source: '// A\n', revision: 2, active: true },
    { id: 'b', title: 'B', source: '// B\n', revision: 1, active: false },
  ];
  const data = mirrorData(agents, new Map());
  expect(Object.keys(data).sort()).toEqual(['a.js', INDEX_KEY]);
  expect(agentsFromConfigMapData(data)).toEqual([{ id: 'a', title: 'A', source: '// A\n', revision: 2 }]);
});
