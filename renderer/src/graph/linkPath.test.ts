import { describe, expect, it } from 'vitest';
import { routedPath } from './linkPath';

describe('routedPath', () => {
  it('draws right angles through the corners, each rounded, and skips corners that make no turn', () => {
    expect(routedPath(0, 0, [[50, 0], [50, 100]], 120, 100)).toBe('M0 0 L44 0 Q50 0 50 6 L50 94 Q50 100 56 100 L120 100');
    // A run that stays level (the lane at the source's own height) has no corner.
    expect(routedPath(0, 10, [[50, 10], [50, 10], [150, 10], [150, 10]], 200, 10)).toBe('M0 10 L200 10');
  });
});
