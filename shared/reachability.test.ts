import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { graphRoots, isKernelHeldKeyring, parentsOf, walkReachable, type LinkedKey } from './reachability';
import { ANCHOR_ORDER, type Anchors } from './snapshot';
import { NO_ANCHORS } from './testing';

const ring = (id: number, description: string, links: number[] = []): LinkedKey => ({ id, type: 'keyring', description, links });
const key = (id: number, description: string): LinkedKey => ({ id, type: 'user', description, links: null });
const byId = (...keys: LinkedKey[]) => new Map(keys.map((k) => [k.id, k]));

describe('isKernelHeldKeyring', () => {
  it('is a keyring named with a leading dot, nothing else', () => {
    expect(isKernelHeldKeyring({ type: 'keyring', description: '.user_reg' })).toBe(true);
    expect(isKernelHeldKeyring({ type: 'keyring', description: '_ses' })).toBe(false);
    expect(isKernelHeldKeyring({ type: 'user', description: '.hidden' })).toBe(false);
  });
});

describe('walkReachable', () => {
  it('visits every key once through any number of levels, cycles included', () => {
    const members: Record<number, number[]> = { 1: [2, 3], 2: [4], 3: [4, 1], 4: [] };
    const seen: number[] = [];
    const marked = new Set<number>();
    walkReachable([1], (k) => members[k], (k) => !marked.has(k) && marked.add(k) !== undefined && seen.push(k) > 0);
    expect(seen.sort()).toEqual([1, 2, 3, 4]);
  });
});

describe('graphRoots', () => {
  it('reaches from the anchors; kernel-held and orphan roots start what they do not reach', () => {
    const keys = byId(
      ring(1, '_ses', [2]),
      key(2, 'mine'),
      ring(10, '.user_reg', [11]),
      ring(11, '_uid.1000', [12]),
      key(12, 'in a user keyring'),
      ring(20, '.dns_resolver'),
      key(30, 'zz loose key'),
      ring(31, 'a lost ring', [32]),
      key(32, 'in the lost ring'),
    );
    const roots = graphRoots(keys, { ...NO_ANCHORS, session: 1 });
    expect([...roots.reachable].sort((a, b) => a - b)).toEqual([1, 2]);
    expect(roots.kernelRoots).toEqual([20, 10]); // by description: .dns_resolver, .user_reg
    expect(roots.orphanRoots).toEqual([31, 30]); // keyrings first
  });

  it('promotes one key of each unreachable cycle, so every key has a root', () => {
    const keys = byId(ring(1, '_ses'), ring(40, 'b', [41]), ring(41, 'a', [40]), ring(50, 'c', [50]));
    const roots = graphRoots(keys, { ...NO_ANCHORS, session: 1 });
    expect(roots.kernelRoots).toEqual([]);
    expect(roots.orphanRoots).toEqual([40, 50]);
  });

  it('ignores anchors and members it cannot see', () => {
    const keys = byId(ring(1, '_ses', [99]));
    const roots = graphRoots(keys, { ...NO_ANCHORS, session: 1, user: 77 });
    expect([...roots.reachable]).toEqual([1]);
    expect(roots.orphanRoots).toEqual([]);
  });
});

/** graphRoots as it was written first, over walkReachable and one covered set: the reference for the faster walk. */
function referenceRoots(keys: ReadonlyMap<number, LinkedKey>, anchors: Anchors, parents: ReadonlyMap<number, readonly number[]>) {
  const membersOf = (id: number) => keys.get(id)?.links;
  const markIn = (set: Set<number>) => (id: number) => keys.has(id) && !set.has(id) && set.add(id) !== undefined;
  const reachable = new Set<number>();
  walkReachable(ANCHOR_ORDER.map((n) => anchors[n]).filter((id): id is number => id != null), membersOf, markIn(reachable));
  const covered = new Set<number>(reachable);
  const roots: number[] = [];
  for (const k of keys.values()) if (!covered.has(k.id) && !parents.get(k.id)?.some((p) => keys.has(p))) roots.push(k.id);
  const compare = (a: LinkedKey, b: LinkedKey) =>
    (a.type === 'keyring') !== (b.type === 'keyring') ? (a.type === 'keyring' ? -1 : 1) : a.description.localeCompare(b.description) || a.id - b.id;
  roots.sort((a, b) => compare(keys.get(a)!, keys.get(b)!));
  walkReachable(roots, membersOf, markIn(covered));
  if (covered.size < keys.size) {
    for (const k of [...keys.values()].sort((a, b) => a.id - b.id)) {
      if (covered.has(k.id)) continue;
      roots.push(k.id);
      walkReachable([k.id], membersOf, markIn(covered));
    }
  }
  return {
    reachable: [...reachable],
    kernelRoots: roots.filter((r) => isKernelHeldKeyring(keys.get(r)!)),
    orphanRoots: roots.filter((r) => !isKernelHeldKeyring(keys.get(r)!)),
  };
}

describe('graphRoots against its first version', () => {
  it('gives the same reachable keys in the same order, and the same roots, on random graphs with cycles and hidden members', () => {
    // Cycles cost nothing more: every walk here marks a key once, so it is linear in keys and links (≤ 22 × 5).
    const arbGraph = fc.array(
      fc.record({
        ring: fc.boolean(),
        description: fc.constantFrom('.user_reg', '_ses', 'a', 'b', '.dns_resolver'),
        links: fc.array(fc.integer({ min: 1, max: 24 }), { maxLength: 5 }),
      }),
      { maxLength: 22 },
    );
    fc.assert(
      fc.property(arbGraph, fc.array(fc.option(fc.integer({ min: 1, max: 24 })), { minLength: 6, maxLength: 6 }), (spec, picks) => {
        const keys = new Map<number, LinkedKey>();
        spec.forEach((s, i) => {
          const id = i + 1;
          keys.set(id, s.ring ? ring(id, s.description, [...new Set(s.links)]) : key(id, s.description));
        });
        const anchors = Object.fromEntries(ANCHOR_ORDER.map((n, i) => [n, picks[i] ?? null])) as unknown as Anchors;
        const parents = parentsOf(keys);
        const got = graphRoots(keys, anchors, parents);
        const reference = referenceRoots(keys, anchors, parents);
        expect({ ...got, reachable: [...got.reachable] }).toEqual(reference);
        // The same keys in another order (the numbering sorts them first) give the same answers.
        const reversed = new Map([...keys].reverse());
        const fromReversed = graphRoots(reversed, anchors, parentsOf(reversed));
        expect({ ...fromReversed, reachable: [...fromReversed.reachable] }).toEqual(reference);
        // Ids no Float64Array numbering takes (2^32 and up): the walk with Sets, the same answers.
        const far = 2 ** 32;
        const shifted = new Map(
          [...keys].map(([id, k]) => [id + far, { ...k, id: id + far, links: k.links == null ? k.links : k.links.map((m) => m + far) }] as const),
        );
        const shiftedAnchors = Object.fromEntries(Object.entries(anchors).map(([n, id]) => [n, id == null ? null : id + far])) as unknown as Anchors;
        const fromShifted = graphRoots(shifted, shiftedAnchors, parentsOf(shifted));
        const back = (ids: Iterable<number>) => [...ids].map((id) => id - far);
        expect({ reachable: back(fromShifted.reachable), kernelRoots: back(fromShifted.kernelRoots), orphanRoots: back(fromShifted.orphanRoots) }).toEqual(reference);
      }),
      { numRuns: 500 },
    );
  });
});
