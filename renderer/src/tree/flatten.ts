// Flattens the keyring graph into the rows the virtualized tree draws. Only expanded branches are
// walked, so the cost follows what is on screen (plus search reveals), not the key count.
//
// Row ids are paths: `a:session/123/456` is key 456 inside keyring 123 inside the session anchor,
// so a key linked from two keyrings has two rows with their own expansion state. A key that is its
// own ancestor along a path (a cycle) gets a row that does not expand: the walk never loops.
import { ANCHOR_ORDER, type AnchorName, type KeyInfo } from '../../../shared/snapshot';
import { userLabel } from '../../../shared/quota';
import { userGroupMembers, type UserGroup } from '../../../shared/userGroups';
import { ANCHOR_LABELS, userRowId, type TreeModel } from './model';
import { sortMembers, type TreeSort } from './keyOrder';
import type { SearchResult } from './search';
import { keyMapDifference } from '../store/keyMap';
import { rememberMatchOrder, type KeyRow } from './matchOrder';

export type SectionId = 'anchors' | 'users' | 'kernel' | 'orphans';

/** Position among its siblings (1-based) and their count, for aria-posinset / aria-setsize. */
export interface SetPosition {
  pos?: number;
  size?: number;
}

export type FlatRow = SetPosition &
  (
  | { kind: 'section'; rowId: string; depth: 0; section: SectionId; label: string; count: number; expanded: boolean; dim: boolean }
  | { kind: 'anchor-none'; rowId: string; depth: 1; anchor: AnchorName; label: string; dim: boolean }
  /** One uid of the Users section: its name and quota; its keyrings and unlinked keys below. */
  | { kind: 'user'; rowId: string; depth: 1; group: UserGroup; label: string; expandable: boolean; expanded: boolean; match: boolean; dim: boolean }
  | {
      kind: 'key';
      rowId: string;
      depth: number;
      key: KeyInfo;
      /** The anchor names when this row is an anchor root. */
      anchor: AnchorName | null;
      parentKeyId: number | null;
      expandable: boolean;
      expanded: boolean;
      /** Linked from more than one visible keyring. */
      shared: boolean;
      /** Already an ancestor on this path: drawn, never expanded. */
      cycle: boolean;
      /** Shown under a keyring that probably holds it but whose members are unknown: why (shared/krb5Orphans.ts). */
      inferred?: string;
      match: boolean;
      dim: boolean;
    }
  /** A member id that is not in the snapshot (the kernel lists it but this process cannot see it). */
  | { kind: 'hidden'; rowId: string; depth: number; keyId: number; dim: boolean }
  /** A key just removed from this keyring, kept for a moment so the eye sees it go. */
  | { kind: 'ghost'; rowId: string; depth: number; key: KeyInfo; dim: boolean; compared: boolean }
  );

export const SECTION_LABELS: Record<SectionId, string> = {
  anchors: 'This process (search order)',
  users: 'Users',
  kernel: 'Kernel-held keyrings',
  orphans: 'Not reachable from this process',
};

export interface FlattenOptions {
  /** Explicit open/closed choices by row id; rows without one use `defaultExpanded`. */
  expansion: ReadonlyMap<string, boolean>;
  search: SearchResult | null;
  /** With a search: hide non-matching rows (true) or only dim them (false). */
  filter: boolean;
  /** Recently removed links, by keyring id; `compared`: removed since the file of "Compare with…", not just now. */
  ghosts?: ReadonlyMap<number, readonly { key: KeyInfo; compared?: boolean }[]>;
  /** The order of a keyring's members and of the kernel-held and unreachable roots; the kernel's when absent. Anchors keep the search order. */
  sort?: TreeSort;
}

let lastCount: { keys: ReadonlyMap<number, KeyInfo>; count: number } | null = null;

/** How many keys are not orphans; after a delta, worked out from the last count and the entries it touched. */
function countNotOrphan(keys: ReadonlyMap<number, KeyInfo>): number {
  const last = lastCount;
  const touched = last && keyMapDifference(last.keys, keys);
  let count = 0;
  if (last && touched) {
    count = last.count;
    const counts = (k: KeyInfo | undefined) => (k !== undefined && !k.orphan ? 1 : 0);
    for (const id of touched) count += counts(keys.get(id)) - counts(last.keys.get(id));
  } else {
    // forEach: a cold for…of over 40k keys costs an iterator step each (shared/reachability.ts's parentsOf).
    keys.forEach((k) => {
      if (!k.orphan) count++;
    });
  }
  lastCount = { keys, count };
  return count;
}

/** Sections and anchors open; keyrings below open by default only in small trees. */
export function defaultExpanded(depth: number, key: KeyInfo | null, totalKeys: number): boolean {
  if (depth <= 1) return true;
  return totalKeys <= 500 && depth <= 3 && (key?.links?.length ?? 0) <= 25;
}

const NO_MEMBERS: readonly number[] = [];

export function flattenTree(model: TreeModel, opts: FlattenOptions): FlatRow[] {
  const { keys, parents } = model;
  const { expansion, search, filter, ghosts, sort } = opts;
  const ordered = (ids: readonly number[]) => (sort ? sortMembers(ids, keys, sort) : ids);
  const rows: FlatRow[] = [];
  // Orphans (other sessions' keyrings, a benchmark's thousands of keys) must not decide how this process's own tree opens.
  const total = countNotOrphan(keys);
  const onPath = new Set<number>();
  const hasProbable = model.probable.byCache.size > 0;
  // Each matched key's first row, in drawing order (matchOrder.ts): collected here rather than by a second walk.
  // A broad search draws thousands of matches, each row a few lookups of its id: a matched key's first row
  // is told by taking it out of a copy of the matches (one lookup), which also says it matched.
  const matchOrder: KeyRow[] = [];
  const unseenMatches = search ? new Set(search.matches) : null;
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
    const firstMatch = !!unseenMatches?.delete(id);
    const match = firstMatch || !!search?.matches.has(id);
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
    if (firstMatch) matchOrder.push(row);
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
      rows.push({ kind: 'user', rowId, depth: 1, group: u.group, label: u.label, expandable, expanded, match: u.match, dim: !!search && !u.match && !u.leadsToMatch });
      if (expanded) for (const m of u.members) visit(m, `${rowId}/${m}`, 2, null, null);
    }
  });
  const kernel = ordered(model.kernelRoots).filter((id) => !filter || relevant(id));
  section('kernel', kernel.length, () => kernel.forEach((id) => visit(id, `k:${id}`, 1, null, null)));
  const orphans = ordered(model.orphanRoots).filter((id) => !filter || relevant(id));
  section('orphans', orphans.length, () => orphans.forEach((id) => visit(id, `o:${id}`, 1, null, null)));
  setPositions(rows);
  rememberMatchOrder(rows, matchOrder);
  return rows;
}

/**
 * Fills pos/size from the depths alone: a virtualized tree has no DOM nesting, so assistive
 * technology learns "3 of 12" from these attributes. Linear: one stack of open parents.
 */
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

/** The section row a root row id lives under. */
export function sectionOfRowId(rowId: string): string {
  if (rowId.startsWith('a:')) return 'sec:anchors';
  if (rowId.startsWith('u:')) return 'sec:users';
  return rowId.startsWith('k:') ? 'sec:kernel' : 'sec:orphans';
}
