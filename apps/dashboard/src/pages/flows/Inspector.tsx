import { validateCron, type JsonObject, type JsonValue, type ParameterDefinition } from '@wirehook/flow';
import { validateKfl } from '@wirehook/runtime';
import { useCatalog, useFlow } from '../../flow/context';
import { parseValueText, valueText } from '../../flow/values';

/** The selected node's label and parameters, each with an editor for its kind. */
export function Inspector({ readOnly }: { readOnly: boolean }) {
  const catalog = useCatalog();
  const nodes = useFlow((s) => s.nodes);
  const selected = nodes.filter((n) => n.selected);
  const issuesByNode = useFlow((s) => s.issuesByNode);
  const issues = selected.length === 1 ? issuesByNode[selected[0].id] : undefined;
  const setParam = useFlow((s) => s.setParam);
  const setLabel = useFlow((s) => s.setLabel);

  if (selected.length === 0) return <div className="muted pad">Select a node to edit it. Drag nodes from the palette; connect an output (right) to an input (left).</div>;
  if (selected.length > 1) return <div className="muted pad">{selected.length} nodes selected (copy, paste or delete them together).</div>;
  const node = selected[0];
  const definition = catalog.get(node.data.type);
  if (!definition) return <div className="error-text pad">Unknown node type {node.data.type}: its plugin is not installed.</div>;
  const applies = (p: ParameterDefinition) => !p.when || p.when.in.includes((node.data.params[p.when.parameter] ?? p.default ?? null) as never);

  return (
    <div className="inspector" data-testid="inspector">
      <div className="inspector-head">
        <strong>{definition.title}</strong> <span className="muted mono">{node.id}</span>
        {definition.plugin && (
          <div className="muted small">
            from {definition.plugin.name}@{definition.plugin.version}
          </div>
        )}
      </div>
      <p className="muted small">{definition.description}</p>
      <label className="field">
        <span>Label</span>
        <input value={node.data.label ?? ''} placeholder={node.id} disabled={readOnly} onChange={(e) => setLabel(node.id, e.target.value)} data-testid="param-label" />
      </label>
      {definition.parameters.filter(applies).map((p) => {
        const problems = (issues ?? []).filter((i) => i.parameter === p.name);
        return (
          <div key={p.name} className="field">
            <span title={p.description}>
              {p.label}
              {p.required ? ' *' : ''}
            </span>
            <ParameterEditor parameter={p} params={node.data.params} readOnly={readOnly} onChange={(value) => setParam(node.id, p.name, value)} />
            <div className="muted small">{p.description}</div>
            {problems.map((i, n) => (
              <div key={n} className={i.severity === 'error' ? 'error-text small' : 'warn-text small'}>
                {i.message.replace(/^node "[^"]*"( \([^)]*\))?: /, '')}
              </div>
            ))}
          </div>
        );
      })}
    </div>
  );
}

function ParameterEditor({ parameter, params, readOnly, onChange }: { parameter: ParameterDefinition; params: JsonObject; readOnly: boolean; onChange(value: JsonValue | undefined): void }) {
  const value = params[parameter.name] ?? parameter.default;
  const testId = `param-${parameter.name}`;
  switch (parameter.kind) {
    case 'boolean':
      return <input type="checkbox" checked={value === true} disabled={readOnly} onChange={(e) => onChange(e.target.checked)} data-testid={testId} />;
    case 'number':
    case 'integer':
      return (
        <input
          type="number"
          value={typeof value === 'number' ? value : ''}
          min={parameter.min}
          max={parameter.max}
          step={parameter.kind === 'integer' ? 1 : 'any'}
          disabled={readOnly}
          onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
          data-testid={testId}
        />
      );
    case 'enum': {
      const options = parameter.options ?? [];
      const index = options.findIndex((o) => o.value === value);
      return (
        <select value={index} disabled={readOnly} onChange={(e) => onChange(options[Number(e.target.value)]?.value)} data-testid={testId}>
          {index < 0 && <option value={-1}>—</option>}
          {options.map((o, i) => (
            <option key={i} value={i}>
              {o.label}
            </option>
          ))}
        </select>
      );
    }
    case 'value':
      return (
        <input
          className="mono"
          value={valueText(value)}
          disabled={readOnly}
          onChange={(e) => onChange(parseValueText(e.target.value))}
          data-testid={testId}
          type={parameter.secret ? 'password' : 'text'}
        />
      );
    case 'code':
      return (
        <textarea className="mono" rows={8} value={typeof value === 'string' ? value : ''} disabled={readOnly} spellCheck={false} onChange={(e) => onChange(e.target.value)} data-testid={testId} />
      );
    case 'cases':
      return <PairList items={Array.isArray(value) ? value : []} keyName="id" readOnly={readOnly} onChange={onChange} testId={testId} />;
    case 'fields':
    case 'labels':
      return <PairList items={Array.isArray(value) ? value : []} keyName="name" readOnly={readOnly} onChange={onChange} testId={testId} stringValues={parameter.kind === 'labels'} />;
    default: {
      const text = typeof value === 'string' ? value : valueText(value);
      const problem = parameter.kind === 'filter' && text ? validateKfl(text)?.message : parameter.kind === 'cron' && text ? validateCron(text) : null;
      return (
        <>
          <input
            className={`mono${problem ? ' invalid' : ''}`}
            value={text}
            disabled={readOnly}
            spellCheck={false}
            type={parameter.secret ? 'password' : 'text'}
            onChange={(e) => onChange(e.target.value)}
            data-testid={testId}
          />
          {problem && <div className="error-text small">{problem}</div>}
        </>
      );
    }
  }
}

/** `cases` ({id, value}), `fields` ({name, value}) and `labels` ({name, value} with string values). */
function PairList({
  items,
  keyName,
  readOnly,
  onChange,
  testId,
  stringValues = false,
}: {
  items: JsonValue[];
  keyName: 'id' | 'name';
  readOnly: boolean;
  onChange(value: JsonValue): void;
  testId: string;
  stringValues?: boolean;
}) {
  const rows = items.map((item) => (item !== null && typeof item === 'object' && !Array.isArray(item) ? item : {}));
  const update = (index: number, patch: JsonObject) => onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  return (
    <div className="pair-list" data-testid={testId}>
      {rows.map((row, i) => (
        <div key={i} className="pair-row">
          <input className="mono" placeholder={keyName} value={typeof row[keyName] === 'string' ? (row[keyName] as string) : ''} disabled={readOnly} onChange={(e) => update(i, { [keyName]: e.target.value })} />
          <input
            className="mono"
            placeholder="value"
            value={valueText(row.value)}
            disabled={readOnly}
            onChange={(e) => update(i, { value: stringValues ? e.target.value : parseValueText(e.target.value) })}
          />
          {!readOnly && (
            <button className="link-button" onClick={() => onChange(rows.filter((_, n) => n !== i))} aria-label="Remove">
              ×
            </button>
          )}
        </div>
      ))}
      {!readOnly && (
        <button className="link-button" onClick={() => onChange([...rows, { [keyName]: keyName === 'id' ? `case${rows.length + 1}` : '', value: '' }])}>
          + add
        </button>
      )}
    </div>
  );
}
