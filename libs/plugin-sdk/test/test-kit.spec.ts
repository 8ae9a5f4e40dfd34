import { join } from 'node:path';
import { createPluginTestKit, ManifestError, PluginLoadError, testCaller } from '../src';
import { ECHO_FIXTURE, echoPackageJson } from './support';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const echoModule: unknown = require(join(ECHO_FIXTURE, 'index.js'));

describe('createPluginTestKit (for plugin authors)', () => {
  const kit = createPluginTestKit({ packageJson: ECHO_FIXTURE, module: echoModule, settings: { suffix: '.' }, env: { ECHO_PREFIX: '#', HOME: '/root' } });

  afterAll(() => kit.close());

  it('checks the manifest and compatibility as the host does', () => {
    expect(kit.pkg.name).toBe('@acme/wirehook-echo');
    expect(kit.compatibility({ version: '0.3.0' })).toEqual([]);
    expect(kit.compatibility({ version: '1.0.0' })).toEqual(['needs Wirehook >=0.1.0 <1.0.0, this host is Wirehook 1.0.0']);
    expect(() => createPluginTestKit({ packageJson: { name: 'x', version: '1.0.0' }, module: echoModule })).toThrow(ManifestError);
    expect(() => createPluginTestKit({ packageJson: echoPackageJson(), module: { helpers: {} } })).toThrow(PluginLoadError);
  });

  it('calls a helper directly with validated arguments and a recorded context', async () => {
    await expect(kit.call('vendor.echo', ['hello'], { agent: { id: 'a', title: 'Author test' } })).resolves.toMatchObject({ text: '#hello.', agent: 'Author test', env: ['ECHO_PREFIX'] });
    await expect(kit.call('vendor.echo', [1])).rejects.toThrow('vendor.echo: argument 1 (text) must be string');
    await expect(kit.call('vendor.nope', [])).rejects.toThrow('@acme/wirehook-echo declares no helper vendor.nope (it has vendor.echo, vendor.echoFail)');
  });

  it('gives the host’s own PluginHost for end-to-end tests (queue, retries, counters)', async () => {
    const host = await kit.host();
    await expect(host.helpers().echo(['via host'], testCaller())).resolves.toMatchObject({ text: '#via host.' });
    expect(host.stats()[0]).toMatchObject({ plugin: '@acme/wirehook-echo', sent: 1 });
  });
});
