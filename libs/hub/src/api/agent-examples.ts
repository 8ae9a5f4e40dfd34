import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { agentTitle } from '@wirehook/runtime';
import { HUB_OPTIONS, type HubOptions } from '../hub-options';
import type { ExampleView } from './dto/status.dto';

/** The repository's `agents/examples/` (this file is libs/hub/src/api/agent-examples.ts). */
export const DEFAULT_EXAMPLES_DIR = resolve(__dirname, '..', '..', '..', '..', 'agents', 'examples');

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Reads the example agents from their folder on every call, so a new example shows without a restart. */
@Injectable()
export class AgentExamples {
  private readonly dir: string;

  constructor(@Inject(HUB_OPTIONS) options: HubOptions) {
    this.dir = resolve(options.examplesDir ?? DEFAULT_EXAMPLES_DIR);
  }

  list(): ExampleView[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((file) => file.endsWith('.js') && NAME.test(file))
      .sort()
      .map((file) => this.read(file.slice(0, -3)))
      .filter((e): e is ExampleView => e !== undefined);
  }

  /** Undefined for a name that is not an example file (never a path outside the folder). */
  get(name: string): ExampleView | undefined {
    return NAME.test(name) ? this.read(name) : undefined;
  }

  private read(name: string): ExampleView | undefined {
    const path = join(this.dir, `${name}.js`);
    if (!existsSync(path) || !statSync(path).isFile()) return undefined;
    const source = readFileSync(path, 'utf8');
    return { name, title: agentTitle(source, `${name}.js`), source };
  }
}
