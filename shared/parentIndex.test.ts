import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { anyParentIn, forEachParent, parentCount, parentIndex } from './parentIndex';
import { parentsMap, parentsOf } from './reachability';

type K = { id: number; links?: readonly number[] | null };

/** Keys from a spec: ids drawn from a small pool (so links hit keys, and miss some: hidden members), in the spec's order. */
function keysOf(spec: { id: number; links: number[] | null }[]): Map<number, K> {
  const keys = new Map<number, K>();
  for (const s of spec) keys.set(s.id, s.links === null ? { id: s.id, links: null } : { id: s.id, links: s.links });
  return keys;
}

const POOL = [1, 2, 3, 7, 0x3fffffff, 0x40000000, 0x40000001, 0x7ffffffe, 0x7fffffff, 2 ** 32 - 1];
const arbSpec = fc.array(
  fc.record({
    id: fc.constantFrom(...POOL),
    // Repeats allowed (the input is tolerated, not trusted), and ids no key has.
    links: fc.option(fc.array(fc.constantFrom(...POOL, 5, 6), { maxLength: 8 }), { nil: null }),
  }),
  { maxLength: 12 },
);

describe('parentIndex', () => {
  it("answers as parentsMap's Map does: the same members, each one's keyrings in the same order, each once in a row", () => {
    fc.assert(
      fc.property(arbSpec, (spec) => {
        const keys = keysOf(spec);
        const index = parentIndex(keys)!;
        const map = parentsMap(keys);
        expect(index).not.toBeNull();
        expect(index.size).toBe(map.size);
        for (const id of [...POOL, 5, 6, 4, 0, -1, 0.5, NaN]) {
          expect(index.get(id)).toEqual(map.get(id));
          expect(index.has(id)).toBe(map.has(id));
          // The passes over every key ask without the array get() makes: the same answers, from either.
          for (const set of [keys, new Set([1, 7, 0x40000000]), new Set<number>()]) {
            const some = map.get(id)?.some((p) => set.has(p)) ?? false;
            expect(anyParentIn(index, id, set)).toBe(some);
            expect(anyParentIn(map, id, set)).toBe(some);
          }
          expect(parentCount(index, id)).toBe(map.get(id)?.length ?? 0);
          expect(parentCount(map, id)).toBe(map.get(id)?.length ?? 0);
          for (const parents of [index, map]) {
            const each: number[] = [];
            forEachParent(parents, id, (ring) => each.push(ring));
            expect(each).toEqual(map.get(id) ?? []);
          }
        }
        // Iteration (by member id) holds the same entries, each once.
        expect(new Map(index)).toEqual(map);
        const seen: number[] = [];
        index.forEach((list, id) => {
          seen.push(id);
          expect(list).toEqual(map.get(id));
        });
        expect(seen).toEqual([...map.keys()].sort((a, b) => a - b));
        expect([...index.keys()]).toEqual(seen);
      }),
      { numRuns: 500 },
    );
  });

  it('lists a member linked from several keyrings in the order the keys are met, a repeated link once', () => {
    const keys = keysOf([
      { id: 0x7fffffff, links: [0x40000001, 9] },
      { id: 3, links: [9, 9, 0x40000001] },
      { id: 0x40000000, links: [9] },
    ]);
    const index = parentIndex(keys)!;
    expect(index.get(9)).toEqual([0x7fffffff, 3, 0x40000000]);
    expect(index.get(0x40000001)).toEqual([0x7fffffff, 3]);
    expect(index.get(3)).toBeUndefined();
    expect(index.size).toBe(2);
  });

  it('declines links it cannot code (a fraction, a negative id, 2^32), and parentsOf builds the Map for them', () => {
    for (const odd of [1.5, -4, 2 ** 32]) {
      const keys = keysOf([{ id: 1, links: [2, odd] }]);
      expect(parentIndex(keys)).toBeNull();
      expect(parentsOf(keys)).toEqual(new Map([[2, [1]], [odd, [1]]]));
    }
  });

  it('holds no keys when nothing links anything', () => {
    const index = parentIndex(keysOf([{ id: 1, links: [] }, { id: 2, links: null }]))!;
    expect(index.size).toBe(0);
    expect(index.get(1)).toBeUndefined();
    expect([...index]).toEqual([]);
  });
});
