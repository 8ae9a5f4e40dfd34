import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IncompatiblePluginError, PluginDependencyError, PluginLoadError, PluginSourceError, pluginPackagePath, removePluginFiles, stagePlugin } from '../src';
import { echoCopy, tempDir } from './support';

const HOST = { version: '0.1.0' };

/** `npm pack` of a folder, as a plugin author publishes it. */
function pack(folder: string, out: string): string {
  mkdirSync(out, { recursive: true });
  const [{ filename }] = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', out], { cwd: folder, encoding: 'utf8' })) as Array<{ filename: string }>;
  return join(out, filename.replace(/^@/, '').replace('/', '-'));
}

describe('installing plugin packages', () => {
  const place = tempDir('install');
  const pluginsDir = join(place.dir, 'plugins');
  const stagingLeft = () => (existsSync(pluginsDir) ? readdirSync(pluginsDir).filter((e) => e.startsWith('.staging-')) : []);

  afterAll(() => place.remove());

  it('installs an npm tarball: unpacked, checked, loaded once, then moved into packages/ with the tarball kept', async () => {
    const tarball = pack(echoCopy(join(place.dir, 'echo')), join(place.dir, 'packs'));
    const staged = await stagePlugin({ kind: 'tarball', path: tarball }, { pluginsDir, host: HOST });
    expect(staged.pkg).toMatchObject({ name: '@acme/wirehook-echo', version: '1.2.0' });
    const dir = await staged.commit();
    expect(dir).toBe(pluginPackagePath(pluginsDir, '@acme/wirehook-echo', '1.2.0'));
    expect(readdirSync(dir).sort()).toEqual(['index.js', 'package.json']);
    expect(existsSync(join(pluginsDir, 'tarballs', '@acme+wirehook-echo@1.2.0.tgz'))).toBe(true);
    expect(stagingLeft()).toEqual([]);
  });

  it('installs from a folder through npm pack (only what the package publishes)', async () => {
    const folder = echoCopy(join(place.dir, 'echo-folder'), (pkg) => {
      pkg.version = '1.3.0';
      pkg.files = ['index.js'];
    });
    writeFileSync(join(folder, 'notes.txt'), 'not published');
    const staged = await stagePlugin({ kind: 'folder', path: folder }, { pluginsDir, host: HOST });
    const dir = await staged.commit();
    expect(readdirSync(dir).sort()).toEqual(['index.js', 'package.json']);
  });

  it('links dependencies the host has in a matching version, keeps bundled ones, refuses the rest', async () => {
    const withDeps = echoCopy(join(place.dir, 'echo-deps'), (pkg) => {
      pkg.version = '1.4.0';
      pkg.dependencies = { semver: '^7.0.0', 'bundled-helper': '^1.0.0' };
      pkg.bundleDependencies = ['bundled-helper'];
    });
    mkdirSync(join(withDeps, 'node_modules', 'bundled-helper'), { recursive: true });
    writeFileSync(join(withDeps, 'node_modules', 'bundled-helper', 'package.json'), JSON.stringify({ name: 'bundled-helper', version: '1.0.0' }));
    const staged = await stagePlugin({ kind: 'tarball', path: pack(withDeps, join(place.dir, 'packs-deps')) }, { pluginsDir, host: HOST });
    expect(Object.keys(staged.linked)).toEqual(['semver']);
    const dir = await staged.commit();
    expect(lstatSync(join(dir, 'node_modules', 'semver')).isSymbolicLink()).toBe(true);
    expect(realpathSync(join(dir, 'node_modules', 'semver'))).toBe(realpathSync(staged.linked.semver));
    expect(lstatSync(join(dir, 'node_modules', 'bundled-helper')).isDirectory()).toBe(true);

    const missing = echoCopy(join(place.dir, 'echo-missing'), (pkg) => {
      pkg.dependencies = { 'wirehook-no-such-package': '^1.0.0', semver: '^99.0.0' };
    });
    const refusal = stagePlugin({ kind: 'tarball', path: pack(missing, join(place.dir, 'packs-missing')) }, { pluginsDir, host: HOST });
    await expect(refusal).rejects.toThrow(PluginDependencyError);
    await expect(refusal).rejects.toMatchObject({ missing: ['wirehook-no-such-package@^1.0.0', expect.stringMatching(/^semver@\^99\.0\.0 \(the host has 7\./)] });
    expect(stagingLeft()).toEqual([]);
  });

  it('refuses an incompatible plugin, one whose code is missing, and a file that is not a tarball', async () => {
    const future = echoCopy(join(place.dir, 'echo-future'), (pkg) => {
      pkg.wirehook.apiVersion = 2;
      pkg.engines = { node: '>=99' };
    });
    const incompatible = stagePlugin({ kind: 'tarball', path: pack(future, join(place.dir, 'packs-future')) }, { pluginsDir, host: HOST });
    await expect(incompatible).rejects.toThrow(IncompatiblePluginError);
    await expect(incompatible).rejects.toMatchObject({
      problems: ['plugin API version 2 is not supported: this host implements plugin API version 1', expect.stringMatching(/^needs Node\.js >=99, this host runs Node\.js 20\./)],
    });

    const unbuilt = echoCopy(join(place.dir, 'echo-unbuilt'), (pkg) => void (pkg.main = 'dist/index.js'));
    rmSync(join(unbuilt, 'index.js'));
    await expect(stagePlugin({ kind: 'folder', path: unbuilt }, { pluginsDir, host: HOST })).rejects.toThrow(
      new PluginLoadError('@acme/wirehook-echo', '1.2.0', ['entry file dist/index.js is missing (was the plugin built before packing?)']),
    );

    const notTarball = join(place.dir, 'not-a.tgz');
    writeFileSync(notTarball, 'plain text');
    await expect(stagePlugin({ kind: 'tarball', path: notTarball }, { pluginsDir, host: HOST })).rejects.toThrow(PluginSourceError);
    await expect(stagePlugin({ kind: 'tarball', path: join(place.dir, 'nothing.tgz') }, { pluginsDir, host: HOST })).rejects.toThrow(/tarball .*nothing\.tgz does not exist/);
    expect(stagingLeft()).toEqual([]);
  });

  it('removes every version of a plugin, or all but one', async () => {
    await removePluginFiles(pluginsDir, '@acme/wirehook-echo', '1.4.0');
    expect(readdirSync(join(pluginsDir, 'packages'))).toEqual(['@acme+wirehook-echo@1.4.0']);
    await removePluginFiles(pluginsDir, '@acme/wirehook-echo');
    expect(readdirSync(join(pluginsDir, 'packages'))).toEqual([]);
    expect(readdirSync(join(pluginsDir, 'tarballs'))).toEqual([]);
  });
});
