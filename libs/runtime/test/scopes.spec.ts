import { agent, makeHost, settle, type TestHost } from './support';

describe('scopes', () => {
  let t: TestHost;
  beforeEach(() => {
    t = makeHost();
  });
  afterEach(() => t.close());

  it('top-level vars and functions are private to each agent, even with the same names', async () => {
    const source = (name: string, step: number) => `// ${name}
var count = 0;
var label = '${name}';
function bump() { count += ${step}; }
function onItemCaptured(data) { bump(); }
function onHubAction() { console.log(label, count, typeof bump); }`;
    await t.runtime.load(agent('one.js', source('One', 1)));
    await t.runtime.load(agent('two.js', source('Two', 10)));
    await t.runtime.onItemsCaptured([{ id: 'a' }, { id: 'b' }] as never);
    await t.runtime.onHubAction('report', null);
    await settle();
    expect(t.console('One')).toEqual(['One 2 function']);
    expect(t.console('Two')).toEqual(['Two 20 function']);
    expect(t.runtime.sharedGlobals()).toEqual({});
  });

  it('function scope is ordinary: locals do not leak', async () => {
    await t.runtime.load(agent('fn.js', `// Fn
function f() { var local = 1; return local; }
f();
console.log(typeof local, (function () { var x = 2; return x; })());`));
    await settle();
    expect(t.console('Fn')).toEqual(['undefined 2']);
  });

  it('a value set on `this` (or on the global object) by one agent is read by the other', async () => {
    await t.runtime.load(agent('writer.js', `// Writer
this.config = { threshold: 500, names: ['a'] };
function onItemCaptured(data) { this.lastSeen = data.id; config.names.push(data.id); implicitGlobal = 'set without var'; }
this.notShared = function () {};`));
    await t.runtime.load(agent('reader.js', `// Reader
console.log('at load', this.config.threshold, config.names.join(','), typeof notShared);
function onHubAction() { console.log('later', this.lastSeen, config.names.join(','), implicitGlobal, typeof notShared); }`));
    await t.runtime.onItemsCaptured([{ id: 'x1' }, { id: 'x2' }] as never);
    await t.runtime.onHubAction('report', null);
    await settle();
    expect(t.console('Reader')).toEqual(['at load 500 a undefined', 'later x2 a,x1,x2 set without var undefined']);
    expect(t.runtime.sharedGlobals()).toEqual({ config: { threshold: 500, names: ['a', 'x1', 'x2'] }, lastSeen: 'x2', implicitGlobal: 'set without var' });
  });

  it('deleting a shared property removes it for the others; built-ins and helpers are never shared', async () => {
    await t.runtime.load(agent('a.js', `// A
this.temp = 1;
Object.defineProperty(this, 'JSON', { value: { evil: true }, enumerable: true, configurable: true, writable: true });
this.console = { log: function () {} };
function onHubAction(action) { if (action === 'delete') delete this.temp; }`));
    await t.runtime.load(agent('b.js', `// B
function onHubAction(action) { if (action === 'check') console.log(typeof temp, typeof JSON.stringify, typeof console.log); }`));
    await t.runtime.onHubAction('delete', null);
    await t.runtime.onHubAction('check', null);
    await settle();
    expect(t.console('B')).toEqual(['undefined function function']);
  });
});
