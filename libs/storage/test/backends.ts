import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTempPostgresDatabase } from '@wirehook/testing';
import { openDatabase, type Database } from '../src';

/** A place to keep a database for a test file: a fresh PostgreSQL database or a fresh PGlite folder. */
export interface Backend {
  name: 'postgres' | 'pglite';
  /** Creates the empty place; returns how to open it (any number of times) and how to remove it. */
  prepare(): Promise<PreparedBackend>;
}

export interface PreparedBackend {
  open(): Promise<Database>;
  /** Where the data lives: the PostgreSQL URL or the data folder. */
  where: string;
  remove(): Promise<void>;
}

export const backends: Backend[] = [
  {
    name: 'postgres',
    async prepare() {
      const database = await createTempPostgresDatabase();
      const dataDir = mkdtempSync(join(tmpdir(), 'wirehook-storage-unused-'));
      return {
        where: database.url,
        open: () => openDatabase({ url: database.url, dataDir }),
        async remove() {
          await database.drop();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'pglite',
    async prepare() {
      const dataDir = mkdtempSync(join(tmpdir(), 'wirehook-storage-'));
      return {
        where: dataDir,
        open: () => openDatabase({ dataDir }),
        async remove() {
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  },
];

let counter = 0;
/** A title no other test in the file uses. */
export function uniqueTitle(base: string): string {
  counter += 1;
  return `${base} ${counter}`;
}
