import type { FlowGraph } from '@wirehook/flow';
import { useState } from 'react';
import { installPlugin } from '../../api/plugins';
import type { ImportPreview } from '../../api/types';
import { Notice } from '../../components/Notice';

/**
 * What an imported flow brings: the plugins it needs that are missing here (each with Install),
 * what was migrated and any problems; then open it in the editor (unsaved) to review and save.
 */
export function ImportDialog({ preview, onClose, onOpen }: { preview: ImportPreview; onClose(): void; onOpen(graph: FlowGraph): void }) {
  const [installed, setInstalled] = useState<Record<string, 'busy' | 'done' | string>>({});
  const missing = preview.missing.filter((m) => installed[m.name] !== 'done');
  const install = async (name: string, range: string) => {
    setInstalled((s) => ({ ...s, [name]: 'busy' }));
    try {
      await installPlugin({ package: `${name}@${range}` });
      setInstalled((s) => ({ ...s, [name]: 'done' }));
    } catch (e) {
      setInstalled((s) => ({ ...s, [name]: (e as Error).message }));
    }
  };
  const graph = preview.graph as FlowGraph;
  return (
    <div className="modal-backdrop" role="dialog" aria-modal="true" data-testid="import-dialog">
      <div className="modal">
        <h3>Import “{graph.title}”</h3>
        <p className="muted">
          {graph.nodes.length} node(s), {graph.edges.length} edge(s). Needs: {Object.entries(preview.requires).map(([n, r]) => `${n}@${r}`).join(', ') || 'no plugins'}.
        </p>
        {missing.length > 0 && (
          <Notice tone="warn" testId="import-missing">
            Plugins to install first:
            <ul>
              {missing.map((m) => (
                <li key={m.name}>
                  <code>
                    {m.name}@{m.range}
                  </code>{' '}
                  {m.problem === 'incompatible-version' ? `(installed: ${m.installed})` : '(not installed)'}{' '}
                  <button onClick={() => install(m.name, m.range)} disabled={installed[m.name] === 'busy'}>
                    {m.problem === 'incompatible-version' ? 'Upgrade' : 'Install'}
                  </button>
                  {installed[m.name] && installed[m.name] !== 'busy' && <div className="error-text small">{installed[m.name]}</div>}
                </li>
              ))}
            </ul>
          </Notice>
        )}
        {preview.migrated.length > 0 && <div className="muted small">Migrated: {preview.migrated.join('; ')}</div>}
        {preview.issues.length > 0 && (
          <ul className="small">
            {preview.issues.map((i, n) => (
              <li key={n} className={i.severity === 'error' ? 'error-text' : 'warn-text'}>
                {i.message}
              </li>
            ))}
          </ul>
        )}
        <div className="modal-actions">
          <button onClick={onClose}>Cancel</button>
          <button className="primary" onClick={() => onOpen(graph)} data-testid="import-open">
            {missing.length > 0 ? 'Open anyway' : 'Open in the editor'}
          </button>
        </div>
      </div>
    </div>
  );
}
