import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The product version: the repository's package.json (read once, not bundled into the code). */
export const WIREHOOK_VERSION: string = (JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
