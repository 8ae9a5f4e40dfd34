import { readFile, realpath, stat } from 'node:fs/promises';
import { basename, isAbsolute, relative } from 'node:path';
import type { HelperError } from '@wirehook/plugin-sdk';

export type FilesArgument = Record<string, string> | string[];

export interface FileToUpload {
  filename: string;
  data: Buffer;
}

/**
 * Reads the files an agent asked to upload. Only files inside the node's agent files folder are
 * read (after symlinks are resolved): an agent must not be able to send the host's own files away.
 */
export async function readAgentFiles(files: FilesArgument | undefined, filesRoot: string | undefined, maxBytes: number): Promise<FileToUpload[]> {
  if (files === undefined) return [];
  const entries: Array<[string, string]> = Array.isArray(files) ? files.map((path) => [basename(path), path]) : Object.entries(files);
  if (entries.length === 0) return [];
  if (!filesRoot) throw refusal('file uploads are not available on this node (no agent files folder)');
  const root = await realpath(filesRoot).catch(() => {
    throw refusal(`no agent files on this node yet (${filesRoot} does not exist)`);
  });
  const out: FileToUpload[] = [];
  for (const [filename, path] of entries) {
    if (!isAbsolute(path)) throw refusal(`file ${JSON.stringify(path)} must be an absolute path (as file.* and pcap.* return)`);
    let real: string;
    try {
      real = await realpath(path);
    } catch {
      throw refusal(`file ${path} does not exist`);
    }
    const inside = relative(root, real);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) throw refusal(`file ${path} is outside the agents' files folder`);
    const info = await stat(real);
    if (!info.isFile()) throw refusal(`${path} is not a file`);
    if (info.size > maxBytes) throw refusal(`file ${path} is ${info.size} bytes, more than ${maxBytes}`);
    out.push({ filename, data: await readFile(real) });
  }
  return out;
}

function refusal(message: string): HelperError {
  return Object.assign(new Error(message), { retryable: false });
}
