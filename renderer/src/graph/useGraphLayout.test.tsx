// The layout hook on a busy host: the structure changes while the worker lays it out. A finished layout must be
// drawn even when a newer one was asked for meanwhile, and something is drawn before any answer.
import { act, renderHook } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { k, ring, snap } from '../test/keys';
import { buildTreeModel } from '../tree/model';
import type { LayoutRequest, LayoutResult } from './layout';
import { buildGraphModel } from './model';

const asked: { req: LayoutRequest; answer: (r: LayoutResult) => void }[] = [];
vi.mock('./layoutClient', () => ({
  layoutThread: 'test',
  requestLayout: (req: LayoutRequest) => new Promise<LayoutResult>((answer) => asked.push({ req, answer })),
  cancelLayouts: () => {},
}));
const { useGraphLayout } = await import('./useGraphLayout');

const modelWith = (extra: number) => {
  const leaves = Array.from({ length: extra }, (_, i) => k(100 + i, `key${i}`));
  const s = snap([ring(1, '_ses', [2, ...leaves.map((x) => x.id)]), ring(2, 'a', []), ...leaves], { session: 1 });
  return buildGraphModel(buildTreeModel(new Map(s.keys.map((x) => [x.id, x])), s.anchors));
};
const workerAnswer = (req: LayoutRequest): LayoutResult => ({
  id: req.id,
  positions: Object.fromEntries(req.nodes.map((n, i) => [n.id, [1000, i * 100] as [number, number]])),
  boxes: [],
  ms: 1,
});

describe('useGraphLayout', () => {
  it('draws a quick arrangement at once, then an older finished layout, then the exact one', async () => {
    const first = modelWith(3);
    const { result, rerender } = renderHook(({ m }) => useGraphLayout(m), { initialProps: { m: first } });
    expect(result.current.source).toBe('quick');
    expect(result.current.pending).toBe(true);
    for (const n of first.nodes) expect(result.current.layout!.positions[n.id]).toBeDefined();

    // A poll adds a key before the worker answers: a second request goes out.
    const second = modelWith(4);
    rerender({ m: second });
    expect(asked).toHaveLength(2);
    // The first answer arrives: it is drawn (it places most of the nodes), not dropped.
    await act(async () => asked[0]!.answer(workerAnswer(asked[0]!.req)));
    expect(result.current.source).toBe('older');
    expect(result.current.layout!.id).toBe(asked[0]!.req.id);
    expect(result.current.pending).toBe(true);

    await act(async () => asked[1]!.answer(workerAnswer(asked[1]!.req)));
    expect(result.current.source).toBe('exact');
    expect(result.current.layout!.id).toBe(asked[1]!.req.id);
    expect(result.current.pending).toBe(false);
  });

  it('keeps the quick arrangement and says why when the layout fails', async () => {
    const { result } = renderHook(() => useGraphLayout(modelWith(7)));
    const last = asked[asked.length - 1]!;
    await act(async () => last.answer({ id: last.req.id, positions: {}, boxes: [], ms: 0, error: 'boom' }));
    expect(result.current.error).toBe('boom');
    expect(result.current.pending).toBe(false);
    expect(result.current.source).not.toBe('exact');
    expect(Object.keys(result.current.layout!.positions).length).toBeGreaterThan(0);
  });
});
