import type { NodeDefinition } from '@wirehook/flow';
import { useMemo, useState } from 'react';
import { useCatalog } from '../../flow/context';

/** The drag payload type of a palette entry. */
export const PALETTE_MIME = 'application/x-wirehook-node';

const CATEGORY_TITLES: Record<string, string> = { trigger: 'Triggers', logic: 'Logic', action: 'Actions' };

/**
 * Every node type of the catalog: one trigger per hook plus the schedule, the logic nodes, and the
 * actions (console.log, hub.action, prometheus.metric, and each installed plugin's helpers). Drag
 * one onto the canvas, or click + to add it in the middle of the view.
 */
export function Palette({ onAdd, disabled }: { onAdd(type: string): void; disabled?: boolean }) {
  const catalog = useCatalog();
  const [search, setSearch] = useState('');
  const groups = useMemo(() => {
    const text = search.trim().toLowerCase();
    const byCategory = new Map<string, NodeDefinition[]>();
    for (const definition of catalog.list()) {
      if (text && !`${definition.title} ${definition.type} ${definition.description}`.toLowerCase().includes(text)) continue;
      const list = byCategory.get(definition.category) ?? [];
      list.push(definition);
      byCategory.set(definition.category, list);
    }
    return [...byCategory.entries()];
  }, [catalog, search]);

  return (
    <aside className="palette" data-testid="palette">
      <input placeholder="Find a node" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Find a node" />
      {groups.map(([category, definitions]) => (
        <div key={category} className="palette-group">
          <div className="palette-group-title">{CATEGORY_TITLES[category] ?? category}</div>
          {definitions.map((d, i) => (
            <div key={d.type}>
              {d.plugin && d.plugin.name !== definitions[i - 1]?.plugin?.name && (
                <div className="palette-plugin" title={`${d.plugin.name}@${d.plugin.version}`}>
                  {d.plugin.name}@{d.plugin.version}
                </div>
              )}
              <div
                className={`palette-item cat-${d.category}`}
                draggable={!disabled}
                onDragStart={(event) => {
                  event.dataTransfer.setData(PALETTE_MIME, d.type);
                  event.dataTransfer.effectAllowed = 'move';
                }}
                title={`${d.description}${d.plugin ? `\n(plugin ${d.plugin.name}@${d.plugin.version})` : ''}`}
                data-testid={`palette-${d.type}`}
              >
                <span className="palette-item-title">{d.title}</span>
                {!disabled && (
                  <button className="palette-add" onClick={() => onAdd(d.type)} aria-label={`Add ${d.title}`} data-testid={`palette-add-${d.type}`}>
                    +
                  </button>
                )}
              </div>
            </div>
          ))}
        </div>
      ))}
      {catalog.problems.length > 0 && (
        <div className="warn-text small" title={catalog.problems.join('\n')}>
          {catalog.problems.length} plugin node(s) could not be offered
        </div>
      )}
    </aside>
  );
}
