import { isValidSubject, SubjectPattern } from '../src';

describe('subject matching (NATS semantics)', () => {
  it.each([
    ['wirehook.items.node1.http', 'wirehook.items.node1.http', true],
    ['wirehook.items.*.http', 'wirehook.items.node1.http', true],
    ['wirehook.items.*.http', 'wirehook.items.node1.dns', false],
    ['wirehook.items.>', 'wirehook.items.node1.http', true],
    ['wirehook.items.>', 'wirehook.items', false],
    ['wirehook.*', 'wirehook.items.node1', false],
    ['wirehook.*.*.status', 'wirehook.workers.n1.status', true],
    ['>', 'anything.at.all', true],
  ])('%s matches %s: %s', (pattern, subject, expected) => {
    expect(new SubjectPattern(pattern).matches(subject)).toBe(expected);
  });

  it('validates subjects', () => {
    expect(isValidSubject('a.b.c', false)).toBe(true);
    expect(isValidSubject('a.*.c', false)).toBe(false);
    expect(isValidSubject('a.*.c', true)).toBe(true);
    expect(isValidSubject('a.>.c', true)).toBe(false);
    expect(isValidSubject('a..c', true)).toBe(false);
    expect(isValidSubject('a b', true)).toBe(false);
    expect(isValidSubject('', true)).toBe(false);
  });
});
