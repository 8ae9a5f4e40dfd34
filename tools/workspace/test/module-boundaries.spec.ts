import { ESLint } from 'eslint';
import { join } from 'node:path';

/**
 * The dependency direction of the architecture is a lint rule; this proves the rule bites:
 * the same import is refused or accepted depending on which project it is written in.
 */
const root = join(__dirname, '..', '..', '..');

async function boundaryErrors(file: string, code: string): Promise<string[]> {
  // Jest cannot run ESLint's own dynamic import of the config file, so the config is passed in.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: require(join(root, 'eslint.config.js')) });
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

describe('module boundaries', () => {
  it('refuses a library importing an upper layer', async () => {
    const errors = await boundaryErrors('libs/bus/src/probe.ts', "import { openDatabase } from '@wirehook/storage';\nexport const x = openDatabase;\n");
    expect(errors).toEqual([expect.stringContaining('layer:bus')]);
  });

  it('refuses contracts importing anything of ours', async () => {
    const errors = await boundaryErrors('libs/contracts/src/probe.ts', "import { createBus } from '@wirehook/bus';\nexport const x = createBus;\n");
    expect(errors).toHaveLength(1);
  });

  it('refuses a library importing an app', async () => {
    const errors = await boundaryErrors('libs/hub/src/probe.ts', "import { buildProgram } from '../../../apps/cli/src/main';\nexport const x = buildProgram;\n");
    expect(errors.length).toBeGreaterThan(0);
  });

  it('accepts the allowed direction', async () => {
    expect(await boundaryErrors('libs/bus/src/probe.ts', "import { Subjects } from '@wirehook/contracts';\nexport const x = Subjects;\n")).toEqual([]);
    expect(await boundaryErrors('libs/hub/src/probe.ts', "import { createBus } from '@wirehook/bus';\nexport const x = createBus;\n")).toEqual([]);
  });
});
