import { autoLayout } from './layout';
import type { EditorEdge, EditorNode } from './model';

const node = (id: string): EditorNode => ({ id, type: 'wirehook', position: { x: 0, y: 0 }, data: { type: 't', version: 1, params: {} } });

describe('auto-layout', () => {
  it('lays a flow out left to right in layers, without overlaps', () => {
    const nodes = ['trigger', 'filter', 'log', 'hook', 'metric'].map(node);
    const edges: EditorEdge[] = [
      { id: '1', source: 'trigger', target: 'filter' },
      { id: '2', source: 'filter', target: 'log' },
      { id: '3', source: 'filter', target: 'hook' },
      { id: '4', source: 'trigger', target: 'metric' },
    ];
    const placed = new Map(autoLayout(nodes, edges).map((n) => [n.id, n.position]));
    const x = (id: string) => placed.get(id)!.x;
    expect(x('trigger')).toBeLessThan(x('filter'));
    expect(x('filter')).toBeLessThan(x('log'));
    expect(x('log')).toBe(x('hook'));
    const sameColumn = [placed.get('log')!, placed.get('hook')!];
    expect(Math.abs(sameColumn[0].y - sameColumn[1].y)).toBeGreaterThanOrEqual(110);
  });

  it('uses the measured node sizes when there are any', () => {
    const wide = { ...node('a'), measured: { width: 600, height: 50 } };
    const [a, b] = autoLayout([wide, node('b')], [{ id: 'e', source: 'a', target: 'b' }]);
    expect(b.position.x - a.position.x).toBeGreaterThanOrEqual(600);
  });
});
