// Forgetting a user's keys before the user goes (as root). `userdel` leaves the kernel's side alone: the
// user keyrings `_uid.N` and `_uid_ses.N` stay linked from `.user_reg` for good, so /proc/key-users keeps
// listing the uid, and a user later given the same uid finds them. Whoever removes a user it made (the
// demo's fixture users, the tests' and the bench's throwaway users) calls this first, while no process of
// the user's runs, so nothing makes new keys meanwhile, and before `userdel`, so no new user has the uid yet.
//
// The kernel judges an invalidation by the caller's fsuid and groups (and possession), never by root's
// capabilities, so the keys are invalidated by a process running as the uid (setpriv, with no groups: the
// uid may have no passwd entry any more). That process lists them from /proc/keys read as the uid (its
// view: the keys whose user rights let it view them, and those it possesses through the caller's keyrings,
// which it inherits). The user keyrings grant their owner every right, so they always go; a key whose mask
// refuses its owner Search (`keyctl add`'s default, 3f010000, lets the owner only view) is refused, and goes
// when the last keyring holding it is destroyed. The kernel's garbage collector destroys invalidated keys
// within moments; /proc/key-users drops the uid when its last key is destroyed.
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

/** The serials of the keys `uid` owns that /proc/keys shows it (read as that uid). */
export function keysOwnedBy(uid: number): number[] {
  const read = spawnSync('setpriv', [...asUid(uid), 'cat', '/proc/keys'], { encoding: 'utf8' });
  if (read.status !== 0) throw new Error(`reading /proc/keys as uid ${uid} failed: ${read.stderr || read.error?.message || `status ${read.status}`}`);
  return parseProcKeys(read.stdout)
    .lines.filter((line) => line.uid === uid)
    .map((line) => line.id);
}

/** Invalidates, as `uid`, every key /proc/keys shows it owning (see the top of this file); needs root and keyutils' keyctl. */
export function forgetUserKeys(uid: number): ForgottenKeys {
  const ids = keysOwnedBy(uid);
  if (ids.length === 0) return { invalidated: 0, refused: 0 };
  // One shell for all of them; it prints each id the kernel refused (or that went meanwhile).
  const run = spawnSync('setpriv', [...asUid(uid), 'sh', '-c', 'for id; do keyctl invalidate "$id" 2>/dev/null || echo "$id"; done', 'sh', ...ids.map(String)], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`invalidating uid ${uid}'s keys failed: ${run.stderr || run.error?.message || `status ${run.status}`}`);
  const refused = run.stdout.split('\n').filter((line) => line !== '').length;
  return { invalidated: ids.length - refused, refused };
}
