import { readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { WirehookConfig } from '@wirehook/contracts';

/** A capture file the dry run can replay. */
export interface CaptureFile {
  /** File name, the id the API takes. */
  name: string;
  size: number;
  modifiedAt: string;
}

const CAPTURE_FILE = /\.(pcap|pcapng|cap)$/i;

/** The worker's bundled capture folder (libs/worker/assets), the default of `hub.capturesDir`. */
export function bundledCapturesDir(): string {
  // libs/hub/src/flows → libs/worker/assets
  return resolve(__dirname, '..', '..', '..', 'worker', 'assets');
}

export function capturesDir(config: WirehookConfig): string {
  return resolve(config.hub.capturesDir ?? bundledCapturesDir());
}

/** The pcap/pcapng files directly in the folder, by name; [] when the folder does not exist. */
export function listCaptures(folder: string): CaptureFile[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const files: CaptureFile[] = [];
  for (const name of names.filter((n) => CAPTURE_FILE.test(n)).sort()) {
    try {
      const stat = statSync(join(folder, name));
      if (stat.isFile()) files.push({ name, size: stat.size, modifiedAt: stat.mtime.toISOString() });
    } catch {
      // Gone since readdir: not listed.
    }
  }
  return files;
}

/** The path of a listed capture, or undefined: names with folders in them are never resolved. */
export function capturePath(folder: string, name: string): string | undefined {
  if (name !== basename(name) || name.startsWith('.')) return undefined;
  return listCaptures(folder).some((c) => c.name === name) ? join(folder, name) : undefined;
}
