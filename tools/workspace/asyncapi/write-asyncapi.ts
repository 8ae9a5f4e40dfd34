// `npm run docs:asyncapi`: regenerates docs/asyncapi.yaml from libs/contracts.
import { writeFileSync } from 'node:fs';
import { ASYNCAPI_PATH, renderAsyncApi } from './build-asyncapi';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../../../package.json') as { version: string };

writeFileSync(ASYNCAPI_PATH, renderAsyncApi(version));
process.stdout.write(`wrote ${ASYNCAPI_PATH}\n`);
