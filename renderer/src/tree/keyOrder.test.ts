import { describe, expect, it } from 'vitest';
import { k, ring, snap } from '../test/keys';
import { flattenTree, type FlatRow } from './flatten';
import { KERNEL_ORDER, nextSort, parseSort, sortMembers, sortText, type TreeSort } from './keyOrder';
import { buildTreeModel } from './model';

const win = (from: number) => ({ from, to: from + 1000 });
// _ses(1) holds, in kernel order: key10 (expires late, 3 uses), a keyring 'z' (never), key9 (logon, soon, 1 use), key2 (unknown expiry).
const s = snap(
  [
    ring(1, '_ses', [40, 30, 20, 50, 999]),
    k(40, 'key10', { expiry: win(9000), usage: 3 }),
    ring(30, 'z', [], { expiry: null, usage: 2 }),
    k(20, 'key9', { type: 'logon', expiry: win(1000), usage: 1 }),
    k(50, 'key2', { expiry: 'unknown', usage: 5 }),
  ],
  { session: 1 },
);
const keys = new Map(s.keys.map((x) => [x.id, x]));
const members = keys.get(1)!.links!;
const order = (sort: TreeSort) => sortMembers(members, keys, sort).map((id) => keys.get(id)?.description ?? `#${id}`);

describe('sortMembers', () => {
  it("keeps the kernel's order by default (the same array)", () => {
    expect(sortMembers(members, keys, KERNEL_ORDER)).toBe(members);
  });

  it('sorts by each column, both ways; a member this process cannot see stays last', () => {
    expect(order({ column: 'description', descending: false })).toEqual(['z', 'key2', 'key9', 'key10', '#999']);
    expect(order({ column: 'description', descending: true })).toEqual(['key10', 'key9', 'key2', 'z', '#999']);
    expect(order({ column: 'type', descending: false })).toEqual(['z', 'key9', 'key2', 'key10', '#999']);
    // Soonest first; an unreadable timeout after every window; never-expiring last.
    expect(order({ column: 'expiry', descending: false })).toEqual(['key9', 'key10', 'key2', 'z', '#999']);
    expect(order({ column: 'usage', descending: true })).toEqual(['key2', 'key10', 'z', 'key9', '#999']);
    expect(order({ column: 'id', descending: false })).toEqual(['key9', 'z', 'key10', 'key2', '#999']);
  });
});

describe('a column head', () => {
  it('sorts ascending, then descending, then gives back the kernel order', () => {
    const a = nextSort(KERNEL_ORDER, 'usage');
    expect(a).toEqual({ column: 'usage', descending: false });
    const b = nextSort(a, 'usage');
    expect(b).toEqual({ column: 'usage', descending: true });
    expect(nextSort(b, 'usage')).toEqual(KERNEL_ORDER);
    expect(nextSort(b, 'id')).toEqual({ column: 'id', descending: false });
  });

  it('is remembered as text, and anything unknown reads as the kernel order', () => {
    for (const sort of [KERNEL_ORDER, { column: 'expiry', descending: true } as TreeSort]) expect(parseSort(sortText(sort))).toEqual(sort);
    expect(parseSort(null)).toEqual(KERNEL_ORDER);
    expect(parseSort('payload:asc')).toEqual(KERNEL_ORDER);
  });
});

describe('the tree, sorted', () => {
  it('orders each keyring and the roots of the other sections; anchors keep the search order', () => {
    const t = snap([ring(1, '_ses', [3, 2]), k(2, 'b'), k(3, 'a'), ring(4, '_uid.0', []), ring(8, 'orphan-b', []), ring(7, 'orphan-a', [])], { session: 1, user: 4 });
    const model = buildTreeModel(new Map(t.keys.map((x) => [x.id, x])), t.anchors);
    const label = (r: FlatRow) => (r.kind === 'key' ? r.key.description : '');
    const rows = (sort: TreeSort) => flattenTree(model, { expansion: new Map(), search: null, filter: false, sort }).map(label).filter(Boolean);
    expect(rows(KERNEL_ORDER)).toEqual(['_ses', 'a', 'b', '_uid.0', 'orphan-a', 'orphan-b']);
    expect(rows({ column: 'id', descending: true })).toEqual(['_ses', 'a', 'b', '_uid.0', 'orphan-b', 'orphan-a']);
    expect(rows({ column: 'id', descending: false })).toEqual(['_ses', 'b', 'a', '_uid.0', 'orphan-a', 'orphan-b']);
  });
});
