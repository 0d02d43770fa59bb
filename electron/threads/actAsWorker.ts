// Worker body: actions on keys only another user's view lists (actAsThread.ts). For each call it takes that
// uid's filesystem ids and groups on this thread only (credentials.ts: raw setfsuid/setfsgid/setgroups, read
// back), makes the one keyctl(2) call, and takes its own ids back, whatever happened. The kernel then judges
// the call as it would that user's, and a key it adds is charged to that user's quota. The main thread
// never changes credentials.
//
// Possession. Permissions follow the fsuid, but possession follows the calling thread's own keyrings
// (security/keys/process_keys.c search_cred_keyrings_rcu: thread, process, session keyring), so a thread
// with only the user's fsuid would not possess even what every login of that user possesses, and a key
// whose mask grants only its possessor (keyctl add's default 3f010000) would be refused. A login's session
// keyring links the user keyring `_uid.N` (pam_keyinit), so for the call the thread does what a login
// does: it joins a fresh anonymous session keyring of its own and links the user's `_uid.N` into it (given
// by id from the scan's `.user_reg`, checked by describe; never looked up as @u, which would create it).
// Keys reachable from `_uid.N` are then possessed, as by the user's processes. Afterwards it joins another
// fresh, empty session (the one holding the link is dropped with its last reference) and checks it holds
// nothing and that its ids are its own again; if not, the thread ends itself and the next call gets a new one.
//
// Why only the filesystem ids, not the real and effective uid: key permissions and possession never look at
// them (permission.c uses fsuid, fsgid and groups), a thread keeps CAP_SETUID to switch back, and a thread
// whose real uid were the user's could be signalled by that user's processes (tgkill checks the target
// thread's real and saved uid), i.e. any user could stop or kill the app while it acts for them.
import * as keyctl from '../keyring/keyctl';
import { KeyctlError } from '../keyring/keyctlError';
import { CredentialsError, joinEmptySession, takeCredentials, threadIds, userCredentials, type UserCredentials } from './credentials';
import { ACT_AS_CALLS, type ActAsCall } from './actAsThread';
import { serveThread } from './rpc';

/** What the thread held while it acted: the user keyring it linked, or why it held nothing. */
export type Held = { userKeyring: number } | { userKeyring: null; why: string };

/** A keyctl refusal as it crosses back (the client rebuilds the KeyctlError the service explains). */
export type ActAsAnswer =
  | { ok: true; value: unknown; held: Held }
  | { ok: false; op: string; errno: number; keyId: number | null; held: Held };

/** The gid a uid without a passwd entry acts with: nogroup grants nothing a real group would. */
const NO_GROUP = 65534;

let own: UserCredentials | null = null;

function credentialsOf(uid: number): UserCredentials {
  try {
    return userCredentials(uid);
  } catch (err) {
    if (!(err instanceof CredentialsError)) throw err;
    return { uid, gid: NO_GROUP, groups: [] };
  }
}

/**
 * Links `_uid.N` (by id) into this thread's session keyring, as the user. Checked first: a keyring, owned by
 * the user, named `_uid.N` (an id the scan saw in `.user_reg`; ids are not reused at once, but it is cheap
 * to be sure). A user keyring collected since the scan is not an error: the call then runs without it.
 */
function holdUserKeyring(uid: number, userKeyring: number | null): Held {
  if (userKeyring === null) return { userKeyring: null, why: `uid ${uid} has no user keyring the scan could see` };
  let d: keyctl.KeyDescription;
  try {
    d = keyctl.describe(userKeyring);
  } catch (err) {
    if (keyctl.isVanished(err)) return { userKeyring: null, why: `its user keyring ${userKeyring} is gone` };
    throw err;
  }
  if (d.type !== 'keyring' || d.uid !== uid || d.description !== `_uid.${uid}`) {
    throw new Error(`key ${userKeyring} is not uid ${uid}'s user keyring (it is ${d.type} “${d.description}” of uid ${d.uid})`);
  }
  try {
    keyctl.link(userKeyring, keyctl.KEY_SPEC.SESSION);
  } catch (err) {
    if (keyctl.isVanished(err)) return { userKeyring: null, why: `its user keyring ${userKeyring} is gone` };
    throw err;
  }
  return { userKeyring };
}

/** Back to this thread's own ids and an empty session; a thread that cannot get there ends (the client makes a new one). */
function restore(): void {
  try {
    takeCredentials(own as UserCredentials);
    const session = joinEmptySession();
    const held = keyctl.readKeyringMembers(session);
    const ids = threadIds();
    if (held.length !== 0 || ids.fsuid !== own?.uid || ids.fsgid !== own.gid) throw new Error('not restored');
  } catch {
    process.exit(70); // in a worker: ends this thread only
  }
}

function call(uid: number, userKeyring: number | null, name: ActAsCall, args: unknown[]): ActAsAnswer {
  if (!(ACT_AS_CALLS as readonly string[]).includes(name)) throw new Error(`not a call an action makes: ${name}`);
  const fn = keyctl[name] as (...a: unknown[]) => unknown;
  // Payloads cross as Uint8Array (structured clone); keyctl wants Buffers.
  const given = args.map((a) => (a instanceof Uint8Array ? Buffer.from(a.buffer, a.byteOffset, a.byteLength) : a));
  // A fresh session, made with this thread's own ids (charged to the app's quota, not the user's).
  joinEmptySession();
  let held: Held = { userKeyring: null, why: 'not yet linked' };
  try {
    takeCredentials(credentialsOf(uid));
    held = holdUserKeyring(uid, userKeyring);
    const value = fn(...given);
    if (Buffer.isBuffer(value)) {
      // A payload: copied into the answer, this thread's copy zeroed.
      const copy = new Uint8Array(value);
      value.fill(0);
      return { ok: true, value: copy, held };
    }
    return { ok: true, value, held };
  } catch (err) {
    if (err instanceof KeyctlError) return { ok: false, op: err.op, errno: err.errno, keyId: err.keyId, held };
    throw err;
  } finally {
    restore();
    for (const a of given) if (Buffer.isBuffer(a)) a.fill(0);
  }
}

/** This thread's ids and what its session keyring holds, for tests: both must be its own again after a call. */
function state(): { fsuid: number; fsgid: number; sessionMembers: number[] } {
  const ids = threadIds();
  return { fsuid: ids.fsuid, fsgid: ids.fsgid, sessionMembers: keyctl.readKeyringMembers(keyctl.KEY_SPEC.SESSION) };
}

const ops = { call, state };
export type ActAsOps = typeof ops;

serveThread(() => {
  joinEmptySession();
  const ids = threadIds();
  own = { uid: ids.fsuid, gid: ids.fsgid, groups: ids.groups };
  return null;
}, ops);
