import { createCatalog, type BuiltCatalog } from '@wirehook/flow';
import { useEffect, useState } from 'react';
import { pluginDetails } from '../../api/plugins';
import { pluginsForCatalog } from '../../flow/plugins';

/**
 * The node catalog with the installed plugins' helpers and nodes (the hub compiles with the same
 * one). Without the plugin list (an older hub, a failed request) it has the built-in nodes only.
 */
export function usePluginCatalog(): BuiltCatalog | undefined {
  const [catalog, setCatalog] = useState<BuiltCatalog>();
  useEffect(() => {
    let stopped = false;
    pluginDetails()
      .then((plugins) => pluginsForCatalog(plugins))
      .catch(() => [])
      .then((plugins) => {
        if (!stopped) setCatalog(createCatalog({ plugins }));
      });
    return () => {
      stopped = true;
    };
  }, []);
  return catalog;
}
