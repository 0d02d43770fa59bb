// The scan's possession and reachability walks over table rows, by a WebAssembly module (rowWalks.wat): the same
// sets as possessedRows' walkPossession and reachableRows' walkReachable in JavaScript (scanContext.ts keeps those
// where there is no WebAssembly; rowWalks.test.ts compares the two on fast-check graphs).
// Why: in a one-shot process these walks ran once, cold, over every member of every keyring (40k at 40k keys), with a
// callback or two and a Set lookup per member: tens of ms before V8 optimised them. The module's baseline code
// walks the same lists in well under one.
import type { MemberRowsByRow } from './scanContext';
import { ROW_WALKS_WASM } from './wasmModules';
import { freshMemory, hasWebAssembly, instantiate, MemoryLayout } from './wasmArena';

interface Exports {
  searchable(n: number, perm: number, searchable: number, need: number): number;
  possess(
    roots: number, rootCount: number, ringOf: number, listStart: number, listCount: number, members: number,
    searchable: number, searched: number, possessed: number, frontier: number, next: number, maxDepth: number,
  ): void;
  reach(roots: number, rootCount: number, ringOf: number, listStart: number, listCount: number, members: number, reachable: number, stack: number): void;
}

/** ringOf's marks for a row with no list of its own. */
const NOT_READ = -1;
const MAY_NOT_READ = -2;
/** Roots a walk may be given (the process anchors and the kernel-held keyrings: a handful). */
const MAX_ROOTS = 64;

/** The keyring graph of one scan in the module's memory, walked once each way. */
export interface RowWalks {
  /**
   * walkPossession from `roots` (rows) down to `maxDepth`: 1 for each possessed row. The rows whose possessor
   * byte lacks SEARCH are asked of `searchableByClass` (the class rule), the others are searchable. Null: asked
   * before (each walk runs once), or more roots than the module's memory lays out (MAX_ROOTS).
   */
  possessed(roots: readonly number[], perm: Uint32Array, searchableByClass: (row: number) => boolean, maxDepth: number): Uint8Array | null;
  /** walkReachable from `roots` (rows): 1 for each reachable row. Null: asked before, or more roots than MAX_ROOTS. */
  reachable(roots: readonly number[]): Uint8Array | null;
}

/**
 * The walks over `n` rows whose keyrings' rows are `lists` (their member lists are byRow's, memberRowsByRow: -1 for
 * a member with no row); null without WebAssembly (the callers walk in JavaScript then).
 */
export function rowWalks(n: number, lists: readonly number[], byRow: MemberRowsByRow): RowWalks | null {
  if (!hasWebAssembly()) return null;
  let total = 0;
  for (const row of lists) total += byRow[row]?.length ?? 0;
  const L = lists.length;
  const layout = new MemoryLayout(8);
  const o = {
    perm: layout.take(n * 4),
    ringOf: layout.take(n * 4),
    listStart: layout.take(L * 4),
    listCount: layout.take(L * 4),
    members: layout.take(total * 4),
    roots: layout.take(MAX_ROOTS * 4),
    queue: layout.take((L + MAX_ROOTS) * 4),
    next: layout.take((L + MAX_ROOTS) * 4),
    need: layout.take(n * 4),
    searchable: layout.take(n),
    searched: layout.take(n),
    possessed: layout.take(n),
    reachable: layout.take(n),
  };
  const memory = freshMemory(layout.end);
  const wasm = instantiate<Exports>(ROW_WALKS_WASM, memory);
  const buffer = memory.buffer;
  const ringOf = new Int32Array(buffer, o.ringOf, n).fill(NOT_READ);
  const listStart = new Int32Array(buffer, o.listStart, L);
  const listCount = new Int32Array(buffer, o.listCount, L);
  const members = new Int32Array(buffer, o.members, total);
  let at = 0;
  for (let k = 0; k < L; k++) {
    const row = lists[k] as number;
    const rows = byRow[row];
    if (rows === undefined) continue;
    if (rows === null) {
      ringOf[row] = MAY_NOT_READ;
      continue;
    }
    ringOf[row] = k;
    listStart[k] = at;
    listCount[k] = rows.length;
    members.set(rows, at);
    at += rows.length;
  }
  const setRoots = (roots: readonly number[]): boolean => {
    if (roots.length > MAX_ROOTS) return false;
    new Int32Array(buffer, o.roots, roots.length).set(roots);
    return true;
  };
  let searchableSet = false;
  let reached = false;
  return {
    possessed(roots, perm, searchableByClass, maxDepth) {
      if (searchableSet || !setRoots(roots)) return null; // once: the walk leaves its marks in the memory
      searchableSet = true;
      new Uint32Array(buffer, o.perm, n).set(perm.subarray(0, n));
      const searchable = new Uint8Array(buffer, o.searchable, n);
      const need = new Int32Array(buffer, o.need, wasm.searchable(n, o.perm, o.searchable, o.need));
      for (let i = 0; i < need.length; i++) if (searchableByClass(need[i] as number)) searchable[need[i] as number] = 1;
      wasm.possess(o.roots, roots.length, o.ringOf, o.listStart, o.listCount, o.members, o.searchable, o.searched, o.possessed, o.queue, o.next, maxDepth);
      return new Uint8Array(buffer, o.possessed, n).slice();
    },
    reachable(roots) {
      if (reached || !setRoots(roots)) return null; // once: the walk leaves its marks in the memory
      reached = true;
      wasm.reach(o.roots, roots.length, o.ringOf, o.listStart, o.listCount, o.members, o.reachable, o.queue);
      return new Uint8Array(buffer, o.reachable, n).slice();
    },
  };
}
