// Where a keys array came from, so that comparing two of them costs what changed rather than a walk over every
// key. A poll's keys are rows over an earlier array (shared/keyRows.ts), and when their overlay grows they are made
// into a new array; keys arrays and key objects are never modified once made. So such an array records here that it
// holds the same key objects as the one it was made from, in the same id order, except for the keys of a few ids;
// rows over the two, and diffSnapshots, then look at those ids only, where they would walk 40k keys.
//
// The record names its base through a WeakRef: a long line of polls must not keep every earlier array alive. A
// base that was collected simply ends the line (the caller walks every key, as without a record).
import type { KeyInfo } from './snapshot';

type Keys = readonly KeyInfo[];

interface Lineage {
  /** The array this one was made from, or null when it is only known to be in ascending id order. */
  base: WeakRef<Keys> | null;
  /** Ids whose keys may differ from `base`'s (changed, added or removed); every other key is the same object. */
  ids: readonly number[];
}

const lineage = new WeakMap<Keys, Lineage>();

/** How many steps back two arrays are traced to find where they share a base. */
const MAX_STEPS = 8;

/** The index of key `id` in `keys` (ascending ids), or -1. */
export function indexById(keys: readonly KeyInfo[], id: number): number {
  let lo = 0;
  let hi = keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = (keys[mid] as KeyInfo).id;
    if (at === id) return mid;
    if (at < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Whether `keys` is in strictly ascending id order (remembered: a snapshot's array is checked once). */
export function isSortedById(keys: Keys): boolean {
  if (lineage.has(keys)) return true;
  for (let i = 1; i < keys.length; i++) if ((keys[i - 1] as KeyInfo).id >= (keys[i] as KeyInfo).id) return false;
  lineage.set(keys, { base: null, ids: [] });
  return true;
}

/**
 * Records that `keys` holds the key objects of `base` except for those of `ids`, which were changed, added or
 * removed, and keeps base's id order (nothing is recorded for a base that is not in ascending id order). The
 * caller guarantees it: a wrong record makes diffSnapshots miss a change.
 */
export function recordDerived(keys: Keys, base: Keys, ids: Iterable<number>): void {
  if (keys === base || !isSortedById(base)) return;
  lineage.set(keys, { base: new WeakRef(base), ids: [...ids] });
}

/**
 * The ids outside of which `a` and `b` hold the same key objects (both in ascending id order), ascending and each
 * once; null when their lineage does not say (then compare every key).
 */
export function idsThatMayDiffer(a: Keys, b: Keys): number[] | null {
  const fromA = new Map<Keys, number[][]>();
  let at: Keys | undefined = a;
  const pathA: number[][] = [];
  for (let step = 0; at !== undefined && step <= MAX_STEPS; step++) {
    fromA.set(at, pathA.slice());
    const l = lineage.get(at);
    if (l === undefined || l.base === null) break;
    pathA.push(l.ids as number[]);
    at = l.base.deref();
  }
  let bt: Keys | undefined = b;
  const pathB: number[][] = [];
  for (let step = 0; bt !== undefined && step <= MAX_STEPS; step++) {
    const shared = fromA.get(bt);
    if (shared !== undefined) return sortedUnique([...shared, ...pathB]);
    const l = lineage.get(bt);
    if (l === undefined || l.base === null) return null;
    pathB.push(l.ids as number[]);
    bt = l.base.deref();
  }
  return null;
}

function sortedUnique(lists: readonly (readonly number[])[]): number[] {
  const all: number[] = [];
  for (const list of lists) for (const id of list) all.push(id);
  all.sort((x, y) => x - y);
  return all.filter((id, i) => i === 0 || all[i - 1] !== id);
}
