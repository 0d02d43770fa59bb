import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KeyInfo } from '../../../shared/snapshot';
import { k, ring, snap } from '../test/keys';
import { FIRST_SCREEN_ROWS, flattenTree, orphansMayBeReached, type FlatRow } from './flatten';
import { applyKeyEdits } from '../store/keyMap';
import { buildTreeModel, completeSections, findRowPath, sectionsReady } from './model';
import { runSearch } from './search';
import { matchOrderOf } from './matchOrder';

function model(keys: KeyInfo[], anchors: Parameters<typeof snap>[1] = {}) {
  const s = snap(keys, anchors);
  return buildTreeModel(new Map(s.keys.map((x) => [x.id, x])), s.anchors);
}
const label = (r: FlatRow) =>
  r.kind === 'section' ? `#${r.section}` : r.kind === 'anchor-none' ? `${r.anchor}:none` : r.kind === 'key' ? `${'  '.repeat(r.depth)}${r.key.description}` : `${r.kind}`;
const flat = (m: ReturnType<typeof model>, opts: Partial<Parameters<typeof flattenTree>[1]> = {}) =>
  flattenTree(m, { expansion: new Map(), search: null, filter: false, ...opts });

describe('flattenTree', () => {
  it('shows the caches an unreadable krb5 collection probably holds under it, marked inferred, not among the orphans', () => {
    const m = model([ring(1, '_ses', [2]), ring(2, '_persistent.1000', [3]), ring(3, '_krb', null), ring(4, 'krb_ccache_6C9qzTw', null), k(5, 'lost')], { session: 1 });
    const rows = flat(m);
    expect(rows.map(label)).toEqual(['#anchors', 'thread:none', 'process:none', '  _ses', '    _persistent.1000', '      _krb', '        krb_ccache_6C9qzTw', 'userSession:none', 'user:none', 'persistent:none', '#orphans', '  lost']);
    const cache = rows.find((r) => r.kind === 'key' && r.key.id === 4);
    expect(cache?.kind === 'key' && cache.inferred).toMatch(/^Probably a credential cache in _krb/);
    // Search reveals it there.
    expect(findRowPath(m, 4)).toEqual(['a:session', 'a:session/2', 'a:session/2/3', 'a:session/2/3/4']);
  });

  it('roots the tree at the anchors in the kernel search order, with absent anchors shown as none', () => {
    const m = model(
      [ring(1, '_ses', []), ring(2, '_uid.1000', []), ring(3, '_uid_ses.1000', []), ring(4, '_pid', []), ring(5, '_persistent.1000', [])],
      { session: 1, user: 2, userSession: 3, process: 4, persistent: 5 },
    );
    expect(flat(m).map(label)).toEqual(['#anchors', 'thread:none', '  _pid', '  _ses', '  _uid_ses.1000', '  _uid.1000', '  _persistent.1000']);
  });

  it('numbers siblings for aria-posinset and aria-setsize', () => {
    const m = model([ring(1, '_ses', [2, 3]), k(2, 'a'), k(3, 'b')], { session: 1 });
    const rows = flat(m);
    const pos = rows.map((r) => `${r.pos}/${r.size}`);
    // section; thread, process, session (with a, b), userSession, user, persistent
    expect(pos).toEqual(['1/1', '1/6', '2/6', '3/6', '1/2', '2/2', '4/6', '5/6', '6/6']);
  });

  it('shows a key linked from two keyrings under each, marked shared', () => {
    const m = model([ring(1, '_ses', [2, 3]), ring(2, 'a', [9]), ring(3, 'b', [9]), k(9, 'cert')], { session: 1 });
    const rows = flat(m).filter((r) => r.kind === 'key' && r.key.id === 9);
    expect(rows.map((r) => r.rowId)).toEqual(['a:session/2/9', 'a:session/3/9']);
    expect(rows.every((r) => r.kind === 'key' && r.shared)).toBe(true);
  });

  it('never loops on a cycle: the repeated keyring is drawn once more, closed', () => {
    const m = model([ring(1, '_ses', [2]), ring(2, 'A', [3]), ring(3, 'B', [2])], { session: 1 });
    const rows = flat(m, { expansion: new Map([['a:session/2/3/2', true]]) });
    expect(rows.map(label)).toEqual(['#anchors', 'thread:none', 'process:none', '  _ses', '    A', '      B', '        A', 'userSession:none', 'user:none', 'persistent:none']);
    const again = rows[6]!;
    expect(again.kind === 'key' && again.cycle && !again.expandable).toBe(true);
  });

  it('lists kernel-held keyrings and orphans after the anchors, in their own sections', () => {
    const m = model(
      [ring(1, '_ses', []), ring(2, '_uid.1000', []), ring(10, '.user_reg', [2], { orphan: true }), k(20, 'lost', { orphan: true }), ring(30, '.dns_resolver', [], { orphan: true })],
      { session: 1, user: 2 },
    );
    const rows = flat(m).map(label);
    expect(rows.slice(rows.indexOf('#kernel'))).toEqual(['#kernel', '  .dns_resolver', '  .user_reg', '    _uid.1000', '#orphans', '  lost']);
  });

  it('covers unreachable cycles with no root: one of them becomes a root', () => {
    const m = model([ring(1, '_ses', []), ring(40, 'X', [41], { orphan: true }), ring(41, 'Y', [40], { orphan: true })], { session: 1 });
    expect(m.orphanRoots).toEqual([40]);
    const rows = flat(m);
    expect(rows.map(label).slice(-4)).toEqual(['#orphans', '  X', '    Y', '      X']);
    expect(rows.at(-1)).toMatchObject({ cycle: true, expandable: false });
  });

  it('says when a keyring cannot be read, and shows members it cannot see', () => {
    const m = model([ring(1, '_ses', [2, 77]), ring(2, 'locked', null)], { session: 1 });
    const rows = flat(m);
    const locked = rows.find((r) => r.kind === 'key' && r.key.id === 2)!;
    expect(locked.kind === 'key' && locked.expandable).toBe(false);
    expect(rows.find((r) => r.kind === 'hidden')).toMatchObject({ keyId: 77 });
  });

  it('respects explicit collapse, and opens ancestors of search matches', () => {
    const m = model([ring(1, '_ses', [2]), ring(2, 'deep', [3]), ring(3, 'deeper', [4]), k(4, 'needle'), k(5, 'hay')].concat([]), { session: 1 });
    const collapsed = flat(m, { expansion: new Map([['a:session', false]]) }).map(label);
    expect(collapsed).not.toContain('    deep');
    const search = runSearch(m.keys, m.parents, 'needle');
    const rows = flat(m, { search, filter: true, expansion: new Map([['a:session/2/3', true]]) });
    expect(rows.map(label)).toEqual(['#anchors', '  _ses', '    deep', '      deeper', '        needle']);
    expect(rows.filter((r) => r.kind === 'key' && r.match).length).toBe(1);
  });

  it('dims instead of hiding when not filtering', () => {
    const m = model([ring(1, '_ses', [4, 5]), k(4, 'needle'), k(5, 'hay')], { session: 1 });
    const rows = flat(m, { search: runSearch(m.keys, m.parents, 'needle') });
    const hay = rows.find((r) => r.kind === 'key' && r.key.id === 5)!;
    const needle = rows.find((r) => r.kind === 'key' && r.key.id === 4)!;
    expect([hay.dim, needle.dim]).toEqual([true, false]);
  });

  it('marks every row of a matched key, and records its first row alone in the match order', () => {
    // needle is in two keyrings: both rows match; stepping through the matches stops once, at the first.
    const m = model([ring(1, '_ses', [2, 3]), ring(2, 'a', [4, 5]), ring(3, 'b', [4, 6]), k(4, 'needle'), k(5, 'hay'), k(6, 'needle too')], { session: 1 });
    const rows = flat(m, { search: runSearch(m.keys, m.parents, 'needle') });
    expect(rows.filter((r) => r.kind === 'key' && r.match).map((r) => r.rowId)).toEqual(['a:session/2/4', 'a:session/3/4', 'a:session/3/6']);
    expect(Array.from(matchOrderOf(rows).rowIndex, (i) => rows[i]!.rowId)).toEqual(['a:session/2/4', 'a:session/3/6']);
    expect(rows.find((r) => r.kind === 'key' && r.key.id === 5)?.dim).toBe(true);
  });

  it('draws ghosts of just-removed members under their keyring', () => {
    const m = model([ring(1, '_ses', [])], { session: 1 });
    const rows = flat(m, { expansion: new Map([['a:session', true]]), ghosts: new Map([[1, [{ key: k(9, 'gone') }]]]) });
    expect(rows.find((r) => r.kind === 'ghost')).toMatchObject({ rowId: 'a:session/~9', depth: 2 });
  });
});

describe('the first screen (firstScreen)', () => {
  // A session keyring holding `rings` keyrings of one key each, a kernel-held keyring and an unreachable key.
  const wide = (rings: number) => {
    const ids = Array.from({ length: rings }, (_, i) => 100 + 2 * i);
    return model(
      [ring(1, '_ses', ids), ...ids.flatMap((id) => [ring(id, `ring-${id}`, [id + 1]), k(id + 1, `key-${id + 1}`)]), ring(9, '.user_reg', []), k(10, 'lost')],
      { session: 1 },
    );
  };

  it('leaves the sections below a screenful of anchor rows for later, and says so in a last row', () => {
    const m = wide(FIRST_SCREEN_ROWS);
    const rows = flat(m, { firstScreen: true });
    expect(sectionsReady(m)).toBe(false);
    expect(rows.at(-1)).toMatchObject({ kind: 'pending', depth: 0 });
    // How many sections follow is not known yet: the top level's size is unknown (-1), not a count; the pending
    // row is no section and has no position among them.
    expect(rows.filter((r) => r.depth === 0 && r.kind !== 'pending').map((r) => [r.pos, r.size])).toEqual([[1, -1]]);
    expect(rows.at(-1)).not.toHaveProperty('pos');
    expect(rows.at(-1)).not.toHaveProperty('size');
    expect(rows.map(label).filter((l) => l.startsWith('#'))).toEqual(['#anchors']);
    // The rows above it are the whole tree's.
    const whole = flat(m);
    expect(sectionsReady(m)).toBe(true);
    // (The top level's aria-setsize aside: unknown until the sections replace the pending row.)
    const topSizeless = (r: FlatRow) => (r.depth === 0 ? { ...r, size: undefined } : r);
    expect(rows.slice(0, -1).map(topSizeless)).toEqual(whole.slice(0, rows.length - 1).map(topSizeless));
    expect(whole.map(label).filter((l) => l.startsWith('#'))).toEqual(['#anchors', '#kernel', '#orphans']);
    // Once worked out, the first screen is the whole tree.
    expect(flat(m, { firstScreen: true })).toEqual(whole);
  });

  it('draws every section when the anchors fit a screen, or with a search', () => {
    // Small trees open their keyrings: two rows a keyring here.
    const small = wide(FIRST_SCREEN_ROWS / 2 - 10);
    expect(flat(small, { firstScreen: true }).map(label)).toEqual(flat(wide(FIRST_SCREEN_ROWS / 2 - 10)).map(label));
    expect(sectionsReady(small)).toBe(true);
    const m = wide(FIRST_SCREEN_ROWS);
    const search = runSearch(m.keys, m.parents, 'lost');
    expect(flat(m, { firstScreen: true, search }).map(label)).toContain('#orphans');
  });

  it('draws every section of a model whose sections were read meanwhile', () => {
    const m = completeSections(wide(FIRST_SCREEN_ROWS));
    expect(flat(m, { firstScreen: true }).some((r) => r.kind === 'pending')).toBe(false);
  });
});

describe('findRowPath', () => {
  it('finds the shortest path from the first anchor in search order', () => {
    const m = model([ring(1, '_ses', [2]), ring(2, 'a', [9]), ring(3, '_uid.1000', [4]), ring(4, 'b', [9]), k(9, 'x')], { session: 1, user: 3 });
    expect(findRowPath(m, 9)).toEqual(['a:session', 'a:session/2', 'a:session/2/9']);
    const m2 = model([ring(1, '_ses', [2]), ring(2, 'a', [9]), ring(3, '_uid.1000', [9]), k(9, 'x')], { session: 1, user: 3 });
    expect(findRowPath(m2, 9)).toEqual(['a:user', 'a:user/9']); // shorter wins over search order
    expect(findRowPath(m, 3)).toEqual(['a:user']);
  });

  it('finds keys under kernel-held keyrings and orphans', () => {
    const m = model([ring(1, '_ses', []), ring(10, '.dns_resolver', [11], { orphan: true }), k(11, 'afsdb', { orphan: true })], { session: 1 });
    expect(findRowPath(m, 11)).toEqual(['k:10', 'k:10/11']);
    expect(findRowPath(m, 404)).toBeNull();
  });
});

describe('orphansMayBeReached', () => {
  it('answers after each delta as a count of every key does, the counts carried from the map before', () => {
    // Ids 1-30; each edit removes a key, adds one, or changes one's orphan and possessionUnknown fields.
    const edit = fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 30 }), fc.boolean(), fc.boolean());
    const key = (id: number, orphan: boolean, unknown: boolean) => k(id, `k${id}`, { orphan, ...(unknown ? { possessionUnknown: true } : {}) });
    fc.assert(
      fc.property(fc.array(fc.array(edit, { maxLength: 5 }), { maxLength: 30 }), fc.integer({ min: 1, max: 20 }), (deltas, minFlatten) => {
        let keys: ReadonlyMap<number, KeyInfo> = new Map(Array.from({ length: 20 }, (_, i) => [i + 1, key(i + 1, i % 3 === 0, i % 5 === 0)] as const));
        for (const d of deltas) {
          keys = applyKeyEdits(keys, (draft) => {
            for (const [kind, id, orphan, unknown] of d) {
              if (kind === 0) draft.delete(id);
              else draft.set(id, key(id, orphan, unknown));
            }
          }, minFlatten);
          let expected = false;
          keys.forEach((x) => void (expected ||= x.orphan && x.possessionUnknown === true));
          expect(orphansMayBeReached(keys)).toBe(expected);
        }
      }),
      { numRuns: 200 },
    );
  });
});
