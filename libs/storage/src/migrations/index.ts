import { Agents1764500000000 } from './1764500000000-agents';
import { Flows1764500100000 } from './1764500100000-flows';
import { PluginsAndSettings1764500200000 } from './1764500200000-plugins-and-settings';
import { ApiTokens1764500300000 } from './1764500300000-api-tokens';

/**
 * Every migration, oldest first. A schema change is a new class appended here (timestamp in the
 * name); a released migration is never edited. The entity tests check entities and migrations agree.
 */
export const storageMigrations = [
  Agents1764500000000,
  Flows1764500100000,
  PluginsAndSettings1764500200000,
  ApiTokens1764500300000,
];
