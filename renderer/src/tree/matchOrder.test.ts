import { describe, expect, it } from 'vitest';
import { k } from '../test/keys';
import type { FlatRow } from './flatten';
import { currentMatch, matchOrderOf, stepMatch } from './matchOrder';

const keyRow = (id: number, rowId: string, match: boolean): FlatRow => ({
  kind: 'key', rowId, depth: 1, key: k(id, `k${id}`), anchor: null, parentKeyId: null,
  expandable: false, expanded: false, shared: false, cycle: false, match, dim: !match,
});

describe('stepping through matches', () => {
  const rows = [keyRow(5, 'a/5', true), keyRow(6, 'a/6', false), keyRow(7, 'a/7', true), keyRow(5, 'b/5', true), keyRow(9, 'b/9', true)];

  it('stops once per matched key, at its first row, top to bottom', () => {
    expect(Array.from(matchOrderOf(rows).rowIndex, (i) => rows[i]!.rowId)).toEqual(['a/5', 'a/7', 'b/9']);
  });

  it('starts from the selection when it matched, else from the focused row', () => {
    const order = matchOrderOf(rows);
    expect(currentMatch(order, 7, 5)).toBe(1);
    expect(currentMatch(order, 6, 9)).toBe(2);
    expect(currentMatch(order, null, null)).toBe(-1);
  });

  it('wraps both ways, and from nowhere goes to the first or the last', () => {
    expect(stepMatch(3, 2, 1)).toBe(0);
    expect(stepMatch(3, 0, -1)).toBe(2);
    expect(stepMatch(3, -1, 1)).toBe(0);
    expect(stepMatch(3, -1, -1)).toBe(2);
    expect(stepMatch(0, -1, 1)).toBe(-1);
  });
});
