import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InProcessBus } from '@wirehook/bus';
import { Buckets, pluginPackageObject } from '@wirehook/contracts';
import { PluginFetchError, PluginHost, PluginPackageFetcher, pluginPackagePath, testCaller, type PluginPackageStore } from '../src';
import { echoCopy, tempDir } from './support';

const HOST = { version: '0.1.0' };
const ECHO = '@acme/wirehook-echo';

/** `npm pack` of a folder, as the hub keeps it in `<plugins.dir>/tarballs/`. */
function pack(folder: string, out: string): Uint8Array {
  mkdirSync(out, { recursive: true });
  const [{ filename }] = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', out], { cwd: folder, encoding: 'utf8' })) as Array<{ filename: string }>;
  return readFileSync(join(out, filename.replace(/^@/, '').replace('/', '-')));
}

/** The bus's blob storage, counting reads. */
function countingStore(bus: InProcessBus): PluginPackageStore & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    getBlob: async (bucket, name) => {
      reads.push(name);
      // A little latency, so that concurrent callers really overlap.
      await new Promise((resolve) => setTimeout(resolve, 20));
      return bus.getBlob(bucket, name);
    },
  };
}

describe('fetching plugin packages from the bus', () => {
  const place = tempDir('fetch');
  const bus = new InProcessBus();
  let echo120: Uint8Array;

  beforeAll(async () => {
    echo120 = pack(echoCopy(join(place.dir, 'src', 'echo')), join(place.dir, 'packs'));
    await bus.putBlob(Buckets.pluginPackages, pluginPackageObject(ECHO, '1.2.0'), echo120);
  });
  afterAll(async () => {
    await bus.close();
    place.remove();
  });

  const leftovers = (pluginsDir: string) => readdirSync(pluginsDir).filter((e) => e.startsWith('.'));

  it('installs a version the node lacks from the bucket (checked and unpacked as on the hub), once, and a host loads it', async () => {
    const pluginsDir = join(place.dir, 'node-1');
    const store = countingStore(bus);
    const fetcher = new PluginPackageFetcher({ store, pluginsDir, host: HOST });
    // Two applies racing for the same version: one fetch and install, both see the result.
    await Promise.all([fetcher.ensure(ECHO, '1.2.0'), fetcher.ensure(ECHO, '1.2.0')]);
    expect(store.reads).toEqual(['@acme+wirehook-echo@1.2.0.tgz']);
    expect(readdirSync(pluginPackagePath(pluginsDir, ECHO, '1.2.0')).sort()).toEqual(['index.js', 'package.json']);
    expect(readFileSync(join(pluginsDir, 'tarballs', '@acme+wirehook-echo@1.2.0.tgz')).equals(echo120)).toBe(true);
    expect(leftovers(pluginsDir)).toEqual([]);

    // Present now: nothing is read again.
    await fetcher.ensure(ECHO, '1.2.0');
    expect(store.reads).toHaveLength(1);

    const host = new PluginHost({ node: 'node-1', pluginsDir, host: HOST, log: () => undefined, fetchPackage: (n, v) => fetcher.ensure(n, v) });
    const report = await host.apply([{ name: ECHO, version: '1.2.0' }]);
    expect(report.loaded.map((s) => `${s.name}@${s.version} ${s.state}`)).toEqual([`${ECHO}@1.2.0 loaded`]);
    expect(store.reads).toHaveLength(1);
    await expect(host.helpers().echo(['hi'], testCaller())).resolves.toMatchObject({ text: 'hi!' });
    await host.close();
  });

  it('fetches nothing when the folder is there already (a folder shared with the hub)', async () => {
    const pluginsDir = join(place.dir, 'shared');
    echoCopy(pluginPackagePath(pluginsDir, ECHO, '1.2.0'));
    const store: PluginPackageStore = { getBlob: () => Promise.reject(new Error('must not be asked')) };
    const fetcher = new PluginPackageFetcher({ store, pluginsDir, host: HOST });
    const host = new PluginHost({ node: 'node-2', pluginsDir, host: HOST, log: () => undefined, fetchPackage: (n, v) => fetcher.ensure(n, v) });
    expect((await host.apply([{ name: ECHO, version: '1.2.0' }])).failed).toEqual([]);
    await host.close();
  });

  it('gives each plugin it cannot fetch or install a load error naming plugin, version and reason; the others load', async () => {
    const pluginsDir = join(place.dir, 'node-3');
    await bus.putBlob(Buckets.pluginPackages, pluginPackageObject('@acme/garbled', '1.0.0'), new TextEncoder().encode('not a tarball'));
    // A package stored under another plugin's name.
    await bus.putBlob(Buckets.pluginPackages, pluginPackageObject('@acme/impostor', '1.0.0'), echo120);
    const failing: PluginPackageStore = {
      getBlob: (bucket, name) => (name.startsWith('@acme+unreadable') ? Promise.reject(new Error('cannot get it: received a corrupt object')) : bus.getBlob(bucket, name)),
    };
    const fetcher = new PluginPackageFetcher({ store: failing, pluginsDir, host: { version: '0.5.0' } });
    const logs: string[] = [];
    const host = new PluginHost({ node: 'node-3', pluginsDir, host: { version: '0.5.0' }, log: (_l, _a, m) => void logs.push(m), fetchPackage: (n, v) => fetcher.ensure(n, v) });
    const report = await host.apply([
      { name: '@acme/missing', version: '2.0.0' },
      { name: '@acme/garbled', version: '1.0.0' },
      { name: '@acme/impostor', version: '1.0.0' },
      { name: '@acme/unreadable', version: '1.0.0' },
      { name: ECHO, version: '1.2.0' },
    ]);
    expect(report.loaded.map((s) => s.name)).toEqual([ECHO]);
    const errors = Object.fromEntries(report.failed.map((s) => [s.name, s.error]));
    expect(errors).toEqual({
      '@acme/missing': `@acme/missing@2.0.0: package not found on the bus (bucket ${Buckets.pluginPackages}, object @acme+missing@2.0.0.tgz); the hub puts it there at install and at its start, see the hub's log`,
      '@acme/garbled': expect.stringMatching(/^@acme\/garbled@1\.0\.0: package fetched from the hub was refused: @acme\+garbled@1\.0\.0\.tgz is not a readable npm tarball/),
      '@acme/impostor': `@acme/impostor@1.0.0: package fetched from the hub (bucket ${Buckets.pluginPackages}, object @acme+impostor@1.0.0.tgz) holds ${ECHO}@1.2.0`,
      '@acme/unreadable': '@acme/unreadable@1.0.0: package could not be fetched from the hub: cannot get it: received a corrupt object',
    });
    // The same state the node reports in its stats, and a log line each.
    expect(host.statuses().filter((s) => s.state === 'failed').map((s) => s.name)).toEqual(['@acme/garbled', '@acme/impostor', '@acme/missing', '@acme/unreadable']);
    expect(logs.filter((m) => m.includes('refused on node-3'))).toHaveLength(4);
    // Nothing half-installed is left behind, and a refused version can be fetched again later.
    expect(leftovers(pluginsDir)).toEqual([]);
    expect(existsSync(pluginPackagePath(pluginsDir, '@acme/garbled', '1.0.0'))).toBe(false);
    await expect(fetcher.ensure('@acme/missing', '2.0.0')).rejects.toBeInstanceOf(PluginFetchError);
    await host.close();
  });
});
