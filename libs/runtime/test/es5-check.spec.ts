import { agentTitle, checkEs5 } from '../src';

describe('checkEs5', () => {
  it('accepts ES5', () => {
    expect(checkEs5('var a = 1;\nfunction f(x) { return { get y() { return x; } }; }\nthis.z = [1, 2].map(function (v) { return v * 2; });', 'ok.js')).toEqual([]);
  });

  it.each([
    ['var f = (x) => x;', 1, 9, 'arrow functions are not ES5'],
    ['var a = 1;\nlet b = 2;', 2, 1, "'let' is not ES5 (use var)"],
    ['var a = 1;\n\n  const b = 2;', 3, 3, "'const' is not ES5 (use var)"],
    ['class A {}', 1, 1, 'classes are not ES5'],
    ['var s = `x${1}`;', 1, 9, 'template literals are not ES5'],
    ['var o = { a };', 1, 11, 'shorthand, method or computed object properties are not ES5'],
    ['function f(a = 1) {}', 1, 12, 'default parameter values are not ES5'],
    ['var x = a?.b;', 1, 9, 'optional chaining (?.) is not ES5'],
    ['async function f() {}', 1, 1, 'async functions are not ES5'],
    ['for (var x of [1]) {}', 1, 1, 'for…of is not ES5'],
  ])('rejects %s at line %i column %i', (source, line, column, reason) => {
    const [diagnostic] = checkEs5(source, 'agent.js');
    expect(diagnostic).toEqual({ line, column, message: `agent.js:${line}:${column}: ${reason}` });
  });

  it('reports plain syntax errors with acorn’s reason', () => {
    const [diagnostic] = checkEs5('var a = ;', 'broken.js');
    expect(diagnostic.line).toBe(1);
    expect(diagnostic.column).toBe(9);
    expect(diagnostic.message).toBe('broken.js:1:9: Unexpected token');
  });

  it('rejects top-level return and module syntax', () => {
    expect(checkEs5('return 1;', 'a.js')[0].message).toContain("'return' outside of function");
    expect(checkEs5("import x from 'y';", 'a.js')[0].message).toMatch(/import|module/);
  });
});

describe('agentTitle', () => {
  it.each([
    ['// Slack on 5xx\nvar a;', 'Slack on 5xx'],
    ['\n\n   //   Count DNS  \nvar a;', 'Count DNS'],
    ['/* Block title\n more */ var a;', 'Block title'],
    ['/**\n * Doc title\n */\nvar a;', 'Doc title'],
    ['var a; // not first', 'my-agent'],
    ['//\nvar a;', 'my-agent'],
  ])('%j → %s', (source, title) => {
    expect(agentTitle(source, 'scripts/my-agent.js')).toBe(title);
  });
});
