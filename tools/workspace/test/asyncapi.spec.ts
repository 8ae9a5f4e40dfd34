import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { Parser } from '@asyncapi/parser';
import { parse } from 'yaml';
import { Subjects, SUBJECT_CATALOG } from '@wirehook/contracts';
import { ASYNCAPI_PATH, buildAsyncApiDocument, renderAsyncApi } from '../asyncapi/build-asyncapi';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../../../package.json') as { version: string };

/** docs/asyncapi.yaml and libs/contracts must say the same thing. */
describe('docs/asyncapi.yaml', () => {
  const committed = readFileSync(ASYNCAPI_PATH, 'utf8');

  it('is what the contracts library generates (run `npm run docs:asyncapi` after changing contracts)', () => {
    expect(committed).toBe(renderAsyncApi(version));
  }, 60_000);

  it('has one channel for every subject the contracts build, at the address they build', () => {
    const keys = Object.keys(Subjects).filter((k) => !k.endsWith('All'));
    expect(SUBJECT_CATALOG.map((s) => s.id).sort()).toEqual(keys.sort());
    const doc = parse(committed) as { channels: Record<string, { address: string }> };
    for (const spec of SUBJECT_CATALOG) {
      const build = Subjects[spec.id] as string | ((...args: string[]) => string);
      const placeholders = Object.keys(spec.parameters).map((p) => `{${p}}`);
      const built = typeof build === 'function' ? build(...placeholders) : build;
      expect({ id: spec.id, address: built }).toEqual({ id: spec.id, address: spec.address });
      expect(doc.channels[spec.id].address).toBe(spec.address);
    }
  });

  it("has examples that satisfy their payload's schema", () => {
    const doc = buildAsyncApiDocument(version) as { components: { schemas: Record<string, object> } };
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addSchema({ $id: 'components', components: { schemas: doc.components.schemas } } as object);
    const failures: string[] = [];
    for (const spec of SUBJECT_CATALOG) {
      const validate = ajv.compile(JSON.parse(JSON.stringify(doc.components.schemas[spec.payload]).replace(/"#\/components/g, '"components#/components')));
      if (!validate(spec.example)) failures.push(`${spec.id}: ${ajv.errorsText(validate.errors)}`);
    }
    expect(failures).toEqual([]);
  }, 60_000);

  it('is a valid AsyncAPI 3 document', async () => {
    const { diagnostics } = await new Parser().parse(committed);
    const errors = diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('.')}: ${d.message}`);
    expect(errors).toEqual([]);
  }, 60_000);
});
