import type { BuiltCatalog } from '@wirehook/flow';
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { FlowEditorState, FlowEditorStore } from './store';

export const CatalogContext = createContext<BuiltCatalog | undefined>(undefined);
export const FlowStoreContext = createContext<FlowEditorStore | undefined>(undefined);

export function useCatalog(): BuiltCatalog {
  const catalog = useContext(CatalogContext);
  if (!catalog) throw new Error('useCatalog outside CatalogContext');
  return catalog;
}

export function useFlowStoreApi(): FlowEditorStore {
  const store = useContext(FlowStoreContext);
  if (!store) throw new Error('useFlowStore outside FlowStoreContext');
  return store;
}

export function useFlow<T>(selector: (state: FlowEditorState) => T): T {
  return useStore(useFlowStoreApi(), selector);
}
