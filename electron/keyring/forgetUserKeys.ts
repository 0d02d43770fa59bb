// Forgetting a user's keys before the user goes (as root). `userdel` leaves the kernel's side alone: the
// user keyrings `_uid.N` and `_uid_ses.N` stay linked from `.user_reg` for good, so /proc/key-users keeps
// listing the uid, and a user later given the same uid finds them. Whoever removes a user it made (the
// demo's fixture users, the tests' and the bench's throwaway users) calls this first, while no process of
// the user's runs, so nothing makes new keys meanwhile, and before `userdel`, so no new user has the uid yet.
//
// The kernel judges an invalidation by the caller's fsuid and groups (and possession), never by root's
// capabilities, so the keys are invalidated by processes running as the uid (setpriv, with no groups: the uid
// may have no passwd entry any more), each in a fresh session keyring of its own (`keyctl session -`), so it
// possesses nothing of the caller's: the first lists the keys /proc/keys shows the uid owning (read as it, and
// cheap: a reader that possesses thousands of keys pays for each), the second invalidates them. Where the uid's
// quota has no room for that session keyring, they keep the caller's keyrings instead, and then read more
// (everything the caller possesses); either way each id is checked to be the uid's (`keyctl rdescribe`) before it
// is invalidated, since a description holding a line break can forge a /proc/keys record. The user keyrings
// grant their owner every right, so they always go; a key whose mask refuses its owner Search (`keyctl add`'s
// default, 3f010000, lets the owner only view) is refused, and goes when the last keyring holding it is
// destroyed. The kernel's garbage collector destroys invalidated keys within moments; /proc/key-users drops
// the uid when its last key is destroyed.
import { spawnSync } from 'node:child_process';
import { parseProcKeys } from './procKeys';

export interface ForgottenKeys {
  /** Keys of the uid's that it was allowed to invalidate. */
  invalidated: number;
  /** Keys the kernel refused to invalidate (no Search right): they go with the keyrings that hold them. */
  refused: number;
}

/** setpriv's arguments that make a process `uid` with group `uid` and no supplementary groups. */
function asUid(uid: number): string[] {
  return ['--reuid', String(uid), '--regid', String(uid), '--clear-groups'];
}

/** /proc/keys can be large where the caller's keyrings are visible: room for 40k records and more. */
const MAX_OUTPUT = 256 * 1024 * 1024;

/**
 * Runs shell `script` (with `args` as $1…) as `uid`, in a fresh session keyring of its own whose id it gets as
 * $KB_OWN_SESSION, or, where the uid's quota has no room for one, in the caller's (KB_OWN_SESSION empty).
 */
function shellAs(uid: number, script: string, args: string[]): string {
  const fresh = spawnSync('setpriv', [...asUid(uid), 'keyctl', 'session', '-', 'sh', '-c', `KB_OWN_SESSION=$(keyctl id @s) && ${script}`, 'sh', ...args], {
    encoding: 'utf8',
    maxBuffer: MAX_OUTPUT,
  });
  if (fresh.status === 0) return fresh.stdout;
  const inherited = spawnSync('setpriv', [...asUid(uid), 'sh', '-c', `KB_OWN_SESSION= && ${script}`, 'sh', ...args], { encoding: 'utf8', maxBuffer: MAX_OUTPUT });
  if (inherited.status !== 0) throw new Error(`running as uid ${uid} failed: ${inherited.stderr || inherited.error?.message || `status ${inherited.status}`}`);
  return inherited.stdout;
}

/** The serials of the keys `uid` owns that /proc/keys shows it (read as that uid), its reading session aside. */
export function keysOwnedBy(uid: number): number[] {
  const [own, ...text] = shellAs(uid, 'echo "$KB_OWN_SESSION"; cat /proc/keys', []).split('\n');
  const session = own === '' ? -1 : Number(own);
  return parseProcKeys(text.join('\n'))
    .lines.filter((line) => line.uid === uid && line.id !== session)
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
  const out = shellAs(uid, `KB_UID=${uid}; ${INVALIDATE_OWN}`, ids.map(String));
  const refused = out.split('\n').filter((line) => line !== '').length;
  return { invalidated: ids.length - refused, refused };
}
