import { describe, expect, it } from 'vitest';
import { idsThatMayDiffer, isSortedById, recordDerived } from './keyLineage';
import { KeyRows } from './keyRows';
import type { KeyInfo } from './snapshot';
import { testKey } from './testing';

describe('lineage', () => {
  it('records nothing for a base out of id order, and knows an array in id order', () => {
    const a = [testKey(2), testKey(1)];
    const b = [testKey(1), testKey(2)];
    recordDerived(b, a, []);
    expect(idsThatMayDiffer(a, b)).toBeNull();
    expect(isSortedById(a)).toBe(false);
    expect(isSortedById(b)).toBe(true);
  });

  it('finds the array two were both made from, and names what either changed', () => {
    const base: KeyInfo[] = [testKey(1), testKey(2), testKey(3)];
    // Rows made into arrays record where each came from (keyRows.ts).
    const left = KeyRows.of(base).with([testKey(1, { usage: 5 })]).array();
    const right = KeyRows.of(base).with([testKey(4)], [3]).array();
    const further = KeyRows.of(right).with([testKey(2, { usage: 6 })]).array();
    expect(idsThatMayDiffer(left, further)).toEqual([1, 2, 3, 4]);
    expect(idsThatMayDiffer(further, base)).toEqual([2, 3, 4]);
    expect(idsThatMayDiffer([...base], further)).toBeNull();
  });
});
