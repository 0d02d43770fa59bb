// treeRows makes rows only when asked for, keeping stretches of lone rows as runs of ids. Checked here against
// the walk it replaced (referenceRows: every row made as the tree is walked, the code before the runs), on random
// keyring graphs with cycles, unseen members, ghosts, other users' keys, expansion choices, sorts and searches.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ANCHOR_ORDER, type AnchorName, type KeyInfo } from '../../../shared/snapshot';
import { userLabel } from '../../../shared/quota';
import { userGroupMembers } from '../../../shared/userGroups';
import { k, ring, snap } from '../test/keys';
import { defaultExpanded, flattenTree, SECTION_LABELS, treeRows, type FlatRow, type FlattenOptions, type SectionId } from './flatten';
import { sortMembers } from './keyOrder';
import { matchOrderOf } from './matchOrder';
import { ANCHOR_LABELS, buildTreeModel, userRowId, type TreeModel } from './model';
import { runSearch } from './search';
import { quotaGapOf } from '../users/quotaGapOf';

const NO_MEMBERS: readonly number[] = [];

/** The walk before runs (session 8's flattenTree, but for its match order and key count cache): every row, made as it is reached. */
function referenceRows(model: TreeModel, opts: FlattenOptions): FlatRow[] {
  const { keys, parents } = model;
  const { expansion, search, filter, ghosts, sort } = opts;
  const ordered = (ids: readonly number[]) => (sort ? sortMembers(ids, keys, sort) : ids);
  const rows: FlatRow[] = [];
  // Orphans (other sessions' keyrings, a benchmark's thousands of keys) must not decide how this process's own tree opens.
  let total = 0;
  keys.forEach((key) => {
    if (!key.orphan) total++;
  });
  const onPath = new Set<number>();
  const hasProbable = model.probable.byCache.size > 0;
  // The unreadable krb5 collections' inferred members (usually none: then a key without links has no members).
  const inferredMembers = model.probable.byCollection.size > 0 ? model.probable.byCollection : null;

  const relevant = (id: number) => !search || search.matches.has(id) || search.ancestors.has(id);
  const isOpen = (rowId: string, depth: number, key: KeyInfo | null) =>
    expansion.get(rowId) ?? ((key && search?.ancestors.has(key.id)) || defaultExpanded(depth, key, total));

  const visit = (id: number, rowId: string, depth: number, parentKeyId: number | null, anchor: AnchorName | null) => {
    const key = keys.get(id);
    if (!key) {
      if (!filter || !search) rows.push({ kind: 'hidden', rowId, depth, keyId: id, dim: !!search });
      return;
    }
    const cycle = onPath.has(id);
    // An unreadable krb5 collection shows the caches it probably holds (marked inferred) as its members.
    const members = key.links ?? inferredMembers?.get(id) ?? NO_MEMBERS;
    const inferred =
      parentKeyId === null || !hasProbable ? undefined : keys.get(parentKeyId)?.links == null ? model.probable.byCache.get(id)?.why : undefined;
    const expandable = !cycle && (members.length > 0 || !!ghosts?.get(id)?.length);
    const expanded = expandable && !!isOpen(rowId, depth, key);
    const match = !!search?.matches.has(id);
    // A plain literal, `inferred` added only where there is one: an object spread here made each of a broad
    // search's 11k rows take V8's slow path.
    const row: Extract<FlatRow, { kind: 'key' }> = {
      kind: 'key',
      rowId,
      depth,
      key,
      anchor,
      parentKeyId,
      expandable,
      expanded,
      shared: (parents.get(id)?.length ?? 0) > 1,
      cycle,
      match,
      dim: !!search && !match,
    };
    if (inferred !== undefined) row.inferred = inferred;
    rows.push(row);
    if (!expanded) return;
    onPath.add(id);
    // By index: a cold for…of makes an iterator result per member (a broad search opens 11k of them).
    const list = ordered(members);
    for (let i = 0; i < list.length; i++) {
      const m = list[i]!;
      if (filter && search && !relevant(m)) continue;
      visit(m, `${rowId}/${m}`, depth + 1, id, null);
    }
    for (const { key: g, compared = false } of ghosts?.get(id) ?? []) {
      if (!members.includes(g.id)) rows.push({ kind: 'ghost', rowId: `${rowId}/~${g.id}`, depth: depth + 1, key: g, dim: !!search, compared });
    }
    onPath.delete(id);
  };

  const section = (section: SectionId, count: number, fill: () => void) => {
    if (count === 0) return;
    const rowId = `sec:${section}`;
    const expanded = expansion.get(rowId) ?? true;
    rows.push({ kind: 'section', rowId, depth: 0, section, label: SECTION_LABELS[section], count, expanded, dim: false });
    if (expanded) fill();
  };

  const anchorNames = ANCHOR_ORDER.filter((n) => !filter || !search || (model.anchors[n] != null && relevant(model.anchors[n]!)));
  section('anchors', anchorNames.length, () => {
    for (const name of anchorNames) {
      const id = model.anchors[name];
      if (id == null || !keys.has(id)) {
        rows.push({ kind: 'anchor-none', rowId: `a:${name}`, depth: 1, anchor: name, label: ANCHOR_LABELS[name], dim: !!search });
      } else visit(id, `a:${name}`, 1, null, name);
    }
  });
  const query = search?.query.trim().toLowerCase() ?? '';
  const users = model.users.flatMap((group) => {
    const label = userLabel(group.uid, group.name);
    const match = query !== '' && label.toLowerCase().includes(query);
    const members = userGroupMembers(group);
    const shown = filter && search && !match ? members.filter(relevant) : members;
    if (filter && search && !match && shown.length === 0) return [];
    return [{ group, label, match, members: shown, leadsToMatch: !!search && members.some(relevant) }];
  });
  section('users', users.length, () => {
    for (const u of users) {
      const rowId = userRowId(u.group.uid);
      const expandable = u.members.length > 0;
      // Closed by default when there are many users (an administrator opens the one asked about); a search opens the ones it found in.
      const expanded = expandable && (expansion.get(rowId) ?? (u.leadsToMatch || (!search && users.length <= 3)));
      rows.push({ kind: 'user', rowId, depth: 1, group: u.group, gap: quotaGapOf(keys, u.group), label: u.label, expandable, expanded, match: u.match, dim: !!search && !u.match && !u.leadsToMatch });
      if (expanded) for (const m of u.members) visit(m, `${rowId}/${m}`, 2, null, null);
    }
  });
  const kernel = ordered(model.kernelRoots).filter((id) => !filter || relevant(id));
  section('kernel', kernel.length, () => kernel.forEach((id) => visit(id, `k:${id}`, 1, null, null)));
  const orphans = ordered(model.orphanRoots).filter((id) => !filter || relevant(id));
  section('orphans', orphans.length, () => orphans.forEach((id) => visit(id, `o:${id}`, 1, null, null)));
  setPositions(rows);
  return rows;
}
function setPositions(rows: FlatRow[]): void {
  const parentOf = new Int32Array(rows.length);
  const counts = new Int32Array(rows.length + 1); // at parent index + 1 (0 for top level): children so far
  const stack: number[] = []; // indices of the open ancestors, by depth
  rows.forEach((row, i) => {
    stack.length = row.depth;
    const parent = row.depth > 0 ? (stack[row.depth - 1] ?? -1) : -1;
    parentOf[i] = parent;
    const n = ++counts[parent + 1]!;
    row.pos = n;
    stack[row.depth] = i;
  });
  rows.forEach((row, i) => {
    row.size = counts[parentOf[i]! + 1] || 1;
  });
}

const DESCRIPTIONS = ['alpha', 'beta', 'needle', 'hay', 'needle two', '_krb', 'krb_ccache_X1'];

/** Rows a walk that opens every keyring would draw from every key, counted up to just past `cap`. */
function rowsUpTo(model: TreeModel, cap: number): number {
  let n = 0;
  const onPath = new Set<number>();
  const visit = (id: number) => {
    if (++n > cap || onPath.has(id)) return;
    const key = model.keys.get(id);
    const members = key?.links ?? model.probable.byCollection.get(id) ?? NO_MEMBERS;
    onPath.add(id);
    for (let i = 0; i < members.length && n <= cap; i++) visit(members[i]!);
    onPath.delete(id);
  };
  for (const id of model.keys.keys()) if (n <= cap) visit(id);
  return n;
}

/** More rows than a property run should draw: the reference walk runs three times per case, 300 cases. */
const MAX_ROWS = 3000;

/**
 * A random graph of up to 40 keys: keyrings linking random ids (some not in the snapshot, some their own ancestors),
 * other users' keys, orphans. A dense one has exponentially many paths (40 keyrings of 8 links each drew rows until
 * a CI worker ran out of heap), so links are dropped, from the keyring with the most, until a walk that opens every
 * keyring from every key stays under MAX_ROWS.
 */
const graphs = fc
  .record({
    size: fc.integer({ min: 2, max: 40 }),
    links: fc.array(fc.uniqueArray(fc.integer({ min: 1, max: 45 }), { maxLength: 8 }), { minLength: 40, maxLength: 40 }),
    kinds: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 40, maxLength: 40 }),
    names: fc.array(fc.integer({ min: 0, max: DESCRIPTIONS.length - 1 }), { minLength: 40, maxLength: 40 }),
  })
  .map(({ size, links, kinds, names }) => {
    const members = links.map((list) => list.filter((m) => m !== 1));
    const build = () => {
      const keys: KeyInfo[] = [];
      for (let id = 1; id <= size; id++) {
        const kind = kinds[id - 1]!;
        const description = `${DESCRIPTIONS[names[id - 1]!]!}${id}`;
        const extra: Partial<KeyInfo> = { ...(kind === 9 || kind === 3 ? { uid: 2000 } : {}), ...(kind === 8 ? { orphan: true } : {}) };
        if (id === 1 || kind < 5) keys.push(ring(id, id === 1 ? '_ses' : description, kind === 4 ? null : [...members[id - 1]!], extra));
        else keys.push(k(id, description, extra));
      }
      const s = snap(keys, { session: 1 });
      return buildTreeModel(new Map(s.keys.map((x) => [x.id, x])), s.anchors, { quotas: [], uid: 1000 });
    };
    let model = build();
    while (rowsUpTo(model, MAX_ROWS) > MAX_ROWS) {
      const densest = members.slice(0, size).reduce((best, list, i) => (list.length > members[best]!.length ? i : best), 0);
      if (members[densest]!.length === 0) break; // only inferred members are left, and those are few
      members[densest]!.pop();
      model = build();
    }
    return model;
  });

const choices = fc.record({
  query: fc.constantFrom('', 'needle', 'hay', 'a', 'krb', 'zzz', 'uid', '2000'),
  filter: fc.boolean(),
  sort: fc.constantFrom(undefined, { column: 'description', descending: true } as const, { column: 'id', descending: false } as const),
  /** The keyring a ghost shows under, 0 for none. */
  ghostOn: fc.integer({ min: 0, max: 45 }),
  picks: fc.array(fc.tuple(fc.nat(), fc.boolean()), { maxLength: 12 }),
});

/** Expansion choices on rows the tree shows (picked over two rounds, so some are below rows the first opened). */
function expansionFor(model: TreeModel, base: FlattenOptions, picks: readonly (readonly [number, boolean])[]): Map<string, boolean> {
  const expansion = new Map<string, boolean>();
  for (const half of [picks.slice(0, picks.length >> 1), picks.slice(picks.length >> 1)]) {
    const rows = referenceRows(model, { ...base, expansion: new Map(expansion) });
    for (const [n, open] of half) if (rows.length > 0) expansion.set(rows[n % rows.length]!.rowId, open);
  }
  return expansion;
}

function expectAsReference(model: TreeModel, opts: FlattenOptions): void {
  const want = referenceRows(model, opts);
  expect(flattenTree(model, opts)).toEqual(want);
  const rows = treeRows(model, opts);
  expect(rows.length).toBe(want.length);
  want.forEach((row, i) => {
    expect(rows.indexOfRowId(row.rowId)).toBe(i);
    expect(rows.depthAt(i)).toBe(row.depth);
  });
  expect(rows.indexOfRowId('a:session/12345')).toBe(-1);
  expect(rows.matches).toEqual(matchOrderOf(want));
}

describe('treeRows', () => {
  it('stops once at a matched key of a keyring drawn twice, and at a root drawn under a keyring before its own row', () => {
    // Keyring 4 (only keys in it) is linked from 2 and 3; 5, the user keyring, is empty and linked from 6 too; an
    // orphan's row comes last ('u' matches every user key by its type).
    const keys = [ring(1, '_ses', [2, 3, 6]), ring(2, 'a', [4]), ring(3, 'b', [4]), ring(4, 'leaves', [7, 8]), ring(5, '_uid.1000', []), ring(6, 'c', [5, 9]), k(7, 'needle'), k(8, 'hay'), k(9, 'hay too'), k(10, 'lost', { orphan: true })];
    const s = snap(keys, { session: 1, user: 5 });
    const model = buildTreeModel(new Map(s.keys.map((x) => [x.id, x])), s.anchors, { quotas: [], uid: 1000 });
    for (const query of ['needle', '_uid', 'hay', 'e', 'u']) {
      const opts: FlattenOptions = { expansion: new Map(), search: runSearch(model.keys, model.parents, query), filter: false };
      expectAsReference(model, opts);
      expect(treeRows(model, opts).matches.keyId.length).toBe(opts.search!.matches.size);
    }
  });

  it('makes the rows the whole walk made, and finds each by index, id and depth; its match order is the rows\'', () => {
    fc.assert(
      fc.property(graphs, choices, (model, c) => {
        const search = c.query ? runSearch(model.keys, model.parents, c.query) : null;
        const ghosts = new Map(c.ghostOn ? [[c.ghostOn, [{ key: k(99, 'gone') }]]] : []);
        const base: FlattenOptions = { expansion: new Map(), search, filter: c.filter, ghosts, ...(c.sort ? { sort: c.sort } : {}) };
        const opts = { ...base, expansion: expansionFor(model, base, c.picks) };
        expectAsReference(model, opts);
      }),
      { numRuns: 300 },
    );
  });

  it('makes a row once: asked again, the same object', () => {
    const m = buildTreeModel(new Map([ring(1, '_ses', [2, 3]), k(2, 'a'), k(3, 'b')].map((x) => [x.id, x])), snap([], { session: 1 }).anchors);
    const rows = treeRows(m, { expansion: new Map(), search: null, filter: false });
    expect(rows.at(rows.length - 1)).toBe(rows.at(rows.length - 1));
    expect(() => rows.at(rows.length)).toThrow(RangeError);
  });
});
