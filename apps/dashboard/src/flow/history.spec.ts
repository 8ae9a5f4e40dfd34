import { emptyHistory, HISTORY_LIMIT, record, redo, snapshotOf, undo, type Snapshot } from './history';
import type { EditorNode } from './model';

const node = (id: string, x = 0, selected = false): EditorNode => ({ id, type: 'wirehook', position: { x, y: 0 }, data: { type: 'logic.filterField', version: 1, params: {} }, selected });
const snap = (...ids: string[]): Snapshot => ({ nodes: ids.map((id) => node(id)), edges: [] });
const ids = (s: Snapshot) => s.nodes.map((n) => n.id);

describe('undo/redo history', () => {
  it('undoes and redoes in order, and a new change clears redo', () => {
    let h = emptyHistory();
    h = record(h, snap());
    h = record(h, snap('a'));
    const current = snap('a', 'b');
    const u1 = undo(h, current)!;
    expect(ids(u1.snapshot)).toEqual(['a']);
    const u2 = undo(u1.history, u1.snapshot)!;
    expect(ids(u2.snapshot)).toEqual([]);
    expect(undo(u2.history, u2.snapshot)).toBeUndefined();
    const r1 = redo(u2.history, u2.snapshot)!;
    expect(ids(r1.snapshot)).toEqual(['a']);
    const changed = record(r1.history, r1.snapshot);
    expect(redo(changed, snap('a', 'c'))).toBeUndefined();
  });

  it('makes repeated changes with one key (typing in one field) a single step', () => {
    let h = emptyHistory();
    h = record(h, snap('a'), 'param:a:path');
    h = record(h, snap('a', 'x'), 'param:a:path');
    h = record(h, snap('a', 'xy'), 'param:a:path');
    expect(h.past).toHaveLength(1);
    h = record(h, snap('a', 'xyz'), 'param:a:value');
    expect(h.past).toHaveLength(2);
  });

  it('keeps at most HISTORY_LIMIT steps', () => {
    let h = emptyHistory();
    for (let i = 0; i < HISTORY_LIMIT + 20; i++) h = record(h, snap(`n${i}`));
    expect(h.past).toHaveLength(HISTORY_LIMIT);
    expect(ids(h.past[0])).toEqual(['n20']);
  });

  it('leaves selection and measurements out of snapshots', () => {
    const s = snapshotOf([{ ...node('a', 5, true), measured: { width: 10, height: 10 }, dragging: true }], [{ id: 'e', source: 'a', target: 'b', selected: true }]);
    expect(s.nodes[0]).toEqual({ id: 'a', type: 'wirehook', position: { x: 5, y: 0 }, data: node('a').data });
    expect(s.edges[0]).toEqual({ id: 'e', source: 'a', sourceHandle: undefined, target: 'b', targetHandle: undefined });
  });
});
