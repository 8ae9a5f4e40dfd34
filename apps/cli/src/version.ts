// The root package.json carries the product version.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const WIREHOOK_VERSION: string = (require('../../../package.json') as { version: string }).version;
