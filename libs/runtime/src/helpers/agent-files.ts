import { createWriteStream, promises as fs } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { pack } from 'tar-fs';

/** Largest file `file.read` returns into a sandbox. */
const MAX_READ_BYTES = 16 * 1024 * 1024;

/** A path an agent may not use: outside its folder (directly, through `..` or through a symlink) or malformed. */
export class AgentPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgentPathError';
  }
}

/**
 * `file.*` for one agent: every path is resolved inside the agent's own folder. Relative paths
 * are relative to that folder; absolute paths are accepted only when they point inside it (so a
 * path returned by `file.temp` can be passed back). Symlinks are resolved before the check.
 */
export class AgentFiles {
  private realRoot?: string;

  constructor(readonly root: string) {}

  private async ensureRoot(): Promise<string> {
    if (!this.realRoot) {
      await fs.mkdir(this.root, { recursive: true });
      this.realRoot = await fs.realpath(this.root);
    }
    return this.realRoot;
  }

  /** The absolute path for `p`, or AgentPathError when it leaves the agent's folder. */
  async resolve(p: unknown, what = 'path'): Promise<string> {
    if (typeof p !== 'string' || p.length === 0) throw new AgentPathError(`${what} must be a non-empty string`);
    if (p.includes('\0')) throw new AgentPathError(`${what} contains a NUL byte`);
    const root = await this.ensureRoot();
    const inside = (candidate: string): boolean => candidate === root || candidate.startsWith(root + sep);
    // An absolute path may name the folder as configured (before symlinks in dataDir are resolved).
    const given = resolve(this.root);
    let lexical = isAbsolute(p) ? resolve(p) : resolve(root, p);
    if (isAbsolute(p) && (lexical === given || lexical.startsWith(given + sep))) lexical = join(root, relative(given, lexical));
    if (!inside(lexical)) throw new AgentPathError(`${what} ${JSON.stringify(p)} is outside the agent's folder`);
    // Resolve symlinks on the deepest part that exists; the rest cannot contain links yet.
    let existing = lexical;
    let rest = '';
    for (;;) {
      try {
        const real = await fs.realpath(existing);
        if (!inside(real)) throw new AgentPathError(`${what} ${JSON.stringify(p)} leads outside the agent's folder through a symbolic link`);
        return rest ? join(real, rest) : real;
      } catch (error) {
        if (error instanceof AgentPathError) throw error;
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        rest = rest ? join(basename(existing), rest) : basename(existing);
        const parent = dirname(existing);
        if (parent === existing) throw error;
        existing = parent;
      }
    }
  }

  private async notRoot(target: string, p: unknown): Promise<void> {
    if (target === (await this.ensureRoot())) throw new AgentPathError(`${JSON.stringify(p)} is the agent's folder itself`);
  }

  async write(p: unknown, content: unknown): Promise<void> {
    const target = await this.resolve(p);
    await this.notRoot(target, p);
    await fs.mkdir(dirname(target), { recursive: true });
    await fs.writeFile(target, text(content));
  }

  async append(p: unknown, content: unknown): Promise<void> {
    const target = await this.resolve(p);
    await this.notRoot(target, p);
    await fs.mkdir(dirname(target), { recursive: true });
    await fs.appendFile(target, text(content));
  }

  async read(p: unknown): Promise<string> {
    const target = await this.resolve(p);
    const stat = await fs.stat(target);
    if (stat.size > MAX_READ_BYTES) throw new Error(`file ${JSON.stringify(p)} is ${stat.size} bytes; file.read returns at most ${MAX_READ_BYTES}`);
    return fs.readFile(target, 'utf8');
  }

  async move(from: unknown, to: unknown): Promise<void> {
    const source = await this.resolve(from, 'source');
    const target = await this.resolve(to, 'destination');
    await this.notRoot(source, from);
    await fs.mkdir(dirname(target), { recursive: true });
    await fs.rename(source, target);
  }

  async copy(from: unknown, to: unknown): Promise<void> {
    const source = await this.resolve(from, 'source');
    const target = await this.resolve(to, 'destination');
    await fs.mkdir(dirname(target), { recursive: true });
    // verbatimSymlinks + no dereference: a link inside the folder is copied as a link, never followed out.
    await fs.cp(source, target, { recursive: true, dereference: false, verbatimSymlinks: true, errorOnExist: false });
  }

  async delete(p: unknown): Promise<void> {
    const target = await this.resolve(p);
    await this.notRoot(target, p);
    await fs.rm(target, { recursive: true });
  }

  async mkdir(p: unknown): Promise<string> {
    const target = await this.resolve(p);
    await fs.mkdir(target, { recursive: true });
    return target;
  }

  /** `file.mkdirTemp(name?, dir?)`: a new uniquely named folder; returns its path. */
  async mkdirTemp(name?: unknown, dir?: unknown): Promise<string> {
    const parent = await this.resolve(typeof dir === 'string' && dir !== '' ? dir : '.', 'dir');
    await fs.mkdir(parent, { recursive: true });
    return fs.mkdtemp(join(parent, `${safeName(name, 'tmp')}-`));
  }

  /** `file.temp(name?, dir?, ext?)`: a new empty uniquely named file; returns its path. */
  async temp(name?: unknown, dir?: unknown, ext?: unknown): Promise<string> {
    const parent = await this.resolve(typeof dir === 'string' && dir !== '' ? dir : '.', 'dir');
    await fs.mkdir(parent, { recursive: true });
    const suffix = typeof ext === 'string' && ext !== '' ? `.${ext.replace(/^\./, '')}` : '';
    if (/[/\\]/.test(suffix)) throw new AgentPathError('ext must not contain a path separator');
    const target = join(parent, `${safeName(name, 'tmp')}-${randomBytes(6).toString('hex')}${suffix}`);
    await fs.writeFile(target, '', { flag: 'wx' });
    return target;
  }

  /** `file.tar(dir)`: a gzip-compressed tar of `dir`, written beside it inside the agent's folder; returns its path. */
  async tar(dir: unknown): Promise<string> {
    const source = await this.resolve(dir, 'dir');
    const stat = await fs.stat(source);
    if (!stat.isDirectory()) throw new Error(`${JSON.stringify(dir)} is not a folder`);
    const root = await this.ensureRoot();
    const name = source === root ? 'agent' : basename(source);
    const target = join(source === root ? root : dirname(source), `${name}-${randomBytes(4).toString('hex')}.tar.gz`);
    const targetName = relative(source, target);
    // Links are stored as links (not followed), so a tar never carries files from outside the folder.
    await pipeline(pack(source, { dereference: false, ignore: (entry: string) => resolve(entry) === target || relative(source, entry) === targetName }), createGzip(), createWriteStream(target));
    return target;
  }

  /** Copies a host file (a pcap from the PcapProvider) into the agent's folder; returns the agent-side path. */
  async importFile(hostPath: string, folder: string): Promise<string> {
    const parent = await this.resolve(folder, 'folder');
    await fs.mkdir(parent, { recursive: true });
    const target = join(parent, basename(hostPath));
    await fs.copyFile(hostPath, target);
    return target;
  }
}

function text(content: unknown): string {
  if (typeof content === 'string') return content;
  if (content === undefined || content === null) return '';
  return typeof content === 'object' ? JSON.stringify(content) : String(content);
}

function safeName(name: unknown, fallback: string): string {
  const s = typeof name === 'string' ? name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '') : '';
  return s.length > 0 ? s.slice(0, 64) : fallback;
}
