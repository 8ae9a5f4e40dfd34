import { Background, Controls, MiniMap, Panel, ReactFlow, useReactFlow, type FinalConnectionState } from '@xyflow/react';
import { useCallback, useState, type DragEvent } from 'react';
import { useCatalog, useFlow, useFlowStoreApi } from '../../flow/context';
import type { EditorNode } from '../../flow/model';
import { recordUndoPoint } from '../../flow/store';
import { NODE_TYPES } from './FlowNodeView';
import { PALETTE_MIME } from './Palette';

const CATEGORY_COLORS: Record<string, string> = { trigger: '#f59e0b', logic: '#3b82f6', action: '#10b981' };

/** The React Flow canvas: drop from the palette, typed handles, connections checked by canConnect, minimap and controls. */
export function FlowCanvas({ readOnly }: { readOnly: boolean }) {
  const store = useFlowStoreApi();
  const catalog = useCatalog();
  const nodes = useFlow((s) => s.nodes);
  const edges = useFlow((s) => s.edges);
  const refused = useFlow((s) => s.refused);
  const onNodesChange = useFlow((s) => s.onNodesChange);
  const onEdgesChange = useFlow((s) => s.onEdgesChange);
  const isValidConnection = useFlow((s) => s.isValidConnection);
  const connect = useFlow((s) => s.connect);
  const { screenToFlowPosition } = useReactFlow();
  // Fit the view to a loaded flow once; a new, empty flow keeps the view where nodes are dropped.
  const [fitOnLoad] = useState(() => store.getState().nodes.length > 0);

  const onDrop = useCallback(
    (event: DragEvent) => {
      event.preventDefault();
      const type = event.dataTransfer.getData(PALETTE_MIME);
      if (!type || readOnly) return;
      store.getState().addNode(type, screenToFlowPosition({ x: event.clientX - 20, y: event.clientY - 20 }));
    },
    [store, screenToFlowPosition, readOnly],
  );

  const onConnectEnd = useCallback(
    (_event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      // Dropped on nothing: no refusal to report. Dropped on a handle that was refused: the reason stays shown.
      if (!state.toHandle) store.getState().clearRefused();
    },
    [store],
  );

  return (
    <div className="canvas" onDragOver={(e) => (e.preventDefault(), (e.dataTransfer.dropEffect = 'move'))} onDrop={onDrop} data-testid="flow-canvas">
      <ReactFlow<EditorNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={connect}
        onConnectStart={() => store.getState().clearRefused()}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        onNodeDragStart={() => recordUndoPoint(store)}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        deleteKeyCode={null}
        fitView={fitOnLoad}
        fitViewOptions={{ maxZoom: 1, padding: 0.2 }}
        minZoom={0.2}
        defaultEdgeOptions={{ type: 'smoothstep' }}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={16} />
        <MiniMap pannable zoomable nodeColor={(n) => CATEGORY_COLORS[catalog.get((n.data as EditorNode['data']).type)?.category ?? ''] ?? '#9ca3af'} />
        <Controls />
        {refused && (
          <Panel position="bottom-center">
            <div className="refused" data-testid="connection-refused" role="alert">
              Connection refused: {refused}
            </div>
          </Panel>
        )}
      </ReactFlow>
    </div>
  );
}
