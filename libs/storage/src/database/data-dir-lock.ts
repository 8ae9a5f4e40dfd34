import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/** Lock files this process holds, so a lock naming our own pid can be told apart from a stale one (pid 1 in containers). */
const heldByThisProcess = new Set<string>();

/**
 * Takes `<path>` as an exclusive lock holding our pid: two processes opening one PGlite folder
 * would corrupt it. A lock left by a process that is gone is taken over.
 * Returns the release function, or the pid of the live holder.
 */
export function acquireDataDirLock(path: string): { release: () => void } | { heldBy: number } {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      heldByThisProcess.add(path);
      return {
        release: () => {
          if (heldByThisProcess.delete(path)) rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(path);
      if (holder !== undefined && isLive(holder, path)) return { heldBy: holder };
      rmSync(path, { force: true });
    }
  }
  return { heldBy: readHolder(path) ?? -1 };
}

function readHolder(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isLive(pid: number, path: string): boolean {
  if (pid === process.pid) return heldByThisProcess.has(path);
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
