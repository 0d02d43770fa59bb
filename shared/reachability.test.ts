import { describe, expect, it } from 'vitest';
import { graphRoots, isKernelHeldKeyring, walkReachable, type LinkedKey } from './reachability';
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
