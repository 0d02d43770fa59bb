import { describe, expect, it } from 'vitest';
import { k, ring, snap } from '../test/keys';
import { buildTreeModel } from '../tree/model';
import { runSearch } from '../tree/search';
import { graphSubset, neighbourhood } from './subset';

// _ses(1) → a(2) → x(4), _ses → b(3) → yy(5); .user_reg(10) kernel-held; tok(20) unreachable.
const s = snap(
  [ring(1, '_ses', [2, 3]), ring(2, 'a', [4]), ring(3, 'b', [5]), k(4, 'x'), k(5, 'yy'), ring(10, '.user_reg', []), k(20, 'tok')],
  { session: 1 },
);
const tree = buildTreeModel(new Map(s.keys.map((x) => [x.id, x])), s.anchors);
const sorted = (set: ReadonlySet<number> | null) => (set ? [...set].sort((a, b) => a - b) : null);

describe('graph subset', () => {
  it("defaults to this process's keyrings; 'all' is every key", () => {
    expect(sorted(graphSubset(tree, { scope: 'process', focusId: null, search: null, filterMatches: false }))).toEqual([1, 2, 3, 4, 5]);
    expect(graphSubset(tree, { scope: 'all', focusId: null, search: null, filterMatches: false })).toBeNull();
  });

  it('a neighbourhood is the key, its keyrings up to the root, and its own members', () => {
    expect(sorted(neighbourhood(tree, 2))).toEqual([1, 2, 4]);
    expect(sorted(neighbourhood(tree, 5))).toEqual([1, 3, 5]);
    // Without a selection: the first anchor's.
    expect(sorted(graphSubset(tree, { scope: 'neighbourhood', focusId: null, search: null, filterMatches: false }))).toEqual([1, 2, 3]);
    expect(neighbourhood(tree, 999)).toBeNull();
  });

  it('"Only matches" narrows the scope to the matches and the keyrings on their paths', () => {
    const search = runSearch(tree.keys, tree.parents, 'yy');
    expect(sorted(graphSubset(tree, { scope: 'process', focusId: null, search, filterMatches: true }))).toEqual([1, 3, 5]);
    // Dimming, not filtering, without "Only matches".
    expect(sorted(graphSubset(tree, { scope: 'process', focusId: null, search, filterMatches: false }))).toEqual([1, 2, 3, 4, 5]);
    // A match outside the scope is not drawn.
    const tok = runSearch(tree.keys, tree.parents, 'tok');
    expect(sorted(graphSubset(tree, { scope: 'process', focusId: null, search: tok, filterMatches: true }))).toEqual([]);
    expect(sorted(graphSubset(tree, { scope: 'all', focusId: null, search: tok, filterMatches: true }))).toEqual([20]);
  });
});

describe('the default scope', () => {
  it("is this process's keyrings, every keyring in the system view, and the user's choice once made", async () => {
    const { graphScopeOf } = await import('./graphState');
    expect(graphScopeOf(null, undefined)).toBe('process');
    expect(graphScopeOf(null, { kind: 'process' })).toBe('process');
    expect(graphScopeOf(null, { kind: 'all' })).toBe('all');
    expect(graphScopeOf(null, { kind: 'uid', uid: 1000 })).toBe('all');
    expect(graphScopeOf('neighbourhood', { kind: 'all' })).toBe('neighbourhood');
    // "This process only" leaves this process's keyrings: All keyrings reads as them, a neighbourhood stays one.
    expect(graphScopeOf(null, { kind: 'all' }, true)).toBe('process');
    expect(graphScopeOf('all', undefined, true)).toBe('process');
    expect(graphScopeOf('neighbourhood', undefined, true)).toBe('neighbourhood');
  });
});
