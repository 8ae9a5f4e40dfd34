import type { PortDefinition } from '@wirehook/flow';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { useCatalog, useFlow } from '../../flow/context';
import type { EditorNode } from '../../flow/model';
import { nodeSummary, PORT_COLORS } from '../../flow/summary';

function Port({ port, side }: { port: PortDefinition; side: 'in' | 'out' }) {
  const color = PORT_COLORS[port.type] ?? PORT_COLORS.any;
  return (
    <div className={`port port-${side}`} title={`${port.label}: ${port.type}${port.required ? ' (required)' : ''}`}>
      <Handle
        type={side === 'in' ? 'target' : 'source'}
        position={side === 'in' ? Position.Left : Position.Right}
        id={port.id}
        className="port-handle"
        style={{ background: color }}
        data-testid={`handle-${side}-${port.id}`}
      />
      <span className="port-label">{port.label}</span>
      <span className="port-type" style={{ color }}>
        {port.type === 'same-as-input' || port.type === port.label ? '' : port.type}
      </span>
    </div>
  );
}

/**
 * A flow node on the canvas: its type and label, what its parameters say, typed input and output
 * handles, and the validation issues that name it (red when there are errors).
 */
function FlowNodeViewInner({ id, data, selected }: NodeProps<EditorNode>) {
  const catalog = useCatalog();
  const issues = useFlow((s) => s.issuesByNode[id]);
  const definition = catalog.get(data.type);
  const ports = definition?.ports(data.params) ?? { inputs: [], outputs: [] };
  const errors = (issues ?? []).filter((i) => i.severity === 'error');
  const warnings = (issues ?? []).filter((i) => i.severity === 'warning');
  const classes = ['flow-node', `cat-${definition?.category ?? 'unknown'}`, selected ? 'selected' : '', errors.length ? 'has-errors' : warnings.length ? 'has-warnings' : ''];
  return (
    <div className={classes.join(' ')} data-testid="flow-node" data-node-id={id} data-node-type={data.type}>
      <div className="flow-node-head">
        <span className="flow-node-title">{definition?.title ?? data.type}</span>
        <span className="flow-node-id">{data.label || id}</span>
        {(errors.length > 0 || warnings.length > 0) && (
          <span className={errors.length ? 'issue-badge error' : 'issue-badge warn'} title={(issues ?? []).map((i) => i.message).join('\n')} data-testid="node-issue-badge">
            {errors.length || warnings.length}
          </span>
        )}
      </div>
      <div className="flow-node-summary">{nodeSummary(definition, data.params)}</div>
      <div className="flow-node-ports">
        <div className="ports-in">
          {ports.inputs.map((p) => (
            <Port key={p.id} port={p} side="in" />
          ))}
        </div>
        <div className="ports-out">
          {ports.outputs.map((p) => (
            <Port key={p.id} port={p} side="out" />
          ))}
        </div>
      </div>
      {(errors.length > 0 || warnings.length > 0) && (
        <ul className="flow-node-issues" data-testid="node-issues">
          {[...errors, ...warnings].slice(0, 3).map((issue, i) => (
            <li key={i} className={issue.severity === 'error' ? 'error-text' : 'warn-text'}>
              {issue.message.replace(/^node "[^"]*"( \([^)]*\))?: /, '')}
            </li>
          ))}
          {errors.length + warnings.length > 3 && <li className="muted">…{errors.length + warnings.length - 3} more</li>}
        </ul>
      )}
    </div>
  );
}

export const FlowNodeView = memo(FlowNodeViewInner);

/** Defined once, outside components: React Flow re-creates nodes when this object changes. */
export const NODE_TYPES = { wirehook: FlowNodeView };
