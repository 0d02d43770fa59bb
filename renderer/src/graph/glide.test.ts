import { describe, expect, it } from 'vitest';
import { glides } from './glide';
import type { LayoutResult } from './layout';

const at = (positions: Record<string, [number, number]>): LayoutResult => ({ id: 1, positions, boxes: [], ms: 0 });

describe('glides', () => {
  const quick = at({ a: [0, 0], b: [300, 0] });
  const layers = at({ a: [0, 0], b: [300, 80] });
  const same = at({ a: [0, 0], b: [300, 0] });

  it('glides when the quick arrangement gives way to the layers and a node moves', () => {
    expect(glides({ layout: quick, source: 'quick' }, { layout: layers, source: 'exact' }, ['a', 'b'])).toBe(true);
  });

  it('does not when nothing moves (a tree: the quick arrangement was the final one), nor on any other change', () => {
    expect(glides({ layout: quick, source: 'quick' }, { layout: same, source: 'exact' }, ['a', 'b'])).toBe(false);
    // A live change drawn first with the older layout: the view stays put.
    expect(glides({ layout: quick, source: 'older' }, { layout: layers, source: 'exact' }, ['a', 'b'])).toBe(false);
    expect(glides({ layout: quick, source: 'exact' }, { layout: layers, source: 'exact' }, ['a', 'b'])).toBe(false);
    expect(glides({ layout: quick, source: 'quick' }, { layout: layers, source: 'older' }, ['a', 'b'])).toBe(false);
    // Only the nodes drawn count: a node the new layout adds is not a move.
    expect(glides({ layout: quick, source: 'quick' }, { layout: at({ ...same.positions, c: [9, 9] }), source: 'exact' }, ['a', 'b', 'c'])).toBe(false);
  });
});
