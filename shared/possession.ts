// Pure (shared by the engine's scan and the page's act-as checks): no Node, Electron or DOM.
// Possession, computed in userland the way the kernel decides it (security/keys/process_keys.c
// search_cred_keyrings_rcu → keyring.c keyring_search_rcu / search_nested_keyrings), so the scanner never
// has to ask the kernel once per key (that costs keys × keyrings; README "Performance").
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
import { effectivePerm, PERM_BITS, type Observer } from './perm';

/** Why a key's possession may be unknown (KeyInfo.possessionUnknown), in words for the UI. */
export const POSSESSION_UNKNOWN =
  'a keyring this process possesses links one it may not view, whose permission and members the kernel hides; the kernel may reach this key through it';

/** Where the key is not found possessed and possession is unknown: words for a key no visible path reaches. */
export const MAYBE_REACHED = 'no path this process can see reaches it; it may be reached through a keyring this process may not view';

/**
 * The bits this observer surely has on a key, and the bits it has if it possesses the key where the snapshot
 * cannot tell (KeyInfo.possessionUnknown; else the same as `sure`).
 */
export function effectivePermRange(key: PermFacts & { possessed: boolean; possessionUnknown?: true }, who: Observer): { sure: number; maybe: number } {
  const sure = effectivePerm(key, who, key.possessed);
  return { sure, maybe: key.possessionUnknown === true ? effectivePerm(key, who, true) : sure };
}

/** Deepest keyring the kernel still searches below a root (the root is depth 0). */
export const MAX_SEARCHED_DEPTH = 6;

export interface PermFacts {
  uid: number;
  gid: number;
  perm: number;
}

export function searchableWhenPossessed(facts: PermFacts | undefined, who: Observer): boolean {
  return facts !== undefined && (effectivePerm(facts, who, true) & PERM_BITS.search) !== 0;
}

/**
 * The possession walk, over any handle for a key: ids, or the scanner's table rows (where it costs no hash
 * lookups). `membersOf` gives a keyring's members (nothing: unknown), `searchable` whether a key
 * grants SEARCH with the possessor bits, `isReadKeyring` whether its members are known, `mark` is told each
 * possessed key (possibly more than once).
 */
export function walkPossession<K>(
  roots: readonly K[],
  membersOf: (key: K) => ArrayLike<K> | null | undefined,
  searchable: (key: K) => boolean,
  isReadKeyring: (key: K) => boolean,
  mark: (key: K) => void,
): void {
  // Breadth first, so the first time a keyring is reached is at its shallowest depth: `depth` below.
  const searched = new Set<K>();
  let frontier: K[] = [];
  for (const root of roots) {
    if (searched.has(root) || !searchable(root)) continue;
    mark(root);
    searched.add(root);
    frontier.push(root);
  }
  for (let depth = 0; depth <= MAX_SEARCHED_DEPTH && frontier.length > 0; depth++) {
    const next: K[] = [];
    for (const ring of frontier) {
      const members = membersOf(ring);
      if (!members) continue;
      for (let i = 0; i < members.length; i++) {
        const member = members[i] as K;
        if (!searchable(member)) continue;
        mark(member);
        if (!searched.has(member) && isReadKeyring(member)) {
          searched.add(member);
          next.push(member);
        }
      }
    }
    frontier = next;
  }
}
