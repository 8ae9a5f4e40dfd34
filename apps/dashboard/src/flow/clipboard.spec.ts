import { copySelection, pasteClip } from './clipboard';
import type { EditorEdge, EditorNode } from './model';

const node = (id: string, type: string, selected: boolean): EditorNode => ({ id, type: 'wirehook', position: { x: 10, y: 20 }, data: { type, version: 1, params: { path: 'response.status' } }, selected });

describe('copy and paste', () => {
  const nodes = [node('onItemCaptured1', 'trigger.onItemCaptured', false), node('filterField1', 'logic.filterField', true), node('log1', 'action.console.log', true)];
  const edges: EditorEdge[] = [
    { id: 'e1', source: 'onItemCaptured1', sourceHandle: 'out', target: 'filterField1', targetHandle: 'in' },
    { id: 'e2', source: 'filterField1', sourceHandle: 'out', target: 'log1', targetHandle: 'in' },
  ];

  it('copies the selected nodes and only the edges between them', () => {
    const clip = copySelection(nodes, edges)!;
    expect(clip.nodes.map((n) => n.id)).toEqual(['filterField1', 'log1']);
    expect(clip.edges.map((e) => e.id)).toEqual(['e2']);
    expect(copySelection(nodes.map((n) => ({ ...n, selected: false })), edges)).toBeUndefined();
  });

  it('pastes with fresh ids, moved, selected, edges rewired, parameters copied not shared', () => {
    const clip = copySelection(nodes, edges)!;
    const pasted = pasteClip(clip, new Set(nodes.map((n) => n.id)), { x: 40, y: 40 });
    expect(pasted.nodes.map((n) => n.id)).toEqual(['filterField2', 'log2']);
    expect(pasted.nodes.every((n) => n.selected && n.position.x === 50 && n.position.y === 60)).toBe(true);
    expect(pasted.edges).toEqual([{ id: 'filterField2.out->log2.in', source: 'filterField2', sourceHandle: 'out', target: 'log2', targetHandle: 'in' }]);
    pasted.nodes[0].data.params.path = 'changed';
    expect(clip.nodes[0].data.params.path).toBe('response.status');
  });
});
