import { describe, expect, it } from 'vitest';
import { rowRange } from './useRowWindow';

describe('rowRange', () => {
  it('draws the rows in view and the overscan each side, within the list', () => {
    // 26 px rows, a 260 px viewport at the top: rows 0-9 in view, 3 more below.
    expect(rowRange(100, 26, 0, 260, 3)).toEqual({ first: 0, last: 12 });
    // Scrolled to row 40 exactly: 40-49 in view.
    expect(rowRange(100, 26, 40 * 26, 260, 3)).toEqual({ first: 37, last: 52 });
    // Half a row scrolled: row 40 is partly in view, so is row 50.
    expect(rowRange(100, 26, 40 * 26 + 13, 260, 3)).toEqual({ first: 37, last: 53 });
    expect(rowRange(100, 26, 95 * 26, 260, 3)).toEqual({ first: 92, last: 99 });
  });

  it('draws nothing for no rows, and the last rows when the scroll position is past a list that got shorter', () => {
    expect(rowRange(0, 26, 0, 260, 3)).toEqual({ first: 0, last: -1 });
    expect(rowRange(5, 26, 1000 * 26, 260, 3)).toEqual({ first: 1, last: 4 });
    expect(rowRange(1, 26, 0, 0, 12)).toEqual({ first: 0, last: 0 });
  });
});
