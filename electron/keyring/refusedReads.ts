// The keyrings whose KEYCTL_READ the kernel is sure to refuse, found before reading them: a scan then records them
// as refused (EACCES) without asking. Each refused read costs the kernel a search of all our keyrings for the key
// (lookup_user_key decides possession first, and finds nothing): at 40k keys in 400 possessed keyrings ≈ 0.1 ms each,
// against ≈ 0.03 ms for a read that succeeds; another session's 400 private keyrings doubled the walk's reads and
// were three quarters of its kernel time.
//
// The kernel's rule (security/keys/keyctl.c keyctl_read_key): after the lookup (which answers ENOKEY for a key
// revoked, expired, invalidated or gone), a negative key answers its error, then the key is read if our bits grant
// READ (key_permission: exactly one of user, group or other by fsuid, fsgid and groups, plus the possessor's byte
// when possessed), or else if we possess it; otherwise EACCES. A security module may refuse more, never grant more.
// So a keyring we do not possess, shown by /proc/keys as instantiated and in no other state, whose bits as a
// non-possessor lack READ, is refused: EACCES, or ENOKEY if it went meanwhile, which a scan records the same way
// (no member list: scanContext.ts memberList).
//
// Possession is what makes this safe or not. The kernel possesses a key found by searching the thread, process and
// session keyrings, descending into keyrings that grant SEARCH with the possessor's byte (shared/possession.ts). So
// the keyrings reachable from the anchors through such keyrings are read FIRST, breadth first, without the search's
// depth bound; every key in any list read there counts as possibly possessed (a superset of the kernel's set, which
// also needs each key's own SEARCH). Nothing is predicted (every keyring is read, as before) when that walk cannot
// be complete or our model of the kernel's search may be short of it:
//  - an anchor the reader's /proc/keys does not show, a list read there with a member the scan knows nothing of (a
//    keyring only a possessor may view, or nobody: its members stay unknown), or a read there that failed;
//  - credentials whose real and effective ids differ (the kernel judges by fsuid and fsgid, which follow the
//    effective ones; the observer has the real ones);
//  - a process that assumed authority to instantiate a key (KEYCTL_ASSUME_AUTHORITY): the kernel then also
//    searches the requestor's keyrings (search_process_keyrings_rcu), which our walk does not see.
//  - a scanning worker with a thread keyring of its own (hidden from the snapshot, but searched for its reads).
// Only for the process's own view (scope `process`): other users' views fill lists this process could not read.
import { decodeFlags } from '../../shared/flags';
import { effectivePerm, PERM_BITS, type Observer } from '../../shared/perm';
import type { ProcessAnchors } from './anchors';
import { searchableWhenPossessed } from './possession';
import { recordMemberLists, type ScanContext } from './scanContext';
import type { MembersOutcome } from './sides';

export interface PossessedFirst {
  /** Keyrings the kernel is sure to refuse us: record them as refused, unread. */
  refused: number[];
  /** Members of the lists read here that the scan knows nothing of yet (recordMemberLists): the walk goes on with them. */
  unknown: number[];
}

const NOTHING: PossessedFirst = { refused: [], unknown: [] };

/**
 * Reads (into `ctx`, as the walk would) the keyrings reachable from the anchors through keyrings we may search
 * when possessing them, then names the other keyrings of the table the kernel is sure to refuse. `mayPredict`
 * false (see the module's comment for when): reads nothing, refuses nothing.
 */
export async function readPossessedFirst(
  ctx: ScanContext,
  anchors: ProcessAnchors,
  who: Observer,
  mayPredict: boolean,
  readMembers: (ids: readonly number[]) => Promise<MembersOutcome[]>,
): Promise<PossessedFirst> {
  const { table } = ctx;
  if (!mayPredict) return NOTHING;
  const roots = [anchors.thread, anchors.process, anchors.session].filter((id): id is number => id !== null);
  if (roots.some((id) => !table.has(id))) return NOTHING;
  const facts = { uid: 0, gid: 0, perm: 0 };
  const searchable = (row: number): boolean => {
    facts.uid = table.uid[row] as number;
    facts.gid = table.gid[row] as number;
    facts.perm = table.perm[row] as number;
    return searchableWhenPossessed(facts, who);
  };
  /** 1: possibly possessed (an anchor, or in a list read here). */
  const possible = new Uint8Array(table.length);
  let frontier: number[] = [];
  for (const id of roots) {
    const row = table.rowOf(id);
    possible[row] = 1;
    if (table.isKeyring(row) && searchable(row) && !frontier.includes(id)) frontier.push(id);
  }
  const unknown: number[] = [];
  let complete = true;
  while (frontier.length > 0) {
    const batch = frontier.filter((ring) => !ctx.members.has(ring));
    frontier = [];
    if (batch.length === 0) break;
    const outcomes = await readMembers(batch);
    unknown.push(...recordMemberLists(ctx, outcomes));
    for (const outcome of outcomes) {
      if (!('members' in outcome)) {
        complete = false;
        continue;
      }
      const rows = ctx.memberRows.get(outcome.id);
      if (rows === undefined) continue;
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i] as number;
        if (row < 0) continue; // a helper's keyring (hidden), or unknown (then nothing is predicted)
        possible[row] = 1;
        if (table.isKeyring(row) && searchable(row) && !ctx.members.has(table.id[row] as number)) frontier.push(table.id[row] as number);
      }
    }
  }
  if (!complete || unknown.length > 0) return { refused: [], unknown };
  const refused: number[] = [];
  for (let row = 0; row < table.length; row++) {
    if (possible[row] === 1 || !table.isKeyring(row)) continue;
    const id = table.id[row] as number;
    if (ctx.members.has(id)) continue;
    const state = decodeFlags(table.flags(row), table.timeout(row));
    if (!state.instantiated || state.revoked || state.dead || state.underConstruction || state.negative || state.invalidated || state.expired) continue;
    facts.uid = table.uid[row] as number;
    facts.gid = table.gid[row] as number;
    facts.perm = table.perm[row] as number;
    if ((effectivePerm(facts, who, false) & PERM_BITS.read) === 0) refused.push(id);
  }
  return { refused, unknown };
}
