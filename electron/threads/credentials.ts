// Credentials of ONE thread. Linux keeps credentials per thread, and the kernel judges every key operation
// by the calling thread's: possession by searching its thread, process and session keyrings, permissions by
// its fsuid, fsgid and supplementary groups, and a /proc/keys read by the credentials of the thread that
// opened the file. So a thread can read the keyrings as someone else while the rest of the process, and
// above all the main thread, never changes (a house rule: the main thread never changes credentials).
//
// Changing ids goes through raw system calls: glibc's setgroups() (like its setuid family) changes every
// thread of the process, to give POSIX's process-wide credentials; the raw call changes only the caller.
// Only the filesystem ids are switched (setfsuid/setfsgid), which are what key permissions and /proc/keys
// check; the real and effective ids stay, so the thread keeps CAP_SETUID and can switch again.
import { readFileSync } from 'node:fs';
import * as keyctl from '../keyring/keyctl';
import { errnoName } from '../keyring/keyctlError';
import { koffi, libc, syscallNumbers } from '../keyring/libc';

/** Whose keyrings a thread reads as. */
export interface UserCredentials {
  uid: number;
  gid: number;
  /** Supplementary groups (what initgroups would give the user). */
  groups: number[];
}

/** The calling thread's filesystem ids and groups, as the kernel now has them. */
export interface ThreadIds {
  fsuid: number;
  fsgid: number;
  groups: number[];
}

/** A credentials change the kernel did not make (setfsuid and setfsgid never report an error: we read back). */
export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
}

interface Native {
  setfsid: (nr: number, id: number) => number;
  groups: (nr: number, size: number, list: Buffer | null) => number;
}

let native: Native | null = null;

function load(): Native {
  native ??= {
    setfsid: libc().func('long syscall(long nr, long id)'),
    groups: libc().func('long syscall(long nr, long size, void *list)'),
  };
  return native;
}

/** An id no one has: setfsuid/setfsgid refuse it and return the current id, changing nothing. */
const INVALID_ID = 0xffffffff;
const MAX_GROUPS = 65536;

/** The calling thread's fsuid, fsgid and groups. */
export function threadIds(): ThreadIds {
  const n = load();
  const nr = syscallNumbers();
  const count = n.groups(nr.getgroups, 0, null);
  if (count < 0) throw new CredentialsError(`getgroups failed: ${errnoName(koffi.errno())}`);
  const buf = Buffer.alloc(Math.max(count, 1) * 4);
  const got = n.groups(nr.getgroups, count, buf);
  if (got < 0) throw new CredentialsError(`getgroups failed: ${errnoName(koffi.errno())}`);
  const groups: number[] = [];
  for (let i = 0; i < got; i++) groups.push(buf.readUInt32LE(i * 4));
  return { fsuid: n.setfsid(nr.setfsuid, INVALID_ID) >>> 0, fsgid: n.setfsid(nr.setfsgid, INVALID_ID) >>> 0, groups };
}

/**
 * Gives the calling thread `user`'s filesystem ids and groups, for this thread only, and checks that each
 * change took (it needs CAP_SETUID and CAP_SETGID, i.e. root). Returns the ids it had before.
 */
export function takeCredentials(user: UserCredentials): ThreadIds {
  if (user.groups.length > MAX_GROUPS) throw new CredentialsError(`too many groups (${user.groups.length})`);
  const before = threadIds();
  const n = load();
  const nr = syscallNumbers();
  const list = Buffer.alloc(Math.max(user.groups.length, 1) * 4);
  user.groups.forEach((g, i) => list.writeUInt32LE(g >>> 0, i * 4));
  if (n.groups(nr.setgroups, user.groups.length, list) < 0) {
    throw new CredentialsError(`setgroups for uid ${user.uid} failed: ${errnoName(koffi.errno())}`);
  }
  n.setfsid(nr.setfsgid, user.gid);
  n.setfsid(nr.setfsuid, user.uid);
  const now = threadIds();
  const wanted = [...new Set(user.groups.map((g) => g >>> 0))].sort((a, b) => a - b);
  const have = [...new Set(now.groups)].sort((a, b) => a - b);
  if (now.fsuid !== user.uid >>> 0 || now.fsgid !== user.gid >>> 0 || wanted.join() !== have.join()) {
    throw new CredentialsError(
      `could not take uid ${user.uid}'s credentials on this thread: it has fsuid ${now.fsuid}, fsgid ${now.fsgid}, groups [${now.groups.join(', ')}] (it needs CAP_SETUID and CAP_SETGID)`,
    );
  }
  return before;
}

/** The supplementary groups and primary group of `uid` from /etc/passwd and /etc/group (what `setpriv --init-groups` gives). */
export function userCredentials(uid: number, etc = '/etc'): UserCredentials {
  const found = userCredentialsIn(uid, readUserDatabase(etc));
  if (!found) throw new CredentialsError(`uid ${uid} is not in ${etc}/passwd`);
  return found;
}

/** The passwd and group files' text, read once for many lookups (userCredentialsIn). */
export interface UserDatabase {
  passwd: string;
  group: string;
}

export function readUserDatabase(etc = '/etc'): UserDatabase {
  return { passwd: readFileSync(`${etc}/passwd`, 'utf8'), group: readFileSync(`${etc}/group`, 'utf8') };
}

/** userCredentials from files already read; null when the passwd file has no entry for `uid`. */
export function userCredentialsIn(uid: number, db: UserDatabase): UserCredentials | null {
  const passwd = db.passwd.split('\n').map((line) => line.split(':'));
  const entry = passwd.find((f) => f.length >= 4 && Number(f[2]) === uid && f[2] !== '');
  if (!entry) return null;
  const name = entry[0] as string;
  const gid = Number(entry[3]);
  const groups = new Set<number>([gid]);
  for (const line of db.group.split('\n')) {
    const f = line.split(':');
    if (f.length >= 4 && f[3] !== undefined && f[3].split(',').includes(name)) groups.add(Number(f[2]));
  }
  return { uid, gid, groups: [...groups] };
}

/** Joins a new, empty anonymous session keyring: the calling thread then possesses nothing. Returns its id. */
export function joinEmptySession(): number {
  return keyctl.joinSessionKeyring(null);
}

/**
 * joinEmptySession for a thread that only reads (/proc/keys, DESCRIBE, member lists): its new session keyring, and its
 * thread keyring if it has one, then deny SEARCH (keyctl.ts UNSEARCHABLE_KEYRING_PERM), so the kernel's possession
 * search for each key a /proc/keys read lists stops at once. Their ids, to hide.
 */
export function joinReaderSession(): { session: number; thread: number | null } {
  const session = joinEmptySession();
  keyctl.setPerm(session, keyctl.UNSEARCHABLE_KEYRING_PERM);
  const thread = ownThreadKeyring();
  if (thread !== null) keyctl.setPerm(thread, keyctl.UNSEARCHABLE_KEYRING_PERM);
  return { session, thread };
}

/** The calling thread's own thread keyring (KEYCTL_GET_KEYRING_ID(-1), never created), or null. */
export function ownThreadKeyring(): number | null {
  try {
    return keyctl.getKeyringId(keyctl.KEY_SPEC.THREAD, false);
  } catch (err) {
    if (keyctl.isVanished(err)) return null;
    throw err;
  }
}
