// Worker body: actions on keys only another user's view lists (actAsThread.ts). For each call it takes that
// uid's filesystem ids and groups on this thread only (credentials.ts: raw setfsuid/setfsgid/setgroups, read
// back), makes the one keyctl(2) call, and takes its own ids back, whatever happened. The kernel then judges
// the call as it would that user's, and a key it adds is charged to that user's quota. The main thread
// never changes credentials; this thread starts in an empty session of its own, so it possesses nothing.
import * as keyctl from '../keyring/keyctl';
import { KeyctlError } from '../keyring/keyctlError';
import { CredentialsError, joinEmptySession, takeCredentials, threadIds, userCredentials, type UserCredentials } from './credentials';
import { ACT_AS_CALLS, type ActAsCall } from './actAsThread';
import { serveThread } from './rpc';

/** A keyctl refusal as it crosses back (the client rebuilds the KeyctlError the service explains). */
export type ActAsAnswer = { ok: true; value: unknown } | { ok: false; op: string; errno: number; keyId: number | null };

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

function call(uid: number, name: ActAsCall, args: unknown[]): ActAsAnswer {
  if (!(ACT_AS_CALLS as readonly string[]).includes(name)) throw new Error(`not a call an action makes: ${name}`);
  const fn = keyctl[name] as (...a: unknown[]) => unknown;
  // Payloads cross as Uint8Array (structured clone); keyctl wants Buffers.
  const given = args.map((a) => (a instanceof Uint8Array ? Buffer.from(a.buffer, a.byteOffset, a.byteLength) : a));
  takeCredentials(credentialsOf(uid));
  try {
    const value = fn(...given);
    if (Buffer.isBuffer(value)) {
      // A payload: copied into the answer, this thread's copy zeroed.
      const copy = new Uint8Array(value);
      value.fill(0);
      return { ok: true, value: copy };
    }
    return { ok: true, value };
  } catch (err) {
    if (err instanceof KeyctlError) return { ok: false, op: err.op, errno: err.errno, keyId: err.keyId };
    throw err;
  } finally {
    takeCredentials(own as UserCredentials);
    for (const a of given) if (Buffer.isBuffer(a)) a.fill(0);
  }
}

const ops = { call };
export type ActAsOps = typeof ops;

serveThread(() => {
  joinEmptySession();
  const ids = threadIds();
  own = { uid: ids.fsuid, gid: ids.fsgid, groups: ids.groups };
  return null;
}, ops);
