import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentDefinition, LogEntry } from '@wirehook/contracts';
import { AgentRuntime, type HelperBridge } from '@wirehook/runtime';

// Not exported from the index: it loads the sandbox (isolated-vm); import '@wirehook/testing/agent-host'.

/** The real agent runtime with a plugin host as its `vendor.*` bridge (plugin tests). */
export interface AgentHost {
  runtime: AgentRuntime;
  /** Root of the agents' own files (`<dataDir>/agents`): HelperContext.filesRoot. */
  filesRoot: string;
  logs: LogEntry[];
  console(agentTitle: string): string[];
  close(): Promise<void>;
}

/** A data folder for the runtime, made before the plugin host so both agree on the files root. */
export function makeDataDir(): { dataDir: string; filesRoot: string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'wirehook-plugin-test-'));
  return { dataDir, filesRoot: join(dataDir, 'agents') };
}

export function startAgentHost(plugins: Pick<HelperBridge, 'helpers'>, options: { budgetMs?: number; dataDir?: string } = {}): AgentHost {
  const budgetMs = options.budgetMs ?? 3000;
  const dataDir = options.dataDir ?? makeDataDir().dataDir;
  const logs: LogEntry[] = [];
  const runtime = new AgentRuntime({
    nodeName: 'test',
    role: 'worker',
    env: {},
    limits: { hookCpuMs: budgetMs, jobCpuMs: budgetMs, loadCpuMs: budgetMs, memoryMb: 32, consoleLinesPerSecond: 1000 },
    dataDir,
    log: (entry) => logs.push(entry),
    hubAction: () => undefined,
    targeted: () => ({ targets: [], excluded: [] }),
    helpers: { helpers: () => plugins.helpers(), timeoutMs: budgetMs },
  });
  return {
    runtime,
    filesRoot: join(dataDir, 'agents'),
    logs,
    console: (title) => logs.filter((l) => l.source === 'console' && l.agent === title).map((l) => l.message),
    close: async () => {
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let revision = 0;
export function agent(title: string, source: string): AgentDefinition {
  return { id: `${title.replace(/\W+/g, '-')}.js`, title, source: `// ${title}\n${source}`, revision: ++revision };
}
