import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { agentTitle, checkEs5, type Es5Diagnostic } from '@wirehook/runtime';

export interface AgentFile {
  path: string;
  title: string;
  source: string;
}

export interface InvalidAgentFile {
  path: string;
  diagnostics: Es5Diagnostic[];
}

export interface AgentFolderScan {
  folder: string;
  agents: AgentFile[];
  invalid: InvalidAgentFile[];
}

/** Reads every `.js` file of a folder (not recursive) and checks each one as ES5. */
export function scanAgentFolder(folder: string): AgentFolderScan {
  const dir = resolve(folder);
  const scan: AgentFolderScan = { folder: dir, agents: [], invalid: [] };
  if (!existsSync(dir)) return scan;
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.js')) continue;
    const path = join(dir, name);
    if (!statSync(path).isFile()) continue;
    const source = readFileSync(path, 'utf8');
    const diagnostics = checkEs5(source, name);
    if (diagnostics.length > 0) scan.invalid.push({ path, diagnostics });
    else scan.agents.push({ path, title: agentTitle(source, basename(name)), source });
  }
  return scan;
}

export function describeInvalid(file: InvalidAgentFile): string {
  return file.diagnostics.map((d) => `${file.path}:${d.line}:${d.column} ${d.message}`).join('; ');
}
