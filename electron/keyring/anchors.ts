// Finding the anchors without disturbing anything.
//
// thread / process / session: KEYCTL_GET_KEYRING_ID(-1/-2/-3, create=0) on the possessing thread.
//   -1 and -2 answer ENOKEY when the thread/process has none (null here).
//   -3 never answers ENOKEY: when the calling thread has no session keyring, the kernel
//   (process_keys.c lookup_user_key, KEY_SPEC_SESSION_KEYRING) installs the user-session keyring
//   `_uid_ses.<uid>` as that thread's session keyring, creating `_uid.<uid>` and `_uid_ses.<uid>` first if
//   the uid has none (verified: a fresh uid with no session keyring gets both from `keyctl rdescribe @s`).
//   We accept that: (1) without a session keyring the kernel already searches `_uid_ses.<uid>` in its
//   place for possession, so installing it changes nothing this thread possesses; (2) creation happens only
//   for a process with no session keyring whose uid never used keys, and is exactly what `keyctl show`
//   would do. There is no side-effect-free way to ask "do I have a session keyring?". The install is
//   confined to the calling thread (creds are per thread), i.e. the scanning thread.
// user / userSession / persistent: found by name in /proc/keys (GET_KEYRING_ID(-4/-5) creates them,
//   KEYCTL_GET_PERSISTENT renews the persistent keyring's timer). Anyone may name a keyring `_uid.0`, so
//   the real one is preferred by how the kernel makes it: linked from `.user_reg` / `.persistent_register`
//   when we can read those, else with no group (gid 65534, INVALID_GID), else the lowest serial.
import { errnoName } from './keyctlError';
import { getKeyringId, isVanishedCode, KeyctlError, KEY_SPEC, keyringIdOrErrno } from './keyctl';

export interface ProcessAnchors {
  thread: number | null;
  process: number | null;
  session: number | null;
}

type GetKeyringId = (id: number, create?: boolean) => number;

/** What an anchor's lookup may answer instead of an id: it has none (or went), or we may not search it. */
function absent(code: string): boolean {
  return isVanishedCode(code) || code === 'EACCES';
}

function lookup(get: GetKeyringId, spec: number): number | null {
  if (get === getKeyringId) {
    // The real call, without an exception: the scan thread has no thread keyring (and most processes no process
    // keyring), so two of the three lookups fail on every poll.
    const id = keyringIdOrErrno(spec);
    if (id >= 0) return id;
    if (absent(errnoName(-id))) return null;
    throw new KeyctlError('KEYCTL_GET_KEYRING_ID', -id, spec);
  }
  try {
    return get(spec, false);
  } catch (err) {
    if (err instanceof KeyctlError && absent(err.code)) return null;
    throw err;
  }
}

export function readProcessAnchors(get: GetKeyringId = getKeyringId): ProcessAnchors {
  return {
    thread: lookup(get, KEY_SPEC.THREAD),
    process: lookup(get, KEY_SPEC.PROCESS),
    session: lookup(get, KEY_SPEC.SESSION),
  };
}

export interface NamedKey {
  id: number;
  type: string;
  description: string;
  uid: number;
  gid: number;
}

const NO_GROUP = 65534;

function pick(
  keys: readonly NamedKey[],
  description: string,
  uid: number,
  registry: readonly number[] | null,
): number | null {
  const candidates = keys.filter((k) => k.type === 'keyring' && k.description === description && k.uid === uid);
  if (candidates.length === 0) return null;
  const registered = registry ? candidates.find((k) => registry.includes(k.id)) : undefined;
  if (registered) return registered.id;
  const sorted = [...candidates].sort((a, b) => (a.gid === NO_GROUP ? 0 : 1) - (b.gid === NO_GROUP ? 0 : 1) || a.id - b.id);
  return (sorted[0] as NamedKey).id;
}

/** `_uid.<uid>`, `_uid_ses.<uid>`, `_persistent.<uid>` among the visible keys. */
export function findUserAnchors(
  keys: readonly NamedKey[],
  uid: number,
  membersOf: (id: number) => readonly number[] | null | undefined,
): { user: number | null; userSession: number | null; persistent: number | null } {
  const registryMembers = (name: string): number[] | null => {
    const reg = keys.find((k) => k.type === 'keyring' && k.description === name);
    const members = reg ? membersOf(reg.id) : null;
    return members ? [...members] : null;
  };
  const userReg = registryMembers('.user_reg');
  return {
    user: pick(keys, `_uid.${uid}`, uid, userReg),
    userSession: pick(keys, `_uid_ses.${uid}`, uid, userReg),
    persistent: pick(keys, `_persistent.${uid}`, uid, registryMembers('.persistent_register')),
  };
}
