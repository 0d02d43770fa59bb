// What this process reaches, and where a drawing of the keyring graph starts, in one place for the engine
// (a key's `orphan` flag, electron/keyring/scanContext.ts), the app's tree and graph (renderer/src/tree/
// model.ts) and the command line's tree (electron/cli/tree.ts).
//
//  - reachable: linked, through any number of keyrings, from one of this process's anchors;
//  - kernel-held: a keyring named with a leading '.' (`.user_reg`, `.persistent_register`, `.dns_resolver`,
//    `.id_resolver`, …), by the kernel's and its subsystems' convention; such a keyring is a root of its own;
//  - orphan: reachable from neither (the engine's `orphan`).
//
// Pure: no Node, Electron or DOM.
import { KeyPositions, KeySet } from './keyPositions';
import { anyParentIn, parentIndex } from './parentIndex';
import { ANCHOR_ORDER, type Anchors } from './snapshot';

/**
 * A keyring named with a leading '.': held by the kernel or one of its subsystems, not by a process. Userspace
 * cannot make one: add_key(2) refuses a keyring description that starts with '.' (EPERM).
 */
export function isKernelHeldKeyring(key: { type: string; description: string }): boolean {
  return key.type === 'keyring' && key.description.startsWith('.');
}

/**
 * Every key reachable from `roots` through member lists, over any handle (ids, table rows); `visit` marks a
 * key and returns false when it was already seen. Iterative: a chain of thousands of keyrings is fine.
 */
export function walkReachable<K>(roots: readonly K[], membersOf: (key: K) => ArrayLike<K> | null | undefined, visit: (key: K) => boolean): void {
  const stack: K[] = [];
  for (const r of roots) if (visit(r)) stack.push(r);
  while (stack.length > 0) {
    const members = membersOf(stack.pop() as K);
    if (!members) continue;
    for (let i = 0; i < members.length; i++) {
      const m = members[i] as K;
      if (visit(m)) stack.push(m);
    }
  }
}

/** What the walks need of a key. */
export interface LinkedKey {
  id: number;
  type: string;
  description: string;
  /** Member ids; null when the keyring's member list could not be read. */
  links?: readonly number[] | null;
}

export interface GraphRoots {
  /** Keys reachable from an anchor. */
  reachable: ReadonlySet<number>;
  /** Kernel-held keyrings no anchor reaches and no visible keyring links: roots of their own. */
  kernelRoots: readonly number[];
  /**
   * The other keys no anchor reaches and no visible keyring links, then one key of each unreachable cycle
   * (keyrings linking each other, none linked from outside): together with kernelRoots, every key is
   * reachable from an anchor or from one of these.
   */
  orphanRoots: readonly number[];
}

/**
 * The passes over every key below run once per snapshot, so their code is cold: they go through the map with
 * forEach and through arrays by index. A cold for…of over a Map (or an array) steps an iterator and makes a
 * result object per key; at 40k keys each such pass cost the app's first render tens of ms.
 */

/** member id → ids of the visible keyrings that link it, each list in the order `keys` iterates the keyrings. */
export function parentsOf(keys: ReadonlyMap<number, Pick<LinkedKey, 'id' | 'links'>>): ReadonlyMap<number, readonly number[]> {
  return parentIndex(keys) ?? parentsMap(keys);
}

/** parentsOf as a Map: for links parentIndex cannot code (ids outside [0, 2^32), over 2M links). */
export function parentsMap(keys: ReadonlyMap<number, Pick<LinkedKey, 'id' | 'links'>>): Map<number, number[]> {
  const parents = new Map<number, number[]>();
  keys.forEach((k) => {
    const links = k.links;
    if (!links) return;
    for (let i = 0; i < links.length; i++) {
      const member = links[i]!;
      const list = parents.get(member);
      if (list) {
        // A keyring cannot link the same key twice, but be tolerant of duplicated input.
        if (list[list.length - 1] !== k.id) list.push(k.id);
      } else parents.set(member, [k.id]);
    }
  });
  return parents;
}

/**
 * Where a tree of `keys` starts: the anchors (in the kernel's search order), then the roots of what they do
 * not reach, keyrings first, then by description, then id (a stable order that reads well).
 */
export function graphRoots(keys: ReadonlyMap<number, LinkedKey>, anchors: Anchors, parents: ReadonlyMap<number, readonly number[]> = parentsOf(keys)): GraphRoots {
  const anchorIds = ANCHOR_ORDER.map((name) => anchors[name]).filter((id): id is number => id != null);
  const positions = KeyPositions.of(keys);
  return positions ? rootsByPosition(keys, positions, anchorIds, parents) : rootsBySet(keys, anchorIds, parents);
}

/** graphRoots with the keys numbered (keyPositions.ts): each walk marks bytes, not a Set of 40k ids. */
function rootsByPosition(
  keys: ReadonlyMap<number, LinkedKey>,
  positions: KeyPositions<LinkedKey>,
  anchorIds: readonly number[],
  parents: ReadonlyMap<number, readonly number[]>,
): GraphRoots {
  const { ids, keyAt } = positions;
  const reachable = new KeySet(positions);
  markPositions(positions, anchorIds, reachable, null);
  // As rootsBySet below, in the same steps.
  const rootKeys: LinkedKey[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (reachable.hasAt(i)) continue;
    const k = keyAt[i]!;
    if (!anyParentIn(parents, k.id, keys)) rootKeys.push(k);
  }
  const roots = sortedRoots(rootKeys);
  const coveredFromRoots = new KeySet(positions);
  markPositions(positions, roots, coveredFromRoots, reachable);
  if (reachable.size + coveredFromRoots.size < keys.size) {
    // By id: the positions are in id order.
    for (let i = 0; i < ids.length; i++) {
      if (reachable.hasAt(i) || coveredFromRoots.hasAt(i)) continue;
      const id = keyAt[i]!.id;
      roots.push(id);
      markPositions(positions, [id], coveredFromRoots, reachable);
    }
  }
  return splitRoots(keys, reachable, roots);
}

/** markReachable by key numbers. */
function markPositions(positions: KeyPositions<LinkedKey>, from: readonly number[], into: KeySet, done: KeySet | null): void {
  const stack: (readonly number[])[] = [];
  const visit = (id: number): void => {
    const at = positions.find(id);
    if (at < 0 || done?.hasAt(at) || !into.addAt(at)) return;
    const links = positions.keyAt[at]!.links;
    if (links && links.length > 0) stack.push(links);
  };
  for (let i = 0; i < from.length; i++) visit(from[i]!);
  while (stack.length > 0) {
    const members = stack.pop()!;
    for (let i = 0; i < members.length; i++) visit(members[i]!);
  }
}

/** graphRoots with Sets of ids: for keys KeyPositions cannot number (ids outside [0, 2^32), 2M keys or more). */
function rootsBySet(keys: ReadonlyMap<number, LinkedKey>, anchorIds: readonly number[], parents: ReadonlyMap<number, readonly number[]>): GraphRoots {
  const reachable = new Set<number>();
  markReachable(keys, anchorIds, reachable, null);

  // Unreachable keys with no visible parent start a section; whatever is still uncovered after walking
  // from them sits on a cycle of unreachable keyrings: promote one key per cycle.
  const rootKeys: LinkedKey[] = [];
  keys.forEach((k) => {
    if (!reachable.has(k.id) && !anyParentIn(parents, k.id, keys)) rootKeys.push(k);
  });
  const roots = sortedRoots(rootKeys);
  const coveredFromRoots = new Set<number>();
  markReachable(keys, roots, coveredFromRoots, reachable);
  if (reachable.size + coveredFromRoots.size < keys.size) {
    for (const k of [...keys.values()].sort((a, b) => a.id - b.id)) {
      if (reachable.has(k.id) || coveredFromRoots.has(k.id)) continue;
      roots.push(k.id);
      markReachable(keys, [k.id], coveredFromRoots, reachable);
    }
  }

  return splitRoots(keys, reachable, roots);
}

function splitRoots(keys: ReadonlyMap<number, LinkedKey>, reachable: ReadonlySet<number>, roots: readonly number[]): GraphRoots {
  const kernelRoots: number[] = [];
  const orphanRoots: number[] = [];
  for (const r of roots) (isKernelHeldKeyring(keys.get(r)!) ? kernelRoots : orphanRoots).push(r);
  return { reachable, kernelRoots, orphanRoots };
}

/**
 * walkReachable over `keys` by their member lists, adding to `into` (in the order the walk first meets them)
 * the keys reachable from `from` that neither `into` nor `done` holds yet. One lookup and one insertion per
 * key, and only keyrings wait on the stack: the graph's roots are worked out for every snapshot the app shows.
 */
function markReachable(keys: ReadonlyMap<number, LinkedKey>, from: readonly number[], into: Set<number>, done: ReadonlySet<number> | null): void {
  const stack: (readonly number[])[] = [];
  const visit = (id: number): void => {
    if (done?.has(id)) return;
    const k = keys.get(id);
    if (k === undefined) return;
    const before = into.size;
    into.add(id);
    // A key without members has nothing to walk: leaving it off the stack changes no order of visits.
    if (into.size !== before && k.links && k.links.length > 0) stack.push(k.links);
  };
  for (const r of from) visit(r);
  while (stack.length > 0) {
    const members = stack.pop()!;
    for (let i = 0; i < members.length; i++) visit(members[i]!);
  }
}

/**
 * The roots' ids in compareRoots' order, sorted as key objects: the app's key map is layers over a base
 * (renderer store/keyMap.ts), and two lookups per comparison were most of a sort of 50k roots (another session's
 * keys, whose keyrings this user may view but not read, are roots each: a shared machine has tens of thousands).
 */
function sortedRoots(rootKeys: LinkedKey[]): number[] {
  rootKeys.sort(compareRoots);
  const roots = new Array<number>(rootKeys.length);
  for (let i = 0; i < rootKeys.length; i++) roots[i] = rootKeys[i]!.id;
  return roots;
}

function compareRoots(a: LinkedKey, b: LinkedKey): number {
  const ringA = a.type === 'keyring';
  if (ringA !== (b.type === 'keyring')) return ringA ? -1 : 1;
  return a.description.localeCompare(b.description) || a.id - b.id;
}
