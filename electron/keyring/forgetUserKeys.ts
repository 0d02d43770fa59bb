// Forgetting a user's keys before the user goes (as root). `userdel` leaves the kernel's side alone: the
// user keyrings `_uid.N` and `_uid_ses.N` stay linked from `.user_reg` for good, so /proc/key-users keeps
// listing the uid, and a user later given the same uid finds them. Whoever removes a user it made (the
// demo's fixture users, the tests' and the bench's throwaway users) calls this first, while no process of
// the user's runs, so nothing makes new keys meanwhile, and before `userdel`, so no new user has the uid yet.
//
// The kernel judges an invalidation by the caller's fsuid and groups (and possession), never by root's
// capabilities, so the keys are invalidated by processes running as the uid (setpriv, with no groups: the uid
// may have no passwd entry any more), each in a fresh session keyring of its own (`keyctl session -`), so it
// possesses nothing of the caller's (userProcess.ts): the first lists the keys /proc/keys shows the uid owning
// (read as it, and cheap: a reader that possesses thousands of keys pays for each), the second invalidates them.
// Where the uid's quota has no room for that session keyring, they keep the caller's keyrings instead, and then read more
// (everything the caller possesses); either way each id is checked to be the uid's (`keyctl rdescribe`) before it
// is invalidated, since a description holding a line break can forge a /proc/keys record. The user keyrings
// grant their owner every right, so they always go; a key whose mask refuses its owner Search (`keyctl add`'s
// default, 3f010000, lets the owner only view) is refused, and goes when the last keyring holding it is
// destroyed. The kernel's garbage collector destroys invalidated keys within moments; /proc/key-users drops
// the uid when its last key is destroyed.
import { procKeysAs, runScriptAs, type AsUserOptions } from './userProcess';

export interface ForgottenKeys {
  /** Keys of the uid's that it was allowed to invalidate. */
  invalidated: number;
  /** Keys the kernel refused to invalidate (no Search right): they go with the keyrings that hold them. */
  refused: number;
}

/** As the uid, with no groups (it may have no passwd entry any more), and the caller's session at a full quota. */
const AS_UID: AsUserOptions = { groups: 'none', whenQuotaFull: 'use-caller-session' };

/** The serials of the keys `uid` owns that /proc/keys shows it (read as that uid), its reading session aside. */
export function keysOwnedBy(uid: number): number[] {
  return procKeysAs(uid, AS_UID)
    .filter((line) => line.uid === uid)
    .map((line) => line.id);
}

// For each id: invalidate it if `keyctl rdescribe` ("type;uid;gid;perm;description") says $0's uid owns it;
// print the ids refused (not its, not allowed, or gone meanwhile).
const INVALIDATE_OWN = `
for id; do
  owner=$(keyctl rdescribe "$id" 2>/dev/null | cut -d';' -f2)
  if [ "$owner" = "$KB_UID" ] && keyctl invalidate "$id" 2>/dev/null; then :; else echo "$id"; fi
done`;

/** Invalidates, as `uid`, every key /proc/keys shows it owning (see the top of this file); needs root and keyutils' keyctl. */
export function forgetUserKeys(uid: number): ForgottenKeys {
  const ids = keysOwnedBy(uid);
  if (ids.length === 0) return { invalidated: 0, refused: 0 };
  const out = runScriptAs(uid, `KB_UID=${uid}; ${INVALIDATE_OWN}`, ids.map(String), AS_UID).stdout;
  const refused = out.split('\n').filter((line) => line !== '').length;
  return { invalidated: ids.length - refused, refused };
}
