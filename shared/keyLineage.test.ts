import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idsThatMayDiffer, isSortedById, recordDerived, withKeys } from './keyLineage';
import type { KeyInfo } from './snapshot';
import { testKey } from './testing';

/** A base of keys in id order, and what a poll does to it: replace some, remove some, add keys of new ids. */
const arbEdit = fc
  .uniqueArray(fc.integer({ min: 1, max: 400 }), { maxLength: 120 })
  .chain((ids) => {
    const base = [...ids].sort((a, b) => a - b).map((id) => testKey(id));
    return fc.record({
      base: fc.constant(base),
      replace: fc.subarray(ids),
      remove: fc.subarray(ids),
      // At most 120 of the 400 ids are taken, so the filter keeps at least 7 draws in 10.
      add: fc.uniqueArray(fc.integer({ min: 1, max: 400 }).filter((id) => !ids.includes(id)), { maxLength: 60 }),
    });
  });

describe('withKeys', () => {
  it('gives what replacing, removing and adding key by key gives, in id order, with the untouched keys themselves', () => {
    fc.assert(
      fc.property(arbEdit, ({ base, replace, remove, add }) => {
        const replacing = new Map(replace.map((id) => [id, testKey(id, { usage: 7 })]));
        const adding = add.map((id) => testKey(id, { usage: 9 }));
        const removing = new Set(remove);
        const out = withKeys(base, replacing, adding, removing);
        const expected = [...base.filter((k) => !removing.has(k.id)).map((k) => replacing.get(k.id) ?? k), ...adding].sort((a, b) => a.id - b.id);
        expect(out).toEqual(expected);
        out.forEach((k, i) => expect(k).toBe(expected[i]));
        // Ids it was not told about are ignored.
        expect(withKeys(base, new Map([[401, testKey(401)]]), [], new Set([402]))).toEqual(base);
        // Its lineage names every id that differs.
        const named = new Set(idsThatMayDiffer(base, out));
        for (const k of out) if (!base.includes(k)) expect(named.has(k.id)).toBe(true);
        for (const k of base) if (!out.includes(k)) expect(named.has(k.id)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});

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
    const left = withKeys(base, new Map([[1, testKey(1, { usage: 5 })]]), [], new Set());
    const right = withKeys(base, new Map(), [testKey(4)], new Set([3]));
    const further = withKeys(right, new Map([[2, testKey(2, { usage: 6 })]]), [], new Set());
    expect(idsThatMayDiffer(left, further)).toEqual([1, 2, 3, 4]);
    expect(idsThatMayDiffer(further, base)).toEqual([2, 3, 4]);
    expect(idsThatMayDiffer([...base], further)).toBeNull();
  });
});
