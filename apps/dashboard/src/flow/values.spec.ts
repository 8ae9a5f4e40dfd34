import { nodeIdFor } from './model';
import { parseValueText, valueText } from './values';

describe('parameter values typed as text', () => {
  it('reads numbers, booleans, null, objects and lists as JSON and anything else as text', () => {
    expect(parseValueText('500')).toBe(500);
    expect(parseValueText('-1.5')).toBe(-1.5);
    expect(parseValueText('true')).toBe(true);
    expect(parseValueText('null')).toBeNull();
    expect(parseValueText('{"path": "{{data.request.path}}"}')).toEqual({ path: '{{data.request.path}}' });
    expect(parseValueText('[1, 2]')).toEqual([1, 2]);
    expect(parseValueText('{{data}}')).toBe('{{data}}');
    expect(parseValueText('{not json')).toBe('{not json');
    expect(parseValueText('500 errors')).toBe('500 errors');
    expect(parseValueText('')).toBe('');
  });

  it('writes values back as the same text', () => {
    for (const text of ['500', 'true', '{"a":1}', '{{data}}', 'plain words']) expect(valueText(parseValueText(text))).toBe(text);
  });
});

describe('node ids', () => {
  it('are readable and unused', () => {
    expect(nodeIdFor('logic.filterField', new Set())).toBe('filterField1');
    expect(nodeIdFor('action.console.log', new Set(['log1', 'log2']))).toBe('log3');
    expect(nodeIdFor('action.vendor.kinesis.put', new Set())).toBe('put1');
    expect(nodeIdFor('plugin.webhook.request', new Set())).toBe('request1');
  });
});
