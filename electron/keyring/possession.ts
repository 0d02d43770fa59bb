// Possession, computed in userland the way the kernel decides it (security/keys/process_keys.c
// search_cred_keyrings_rcu → keyring.c keyring_search_rcu / search_nested_keyrings), so the scanner never
// has to ask the kernel once per key (that costs keys × keyrings; see DESIGN.md "Performance").
//
// The rule, verified against the kernel by possession.test.ts (random topologies, oracle = the
// possessing process's own /proc/keys and KEYCTL_DESCRIBE):
//  - The roots are the thread, process and session keyrings (the user-session keyring stands in for
//    the session keyring when the process has none; the scanner passes whichever -3 resolves to).
//  - A root is searched, and is itself possessed, only if it grants SEARCH with the possessor byte OR-ed
//    in (keyring_search_rcu checks the starting keyring).
//  - A member of a searched keyring is possessed iff it grants SEARCH to us with possessor bits
//    (keyring_search_iterator checks KEY_NEED_SEARCH on the matched key).
//  - A possessed member that is a keyring is searched in turn, down to MAX_SEARCHED_DEPTH: the root is
//    depth 0; keyrings at depth 0..6 are searched, so members at depth 7 are the deepest possessed keys
//    (KEYRING_SEARCH_MAX_DEPTH = 6; measured: a 3f000000 chain is possessed down to depth 7).
//  - The kernel walks every path (no visited set), bounded by depth; a breadth-first walk that keeps the
//    shallowest depth per keyring finds the same set. Cycles cannot exist (link refuses with EDEADLK),
//    but the walk terminates on them anyway.
// Key state does not matter (the lookup uses KEYRING_SEARCH_NO_STATE_CHECK); a revoked keyring is empty.
import { effectivePerm, PERM_BITS, type Observer } from '../../shared/perm';

/** Deepest keyring the kernel still searches below a root (the root is depth 0). */
export const MAX_SEARCHED_DEPTH = 6;

export interface PermFacts {
  uid: number;
  gid: number;
  perm: number;
}

/** Where the results go: a Set, or anything with its add/has (the scanner's RowSet, one byte per key). */
export interface IdSet {
  add(id: number): unknown;
  has(id: number): boolean;
}

export interface PossessionInput {
  /** Thread, process, session (or user-session) keyring ids, nulls allowed. */
  roots: readonly (number | null)[];
  /** uid/gid/perm of a key we know (undefined: treated as unsearchable). */
  facts: (id: number) => PermFacts | undefined;
  /** Member lists of keyrings (null or absent: unknown, so nothing below it is possessed through it). */
  members: ReadonlyMap<number, readonly number[] | null | undefined>;
  who: Observer;
  /** Receives the possessed ids (default: a new Set). */
  into?: IdSet;
}

function searchableWhenPossessed(facts: PermFacts | undefined, who: Observer): boolean {
  return facts !== undefined && (effectivePerm(facts, who, true) & PERM_BITS.search) !== 0;
}

/** The set of key ids this process possesses. */
export function computePossession<S extends IdSet = Set<number>>({ roots, facts, members, who, into }: PossessionInput): S {
  const possessed = (into ?? new Set<number>()) as S;
  const depthOf = new Map<number, number>();
  let frontier: number[] = [];
  for (const root of roots) {
    if (root === null || depthOf.has(root)) continue;
    if (!searchableWhenPossessed(facts(root), who)) continue;
    possessed.add(root);
    depthOf.set(root, 0);
    frontier.push(root);
  }
  for (let depth = 0; depth <= MAX_SEARCHED_DEPTH && frontier.length > 0; depth++) {
    const next: number[] = [];
    for (const ring of frontier) {
      for (const member of members.get(ring) ?? []) {
        if (!searchableWhenPossessed(facts(member), who)) continue;
        possessed.add(member);
        if (!depthOf.has(member) && members.has(member)) {
          depthOf.set(member, depth + 1);
          next.push(member);
        }
      }
    }
    frontier = next;
  }
  return possessed;
}

/** Every id reachable from `roots` through member lists (no permission or depth limit): for `orphan`. */
export function reachableFrom<S extends IdSet = Set<number>>(
  roots: Iterable<number>,
  members: ReadonlyMap<number, readonly number[] | null | undefined>,
  into?: S,
): S {
  const seen = (into ?? new Set<number>()) as S;
  const stack: number[] = [];
  for (const r of roots) {
    if (!seen.has(r)) {
      seen.add(r);
      stack.push(r);
    }
  }
  while (stack.length > 0) {
    const ring = stack.pop() as number;
    for (const m of members.get(ring) ?? []) {
      if (!seen.has(m)) {
        seen.add(m);
        stack.push(m);
      }
    }
  }
  return seen;
}
