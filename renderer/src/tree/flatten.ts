// Flattens the keyring graph into the rows the virtualized tree draws. Only expanded branches are
// walked, so the cost follows what is on screen (plus search reveals), not the key count.
//
// Row ids are paths: `a:session/123/456` is key 456 inside keyring 123 inside the session anchor,
// so a key linked from two keyrings has two rows with their own expansion state. A key that is its
// own ancestor along a path (a cycle) gets a row that does not expand: the walk never loops.
import { ANCHOR_ORDER, type AnchorName, type KeyInfo } from '../../../shared/snapshot';
import { parentCount } from '../../../shared/parentIndex';
import { userLabel } from '../../../shared/quota';
import { userGroupMembers, type UserGroup } from '../../../shared/userGroups';
import type { QuotaGap } from '../../../shared/quotaGap';
import { quotaGapOf } from '../users/quotaGapOf';
import { ANCHOR_LABELS, drawnParents, sectionsReady, structureOf, userRowId, type TreeModel } from './model';
import { sortMembers, type TreeSort } from './keyOrder';
import type { SearchResult } from './search';
import { keyMapDifference } from '../store/keyMap';
import type { MatchOrder } from './matchOrder';

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
  /** One uid of the Users section: its name and quota (and what its visible keys leave of it unexplained); its keyrings and unlinked keys below. */
  | { kind: 'user'; rowId: string; depth: 1; group: UserGroup; gap: QuotaGap | null; label: string; expandable: boolean; expanded: boolean; match: boolean; dim: boolean }
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
  /**
   * Last, in a first render (FlattenOptions.firstScreen): the sections below the anchors are still being worked
   * out (tree/model.ts sectionsReady), and their rows follow in the next frame.
   */
  | { kind: 'pending'; rowId: string; depth: 0; label: string; dim: false }
  /** A key just removed from this keyring, kept for a moment so the eye sees it go. */
  | { kind: 'ghost'; rowId: string; depth: number; key: KeyInfo; dim: boolean; compared: boolean }
  );

export const SECTION_LABELS: Record<SectionId, string> = {
  anchors: 'This process (search order)',
  users: 'Users',
  kernel: 'Kernel-held keyrings',
  orphans: 'Not reachable from this process',
};

/** The orphans' section where some of its keys may be reached through a keyring this process may not view. */
export const ORPHANS_MAYBE_REACHED = 'No path this process can see (some possession unknown: maybe reached through a keyring it may not view)';

/** Whether a key no visible path reaches may still be possessed (KeyInfo.possessionUnknown). */
export function orphansMayBeReached(keys: ReadonlyMap<number, KeyInfo>): boolean {
  return keyCounts(keys).maybeReached > 0;
}

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
  /**
   * The tree's first render of a model: when the model's sections below the anchors are not worked out yet, there
   * is no search, and the anchors' rows are more than any screen shows (FIRST_SCREEN_ROWS), those sections are
   * left for later (a 'pending' row in their place) rather than worked out now. Otherwise every section is drawn.
   */
  firstScreen?: boolean;
}

/** More rows than any screen shows at once (26 px each: 2,600 px). */
export const FIRST_SCREEN_ROWS = 100;

export const PENDING_LABEL = 'Working out users, kernel-held keyrings and keys this process does not reach…';

/** What the walk counts over every key: those not orphans, and the orphans whose possession is unknown. */
interface KeyCounts {
  notOrphan: number;
  maybeReached: number;
}

let lastCounts: { keys: ReadonlyMap<number, KeyInfo>; counts: KeyCounts } | null = null;

/**
 * The KeyCounts of `keys`; after a delta, worked out from the last counts and the entries it touched, so a delta
 * of one key does not look at 40k (the pass over every key was a third of a one-key delta's script at 40k keys).
 */
function keyCounts(keys: ReadonlyMap<number, KeyInfo>): KeyCounts {
  const last = lastCounts;
  if (last?.keys === keys) return last.counts;
  const touched = last && keyMapDifference(last.keys, keys);
  const counts: KeyCounts = { notOrphan: 0, maybeReached: 0 };
  const add = (k: KeyInfo | undefined, sign: number) => {
    if (k === undefined) return;
    if (!k.orphan) counts.notOrphan += sign;
    else if (k.possessionUnknown === true) counts.maybeReached += sign;
  };
  if (last && touched) {
    counts.notOrphan = last.counts.notOrphan;
    counts.maybeReached = last.counts.maybeReached;
    for (const id of touched) {
      add(keys.get(id), 1);
      add(last.keys.get(id), -1);
    }
  } else {
    // forEach: a cold for…of over 40k keys costs an iterator step each (shared/reachability.ts's parentsOf).
    keys.forEach((k) => add(k, 1));
  }
  lastCounts = { keys, counts };
  return counts;
}

/** Sections and anchors open; keyrings below open by default only in small trees. */
export function defaultExpanded(depth: number, key: KeyInfo | null, totalKeys: number): boolean {
  if (depth <= 1) return true;
  return totalKeys <= 500 && depth <= 3 && (key?.links?.length ?? 0) <= 25;
}

const NO_MEMBERS: readonly number[] = [];

/**
 * The rows of the tree, in drawing order. Built rows are made only when asked for: a broad search reveals
 * thousands of keys (11k rows for "bench:3" at 40k keys) while the list draws the ~40 on screen, so the walk
 * keeps each stretch of sibling rows that have nothing below them (keys not opened or with no members, members
 * not in the snapshot) as a run of ids, and at(i) makes a run's row the first time it is asked for.
 */
export interface TreeRows {
  readonly length: number;
  /** Row `index` (0 ≤ index < length); the same object each time. */
  at(index: number): FlatRow;
  /** Row `index`'s depth, without making the row. */
  depthAt(index: number): number;
  /** The index of the row with this id, or -1. */
  indexOfRowId(rowId: string): number;
  /** Each matched key once, at its first row, top to bottom: where Enter/F3 steps to (matchOrder.ts). */
  readonly matches: MatchOrder;
}

/**
 * Consecutive siblings `ids[from..to)` under one parent, each a row with no rows below it: row `start + j` is
 * `ids[from + j]`'s, its id `prefix + id`.
 */
interface Run {
  kind: 'run';
  start: number;
  ids: readonly number[];
  from: number;
  to: number;
  prefix: string;
  depth: number;
  parentKeyId: number | null;
  /** The first row's aria-posinset, and the siblings' count (setPositions). */
  pos: number;
  size: number;
}

/** The part of a row id before the last key id: `a:session/12/` for `a:session/12/34`, `k:` for a root `k:56`. */
function prefixOf(rowId: string): string {
  const slash = rowId.lastIndexOf('/');
  return slash >= 0 ? rowId.slice(0, slash + 1) : rowId.slice(0, rowId.indexOf(':') + 1);
}

/** The prefixes of the rows an expansion map sets open or closed: a list with none of them takes the default for every member. */
const expansionPrefixes = new WeakMap<ReadonlyMap<string, boolean>, ReadonlySet<string>>();
function prefixesOf(expansion: ReadonlyMap<string, boolean>): ReadonlySet<string> {
  let out = expansionPrefixes.get(expansion);
  if (out === undefined) {
    const set = new Set<string>();
    expansion.forEach((_, rowId) => set.add(prefixOf(rowId)));
    expansionPrefixes.set(expansion, (out = set));
  }
  return out;
}

/**
 * Per tree structure (model.ts structureOf), by keyring: whether all its members are keys with no members of their
 * own, which no expansion choice or search opens. A broad search opens a hundred such keyrings of a hundred keys:
 * each is then one run, told without looking at its members one by one.
 */
const leafListsByStructure = new WeakMap<object, Map<number, boolean>>();

/** A key's members as the tree draws them: an unreadable krb5 collection's are the caches it probably holds. */
export function membersIn(model: TreeModel, key: KeyInfo): readonly number[] {
  return key.links ?? (model.probable.byCollection.size > 0 ? model.probable.byCollection.get(key.id) : undefined) ?? NO_MEMBERS;
}

/**
 * Whether every member of `key` (a key of `model`) is a key of the snapshot with no members of its own, once per
 * structure. The search index's idle build asks it of every key with members (searchIndex.ts), so the first broad search finds
 * it told: at 40k keys, looking at the 11k members of the keyrings "bench:3" opens (cold code) was ~12 ms of that
 * search's CPU profile.
 */
export function onlyLeaves(model: TreeModel, key: KeyInfo): boolean {
  const token = structureOf(model);
  let lists = leafListsByStructure.get(token);
  if (lists === undefined) leafListsByStructure.set(token, (lists = new Map()));
  let leaves = lists.get(key.id);
  if (leaves === undefined) {
    const members = membersIn(model, key);
    leaves = true;
    for (let i = 0; i < members.length && leaves; i++) {
      const m = model.keys.get(members[i]!);
      leaves = m !== undefined && membersIn(model, m).length === 0;
    }
    lists.set(key.id, leaves);
  }
  return leaves;
}

/** Per tree structure: the keys the tree draws as roots (anchors, the Users section's, kernel-held and unreachable roots). */
const rootsByStructure = new WeakMap<object, ReadonlySet<number>>();
function rootsOf(model: TreeModel): ReadonlySet<number> {
  let roots = rootsByStructure.get(structureOf(model));
  if (roots === undefined) {
    const set = new Set<number>([...model.kernelRoots, ...model.orphanRoots]);
    for (const name of ANCHOR_ORDER) if (model.anchors[name] != null) set.add(model.anchors[name]!);
    for (const group of model.users) for (const id of userGroupMembers(group)) set.add(id);
    rootsByStructure.set(structureOf(model), (roots = set));
  }
  return roots;
}

/** Every row, made (tests, and callers that want the whole list). */
export function flattenTree(model: TreeModel, opts: FlattenOptions): FlatRow[] {
  const rows = treeRows(model, opts);
  const out: FlatRow[] = [];
  for (let i = 0; i < rows.length; i++) out.push(rows.at(i));
  return out;
}

export function treeRows(model: TreeModel, opts: FlattenOptions): TreeRows {
  const { keys, parents } = model;
  const { expansion, search, filter, ghosts, sort, firstScreen = false } = opts;
  const ordered = (ids: readonly number[]) => (sort ? sortMembers(ids, keys, sort) : ids);
  // What the walk leaves: built rows and runs, in order, each with the index of its first row.
  const segments: (FlatRow | Run)[] = [];
  const starts: number[] = [];
  let count = 0;
  const push = (row: FlatRow) => {
    segments.push(row);
    starts.push(count++);
  };
  // Orphans (other sessions' keyrings, a benchmark's thousands of keys) must not decide how this process's own tree opens.
  const total = keyCounts(keys).notOrphan;
  const onPath = new Set<number>();
  const hasProbable = model.probable.byCache.size > 0;
  // Each matched key's first row, in drawing order, collected as the walk goes. A broad search matches thousands
  // of keys, and a set of thousands of ids costs (a delete or an insertion ~1-2 µs on this machine: ids above
  // 2^30 are heap numbers), so the ids remembered as drawn are only those that could be drawn again: a key whose
  // one keyring opens for the first time in this walk, and which is no root, is drawn there first and only there.
  const matchCount = search?.matches.size ?? 0;
  const matchRows = new Int32Array(matchCount);
  const matchKeys = new Int32Array(matchCount);
  let matched = 0;
  const record = (id: number, index: number) => {
    matchRows[matched] = index;
    matchKeys[matched++] = id;
  };
  const drawn = new Set<number>();
  const firstMatch = (id: number, index: number) => {
    if (matched === matchCount || !search!.matches.has(id) || drawn.has(id)) return;
    drawn.add(id);
    record(id, index);
  };
  const opened = new Set<number>();
  const parentsDrawn = search ? drawnParents(model) : null;
  const roots = search ? rootsOf(model) : null;
  // parentCount, not get(): a ParentIndex's get makes an array, and a broad search asks this of each of 11k matches.
  const drawnOnlyUnder = (id: number) => parentCount(parentsDrawn!, id) === 1 && !roots!.has(id);
  // The unreadable krb5 collections' inferred members (usually none: then a key without links has no members).
  const inferredMembers = model.probable.byCollection.size > 0 ? model.probable.byCollection : null;
  const membersOf = (key: KeyInfo) => key.links ?? inferredMembers?.get(key.id) ?? NO_MEMBERS;
  const inferredWhy = (id: number, parentKeyId: number | null) =>
    parentKeyId === null || !hasProbable ? undefined : keys.get(parentKeyId)?.links == null ? model.probable.byCache.get(id)?.why : undefined;
  const explicitPrefixes = prefixesOf(expansion);

  const relevant = (id: number) => !search || search.matches.has(id) || search.ancestors.has(id);
  const isOpen = (explicit: boolean | undefined, depth: number, key: KeyInfo) =>
    explicit ?? (search?.ancestors.has(key.id) || defaultExpanded(depth, key, total));

  /** A key row; `cycle` and `expanded` as the walk found them. */
  const keyRow = (key: KeyInfo, rowId: string, depth: number, parentKeyId: number | null, anchor: AnchorName | null, expandable: boolean, expanded: boolean, cycle: boolean) => {
    const id = key.id;
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
      shared: parentCount(parents, id) > 1,
      cycle,
      match,
      dim: !!search && !match,
    };
    const inferred = inferredWhy(id, parentKeyId);
    if (inferred !== undefined) row.inferred = inferred;
    return row;
  };

  const visit = (id: number, rowId: string, depth: number, parentKeyId: number | null, anchor: AnchorName | null) => {
    const key = keys.get(id);
    if (!key) {
      if (!filter || !search) push({ kind: 'hidden', rowId, depth, keyId: id, dim: !!search });
      return;
    }
    const cycle = onPath.has(id);
    // An unreadable krb5 collection shows the caches it probably holds (marked inferred) as its members.
    const members = membersOf(key);
    const expandable = !cycle && (members.length > 0 || !!ghosts?.get(id)?.length);
    const expanded = expandable && isOpen(expansion.get(rowId), depth, key);
    firstMatch(id, count);
    push(keyRow(key, rowId, depth, parentKeyId, anchor, expandable, expanded, cycle));
    if (!expanded) return;
    const firstOpening = !opened.has(id);
    opened.add(id);
    onPath.add(id);
    // Members that are all leaves, no ghost among them and no filter leaving some out: one run, each member looked
    // at only for the match order.
    if (!(filter && search) && !ghosts?.size && onlyLeaves(model, key)) leafRun(ordered(members), `${rowId}/`, depth + 1, id, firstOpening);
    else visitList(ordered(members), `${rowId}/`, depth + 1, id, true);
    for (const { key: g, compared = false } of ghosts?.get(id) ?? []) {
      if (!members.includes(g.id)) push({ kind: 'ghost', rowId: `${rowId}/~${g.id}`, depth: depth + 1, key: g, dim: !!search, compared });
    }
    onPath.delete(id);
  };

  /**
   * Whether member `id` of a list is one row with nothing below it (a run may hold it): not in the snapshot (drawn
   * as hidden), or a key that does not open here. Row ids are made only for the members an expansion choice may name.
   */
  const isLone = (id: number, prefix: string, depth: number, explicit: boolean): boolean => {
    const key = keys.get(id);
    if (key === undefined) return !filter || !search;
    if (onPath.has(id)) return false;
    if (membersOf(key).length === 0 && !ghosts?.get(id)?.length) return true;
    return !isOpen(explicit ? expansion.get(prefix + id) : undefined, depth, key);
  };

  /** The rows of `list`'s keys, each `prefix + id`; with `skipIrrelevant`, a search's filter leaves out what neither matches nor leads to a match. */
  const visitList = (list: readonly number[], prefix: string, depth: number, parentKeyId: number | null, skipIrrelevant: boolean) => {
    const explicit = explicitPrefixes.has(prefix);
    let run: Run | null = null;
    // By index: a cold for…of makes an iterator result per member (a broad search opens 11k of them).
    for (let i = 0; i < list.length; i++) {
      const m = list[i]!;
      if (skipIrrelevant && filter && search && !relevant(m)) {
        run = null;
        continue;
      }
      if (!isLone(m, prefix, depth, explicit)) {
        run = null;
        visit(m, prefix + m, depth, parentKeyId, null);
        continue;
      }
      if (run === null) {
        run = { kind: 'run', start: count, ids: list, from: i, to: i, prefix, depth, parentKeyId, pos: 0, size: 0 };
        segments.push(run);
        starts.push(count);
      }
      firstMatch(m, count);
      run.to = i + 1;
      count++;
    }
  };

  /**
   * `list`, keys that have no members (and no ghosts), as one run. Every opening of its keyring draws all of them, so
   * a member drawn only under it is first drawn at the keyring's first opening, and never needs remembering.
   */
  const leafRun = (list: readonly number[], prefix: string, depth: number, parentKeyId: number, firstOpening: boolean) => {
    if (list.length === 0) return;
    segments.push({ kind: 'run', start: count, ids: list, from: 0, to: list.length, prefix, depth, parentKeyId, pos: 0, size: 0 });
    starts.push(count);
    for (let i = 0; i < list.length && matched < matchCount; i++) {
      const m = list[i]!;
      if (!search!.matches.has(m)) continue;
      if (!drawnOnlyUnder(m)) firstMatch(m, count + i);
      else if (firstOpening) record(m, count + i);
    }
    count += list.length;
  };

  const section = (section: SectionId, count: number, fill: () => void, label = SECTION_LABELS[section]) => {
    if (count === 0) return;
    const rowId = `sec:${section}`;
    const expanded = expansion.get(rowId) ?? true;
    push({ kind: 'section', rowId, depth: 0, section, label, count, expanded, dim: false });
    if (expanded) fill();
  };

  const anchorNames = ANCHOR_ORDER.filter((n) => !filter || !search || (model.anchors[n] != null && relevant(model.anchors[n]!)));
  section('anchors', anchorNames.length, () => {
    for (const name of anchorNames) {
      const id = model.anchors[name];
      if (id == null || !keys.has(id)) {
        push({ kind: 'anchor-none', rowId: `a:${name}`, depth: 1, anchor: name, label: ANCHOR_LABELS[name], dim: !!search });
      } else visit(id, `a:${name}`, 1, null, name);
    }
  });
  const pending = firstScreen && !search && count >= FIRST_SCREEN_ROWS && !sectionsReady(model);
  if (pending) push({ kind: 'pending', rowId: 'pending', depth: 0, label: PENDING_LABEL, dim: false });
  else belowAnchors();
  setPositions(segments, starts, count);
  if (pending) sizeUnknownAtTop(segments);
  return lazyRows(segments, starts, count, { rowIndex: matchRows.subarray(0, matched), keyId: matchKeys.subarray(0, matched) }, (run, index) => {
    const id = run.ids[run.from + index - run.start]!;
    const rowId = run.prefix + id;
    const pos = run.pos + index - run.start;
    const key = keys.get(id);
    if (key === undefined) return { kind: 'hidden', rowId, depth: run.depth, keyId: id, dim: !!search, pos, size: run.size };
    const expandable = membersOf(key).length > 0 || !!ghosts?.get(id)?.length;
    const row: FlatRow = keyRow(key, rowId, run.depth, run.parentKeyId, null, expandable, false, false);
    row.pos = pos;
    row.size = run.size;
    return row;
  });

  /** The Users, kernel-held and unreachable sections. */
  function belowAnchors(): void {
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
        push({ kind: 'user', rowId, depth: 1, group: u.group, gap: quotaGapOf(keys, u.group), label: u.label, expandable, expanded, match: u.match, dim: !!search && !u.match && !u.leadsToMatch });
        if (expanded) visitList(u.members, `${rowId}/`, 2, null, false);
      }
    });
    const kernel = ordered(model.kernelRoots).filter((id) => !filter || relevant(id));
    section('kernel', kernel.length, () => visitList(kernel, 'k:', 1, null, false));
    const orphans = ordered(model.orphanRoots).filter((id) => !filter || relevant(id));
    section('orphans', orphans.length, () => visitList(orphans, 'o:', 1, null, false), orphansMayBeReached(model.keys) ? ORPHANS_MAYBE_REACHED : undefined);
  }
}

/** The TreeRows over a walk's segments; `make` makes a run's row. */
function lazyRows(
  segments: readonly (FlatRow | Run)[],
  starts: readonly number[],
  length: number,
  matches: MatchOrder,
  make: (run: Run, index: number) => FlatRow,
): TreeRows {
  const made = new Map<number, FlatRow>();
  /** The segment holding row `index`: the last that starts at or before it. */
  const segmentAt = (index: number): FlatRow | Run => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return segments[lo]!;
  };
  let byRowId: Map<string, number> | null = null;
  let runsByPrefix: Map<string, Run[]> | null = null;
  const index = () => {
    byRowId = new Map();
    runsByPrefix = new Map();
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i]!;
      if (s.kind !== 'run') byRowId.set(s.rowId, starts[i]!);
      else {
        const list = runsByPrefix.get(s.prefix);
        if (list) list.push(s);
        else runsByPrefix.set(s.prefix, [s]);
      }
    }
    return { byRowId, runsByPrefix };
  };
  return {
    length,
    matches,
    at(i) {
      if (!(i >= 0 && i < length)) throw new RangeError(`no row ${i} of ${length}`);
      const s = segmentAt(i);
      if (s.kind !== 'run') return s;
      let row = made.get(i);
      if (row === undefined) made.set(i, (row = make(s, i)));
      return row;
    },
    depthAt(i) {
      return segmentAt(i).depth;
    },
    indexOfRowId(rowId) {
      const idx = byRowId && runsByPrefix ? { byRowId, runsByPrefix } : index();
      const at = idx.byRowId.get(rowId);
      if (at !== undefined) return at;
      const prefix = prefixOf(rowId);
      const runs = idx.runsByPrefix.get(prefix);
      if (runs === undefined) return -1;
      const tail = rowId.slice(prefix.length);
      const id = /^[0-9]+$/.test(tail) ? Number(tail) : NaN;
      for (const run of runs) {
        const j = run.ids.indexOf(id, run.from);
        if (j >= 0 && j < run.to) return run.start + j - run.from;
      }
      return -1;
    },
  };
}

/**
 * Fills pos/size from the depths alone: a virtualized tree has no DOM nesting, so assistive
 * technology learns "3 of 12" from these attributes. Linear in the segments: one stack of open parents (a
 * run's rows are siblings with nothing below them).
 */
function setPositions(segments: readonly (FlatRow | Run)[], starts: readonly number[], length: number): void {
  const counts = new Int32Array(length + 1); // at parent index + 1 (0 for top level): children so far
  const parentOf = new Int32Array(segments.length);
  const stack: number[] = []; // indices of the open ancestors, by depth
  segments.forEach((s, i) => {
    stack.length = s.depth;
    const parent = s.depth > 0 ? (stack[s.depth - 1] ?? -1) : -1;
    parentOf[i] = parent;
    const n = s.kind === 'run' ? s.to - s.from : 1;
    s.pos = counts[parent + 1]! + 1;
    counts[parent + 1]! += n;
    stack[s.depth] = starts[i]! + n - 1;
  });
  segments.forEach((s, i) => {
    s.size = counts[parentOf[i]! + 1] || 1;
  });
}

/**
 * While the sections below the anchors are pending, how many top-level rows there will be is not known (0 to 3
 * more sections): their aria-setsize is -1, which ARIA defines as unknown, never a count a screen reader would
 * read out wrong; the pending row stands in for no section and has no position.
 */
function sizeUnknownAtTop(segments: readonly (FlatRow | Run)[]): void {
  for (const s of segments) {
    if (s.depth !== 0) continue;
    if (s.kind === 'pending') {
      delete s.pos;
      delete s.size;
    } else s.size = -1;
  }
}

/** The section row a root row id lives under. */
export function sectionOfRowId(rowId: string): string {
  if (rowId.startsWith('a:')) return 'sec:anchors';
  if (rowId.startsWith('u:')) return 'sec:users';
  return rowId.startsWith('k:') ? 'sec:kernel' : 'sec:orphans';
}
