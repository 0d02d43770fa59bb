import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyPositions, KeySet } from './keyPositions';

describe('KeyPositions', () => {
  it('numbers the keys by id, whatever the order of the map, and finds each (and no other) id', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 40 }), (ids) => {
        const keys = new Map(ids.map((id) => [id, { id }]));
        const p = KeyPositions.of(keys)!;
        const sorted = [...ids].sort((a, b) => a - b);
        expect([...p.ids]).toEqual(sorted);
        sorted.forEach((id, i) => {
          expect(p.find(id)).toBe(i);
          expect(p.keyAt[i]).toBe(keys.get(id));
        });
        for (const other of [-1, 0.5, 2 ** 32, NaN]) expect(p.find(other)).toBe(-1);
      }),
      { numRuns: 300 },
    );
  });

  it('declines ids it cannot number: a fraction, a negative id, 2^32', () => {
    for (const odd of [1.5, -2, 2 ** 32]) expect(KeyPositions.of(new Map([[1, {}], [odd, {}]]))).toBeNull();
  });
});

describe('KeySet', () => {
  it('holds what was added, once, in the order added, as a Set would', () => {
    const p = KeyPositions.of(new Map([7, 3, 0x40000000, 0x7fffffff].map((id) => [id, { id }])))!;
    const set = new KeySet(p);
    const plain = new Set<number>();
    for (const id of [0x7fffffff, 3, 0x7fffffff, 7]) {
      expect(set.addAt(p.find(id))).toBe(!plain.has(id));
      plain.add(id);
    }
    expect(set.size).toBe(3);
    expect([...set]).toEqual([...plain]);
    expect([...set.entries()]).toEqual([...plain.entries()]);
    const seen: number[] = [];
    set.forEach((id) => seen.push(id));
    expect(seen).toEqual([0x7fffffff, 3, 7]);
    expect(set.has(3)).toBe(true);
    expect(set.has(0x40000000)).toBe(false);
    expect(set.has(5)).toBe(false);
    expect(set.hasAt(p.find(0x40000000))).toBe(false);
  });
});
