import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../src';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'wirehook-config-'));
}

function expectConfigError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies defaults when nothing is configured', () => {
    const { config, sources } = loadConfig({ cwd: tempDir(), env: {}, defaultNodeName: 'local' });
    expect(config.hub).toEqual({ host: '127.0.0.1', port: 8898 });
    expect(config.scripting.source).toBe('./agents');
    expect(config.scripting.limits.memoryMb).toBe(64);
    expect(config.tap.loop).toBe(true);
    expect(config.node.name).toBe('local');
    expect(config.nats.url).toBeUndefined();
    expect(sources).toEqual([]);
  });

  it('reads wirehook.yaml from the working directory', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'wirehook.yaml'), 'hub:\n  port: 9100\nscripting:\n  env:\n    SLACK_URL: http://127.0.0.1:1/hook\n  active: [A, B]\n');
    const { config, sources } = loadConfig({ cwd, env: {} });
    expect(config.hub.port).toBe(9100);
    expect(config.scripting.env).toEqual({ SLACK_URL: 'http://127.0.0.1:1/hook' });
    expect(config.scripting.active).toEqual(['A', 'B']);
    expect(sources).toEqual([join(cwd, 'wirehook.yaml')]);
  });

  it('lets the environment override the file, and --set override both', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'wirehook.yaml'), 'hub:\n  port: 9100\n');
    const { config } = loadConfig({
      cwd,
      env: { HUB_PORT: '9200', NATS_URL: 'nats://127.0.0.1:4222', WIREHOOK__SCRIPTING__WATCHSCRIPTS: 'false', WIREHOOK__SCRIPTING__ENV__My_Key: '42' },
      set: ['tap.pcap=/tmp/x.pcap', 'scripting.sources=[a, b]'],
    });
    expect(config.hub.port).toBe(9200);
    expect(config.nats.url).toBe('nats://127.0.0.1:4222');
    expect(config.scripting.watchScripts).toBe(false);
    expect(config.tap.pcap).toBe('/tmp/x.pcap');
    expect(config.scripting.sources).toEqual(['a', 'b']);
    // Keys below scripting.env keep their spelling, and agents always read strings.
    expect(config.scripting.env).toEqual({ My_Key: '42' });
  });

  it('names an unknown key in the file', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'wirehook.yaml'), 'tap:\n  interfase: eth0\n');
    const error = expectConfigError(() => loadConfig({ cwd, env: {} }));
    expect(error.issues[0].key).toBe('tap.interfase');
    expect(error.message).toContain('tap.interfase: unknown key');
    expect(error.message).toContain(join(cwd, 'wirehook.yaml'));
  });

  it('names a value of the wrong type and where it came from', () => {
    const error = expectConfigError(() => loadConfig({ cwd: tempDir(), env: { HUB_PORT: 'eighty' } }));
    expect(error.issues).toEqual([expect.objectContaining({ key: 'hub.port', origin: 'HUB_PORT' })]);
  });

  it('refuses an unknown override key with the keys that exist', () => {
    const error = expectConfigError(() => loadConfig({ cwd: tempDir(), env: {}, set: ['scripting.wachScripts=true'] }));
    expect(error.message).toContain('scripting.wachScripts');
    expect(error.message).toContain('watchScripts');
  });

  it('refuses a config file that is not a mapping or not YAML', () => {
    const cwd = tempDir();
    const bad = join(cwd, 'bad.yaml');
    writeFileSync(bad, '- a\n- b\n');
    expect(expectConfigError(() => loadConfig({ cwd, env: {}, file: bad })).message).toContain('mapping');
    writeFileSync(bad, 'a: [\n');
    expect(expectConfigError(() => loadConfig({ cwd, env: {}, file: bad })).message).toContain('not valid YAML');
    expect(expectConfigError(() => loadConfig({ cwd, env: {}, file: join(cwd, 'missing.yaml') })).message).toContain('cannot read');
  });

  it('checks limits', () => {
    const error = expectConfigError(() => loadConfig({ cwd: tempDir(), env: {}, set: ['scripting.limits.memoryMb=4'] }));
    expect(error.issues[0].key).toBe('scripting.limits.memoryMb');
  });
});
