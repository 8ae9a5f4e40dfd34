import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@wirehook/testing';
import { compileArgumentValidator, compatibilityProblems, findHelperUsages, isMajorChange, ManifestError, readPluginPackage, readPluginPackageDir, resolveSettings, SettingsError } from '../src';
import { ECHO_FIXTURE, echoPackageJson } from './support';

function problemsOf(pkg: unknown): string[] {
  try {
    readPluginPackage(pkg, 'package.json');
  } catch (error) {
    if (error instanceof ManifestError) return error.problems;
    throw error;
  }
  return [];
}

describe('the manifest (`wirehook` key of package.json)', () => {
  it('reads the four bundled plugins', () => {
    const helpers = ['webhook', 'slack', 'kinesis', 'influxdb'].flatMap((name) => readPluginPackageDir(join(repoRoot(), 'plugins', name)).manifest.helpers.map((h) => h.name));
    expect(helpers).toEqual(['vendor.webhook', 'vendor.slack', 'vendor.slackBot', 'vendor.kinesis.put', 'vendor.influxdb']);
  });

  it('reads what the host needs: entry, engine, dependencies', () => {
    const pkg = readPluginPackageDir(ECHO_FIXTURE);
    expect(pkg).toMatchObject({ name: '@acme/wirehook-echo', version: '1.2.0', main: 'index.js', nodeEngine: '>=18', dependencies: {}, bundled: [] });
  });

  it('refuses a package without a manifest, naming the file', () => {
    const { wirehook: _removed, ...plain } = echoPackageJson();
    expect(() => readPluginPackage(plain, '/x/package.json')).toThrow('/x/package.json: invalid plugin manifest: no "wirehook" key: not a Wirehook plugin');
  });

  it('reports every problem of a malformed manifest', () => {
    const pkg = echoPackageJson();
    pkg.version = 'one';
    pkg.wirehook.hots = '>=0.1.0';
    (pkg.wirehook.helpers[0] as { name: string }).name = 'echo';
    expect(problemsOf(pkg)).toEqual([
      '"version" must be a semver version (got "one")',
      'wirehook has unknown property "hots"',
      'wirehook/helpers/0/name must match pattern "^vendor(\\.[A-Za-z_$][A-Za-z0-9_$]*)+$"',
    ]);
  });

  it('checks what a schema cannot: parameter order, clashes, nodes, credentials, ranges', () => {
    const pkg = echoPackageJson();
    const [echo, fail] = pkg.wirehook.helpers as Array<{ name: string; parameters: Array<{ name: string; optional?: boolean; secret?: boolean }> }>;
    echo.parameters = [{ ...echo.parameters[1] }, { ...echo.parameters[0] }];
    fail.name = 'vendor.echo.fail';
    pkg.wirehook.host = 'whenever';
    pkg.wirehook.nodes = [
      { type: 'echo', label: 'Echo', category: 'debug', helper: 'vendor.nothing', parameters: [], ports: { inputs: [], outputs: [] } },
      { type: 'echo2', label: 'Echo', category: 'debug', helper: 'vendor.echo', parameters: [{ name: 'colour', label: 'Colour', type: 'string' }], ports: { inputs: [{ name: 'in' }], outputs: [] } },
    ];
    pkg.wirehook.credentials = [{ name: 'Text', description: 'x', source: 'argument', key: 'text', helper: 'vendor.echo' }];
    expect(problemsOf(pkg)).toEqual([
      'wirehook.host must be a semver range (got "whenever")',
      'wirehook.helpers[0] (vendor.echo): required parameter "text" follows an optional one',
      'wirehook.helpers: "vendor.echo" is both a helper and a namespace of "vendor.echo.fail"',
      'wirehook.nodes "echo": helper vendor.nothing is not declared in wirehook.helpers',
      'wirehook.nodes "echo2": parameter "colour" is not a parameter of vendor.echo',
      'wirehook.credentials "Text": parameter "text" of vendor.echo must be marked secret',
    ]);
  });

  it('refuses a parameter schema that is not a valid JSON Schema', () => {
    const pkg = echoPackageJson();
    (pkg.wirehook.helpers[0] as { parameters: Array<{ schema: unknown }> }).parameters[0].schema = { type: 'text' };
    expect(problemsOf(pkg)).toEqual([expect.stringContaining('wirehook.helpers[0] (vendor.echo) parameter 0 (text): invalid JSON Schema')]);
  });
});

describe('compatibility', () => {
  const pkg = readPluginPackageDir(ECHO_FIXTURE);

  it('accepts a host inside the range, pre-releases included', () => {
    expect(compatibilityProblems(pkg, { version: '0.1.0', nodeVersion: '20.19.0' })).toEqual([]);
    expect(compatibilityProblems(pkg, { version: '0.5.0-rc.1', nodeVersion: '22.0.0' })).toEqual([]);
  });

  it('gives every reason to refuse: API version, host range, Node.js engine', () => {
    expect(compatibilityProblems(pkg, { version: '1.0.0', apiVersion: 2, nodeVersion: '16.20.0' })).toEqual([
      'plugin API version 1 is not supported: this host implements plugin API version 2',
      'needs Wirehook >=0.1.0 <1.0.0, this host is Wirehook 1.0.0',
      'needs Node.js >=18, this host runs Node.js 16.20.0',
    ]);
  });

  it('knows a major version change (and a 0.x minor one)', () => {
    expect([isMajorChange('1.4.0', '2.0.0'), isMajorChange('1.4.0', '1.9.9'), isMajorChange('0.1.0', '0.2.0'), isMajorChange('0.1.0', '0.1.5'), isMajorChange('2.0.0', '1.0.0')]).toEqual([true, false, true, false, true]);
  });
});

describe('arguments and settings', () => {
  const pkg = readPluginPackageDir(ECHO_FIXTURE);
  const validate = compileArgumentValidator(pkg.manifest.helpers[0]);

  it('drops trailing optional arguments that are null (undefined crosses the sandbox as null)', () => {
    expect(validate(['hi', null])).toEqual({ ok: true, args: ['hi'] });
    expect(validate(['hi', 'tok'])).toEqual({ ok: true, args: ['hi', 'tok'] });
  });

  it('names the argument that is wrong, missing or extra', () => {
    expect(validate([42])).toEqual({ ok: false, problems: ['argument 1 (text) must be string'] });
    expect(validate([])).toEqual({ ok: false, problems: ['argument 1 (text) is required'] });
    expect(validate(['a', 'b', 'c'])).toEqual({ ok: false, problems: ['takes at most 2 argument(s), got 3'] });
  });

  it('fills settings defaults and refuses unknown or mistyped settings', () => {
    expect(resolveSettings(pkg, {})).toMatchObject({ settings: { suffix: '!' }, delivery: { retries: 3, concurrency: 16 } });
    expect(resolveSettings(pkg, { suffix: '?', delivery: { retries: 0 } })).toMatchObject({ settings: { suffix: '?' }, delivery: { retries: 0 } });
    expect(() => resolveSettings(pkg, { sufix: '?', delivery: { retries: -1 } })).toThrow(SettingsError);
    try {
      resolveSettings(pkg, { sufix: '?', delivery: { retries: -1 } });
    } catch (error) {
      expect((error as SettingsError).problems).toEqual(['delivery/retries must be >= 0', 'settings has unknown property "sufix"']);
    }
  });
});

describe('which helpers an agent calls', () => {
  const names = ['vendor.slack', 'vendor.slackBot', 'vendor.kinesis.put', 'vendor.webhook'];

  it('reads tokens: comments and strings do not count, bracket access does', () => {
    const source = `// uses vendor.webhook in a comment only
      var note = "vendor.slack is mentioned in a string";
      function onItemCaptured(data) {
        vendor['slackBot']('t', 'c', 'p', 't', 'red');
        vendor . kinesis . put('s', data, 'r', 'k', 's');
      }`;
    expect(findHelperUsages(source, names)).toEqual(['vendor.slackBot', 'vendor.kinesis.put']);
  });

  it('tells vendor.slack from vendor.slackBot, and ignores other objects’ vendor properties', () => {
    expect(findHelperUsages('vendor.slack(a, b, c, d); x.vendor.webhook();', names)).toEqual(['vendor.slack']);
  });

  it('falls back to text for a source that is not ES5', () => {
    expect(findHelperUsages('const f = () => vendor.webhook("GET", u);', names)).toEqual(['vendor.webhook']);
  });

  it('reads the package.json of the webhook plugin the same way the host does', () => {
    const json = JSON.parse(readFileSync(join(repoRoot(), 'plugins', 'webhook', 'package.json'), 'utf8')) as { wirehook: { examples: Array<{ source: string }> } };
    expect(findHelperUsages(json.wirehook.examples[0].source, names)).toEqual(['vendor.webhook']);
  });
});
