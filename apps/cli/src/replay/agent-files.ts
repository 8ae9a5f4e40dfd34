import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { AgentDefinition } from '@wirehook/contracts';
import { agentTitle, checkEs5 } from '@wirehook/runtime';

/** Agents from a `.js` file or a folder of them, checked as ES5; the first invalid file stops with file:line:column. */
export function readAgentFiles(path: string): AgentDefinition[] {
  const target = resolve(path);
  let files: string[];
  try {
    files = statSync(target).isDirectory()
      ? readdirSync(target)
          .filter((name) => name.endsWith('.js'))
          .sort()
          .map((name) => join(target, name))
      : [target];
  } catch (error) {
    throw new Error(`--agents: cannot read ${target}: ${(error as Error).message}`);
  }
  if (files.length === 0) throw new Error(`--agents: no .js files in ${target}`);
  return files.map((file, index) => {
    const source = readFileSync(file, 'utf8');
    const [problem] = checkEs5(source, basename(file));
    if (problem) throw new Error(`${file}:${problem.line}:${problem.column}: ${problem.message}`);
    return { id: `file-${index + 1}`, title: agentTitle(source, basename(file)), source, revision: 1 };
  });
}
