// The system view's "Users" section: every uid's own keyrings and keys, grouped per user. Pure: built from a
// snapshot's keys, the visible parents of each key, and its quotas; the tree, the graph and the exports draw
// the same groups.
//
// What belongs to uid N:
// - its user keyrings `_uid.N` and `_uid_ses.N`, found as members of `.user_reg` (the kernel links them there,
//   Linux 5.3+), and `_persistent.N`, found in `.persistent_register`. Userspace cannot make a keyring whose
//   name starts with '.' (add_key refuses it), so a registry found by name is the kernel's; a keyring a user
//   merely named `_uid.0` is not a member of it. For the observing process's own uid the snapshot's anchors
//   say the same thing, and stand in where the registries are not visible.
// - the session keyrings it owns (but this process's own, which the tree shows first): keyrings named `_ses` or `_ses.<name>` (what the kernel calls an anonymous
//   session and keyutils a named one), and keyrings nothing visible links that are not a thread (`_tid`) or
//   process (`_pid`) keyring: only a process's credentials hold those, which is what a session keyring is.
// - its keys that nothing visible links (a process's `_tid` and `_pid` keyrings, keys held only by a link
//   this scan cannot see).
import { anyParentIn } from './parentIndex';
import { quotaCharge } from './quotaCharge';
import type { Anchors, KeyInfo, QuotaInfo, ScanScope } from './snapshot';

export interface UserGroup {
  uid: number;
  /** The passwd name, from the quota line (null when the uid has none or no quota line). */
  name: string | null;
  /** The uid's /proc/key-users line; null when the kernel keeps no accounting for it. */
  quota: QuotaInfo | null;
  /** `_uid.N`, `_uid_ses.N`, `_persistent.N`; null when not visible. */
  userKeyring: number | null;
  userSessionKeyring: number | null;
  persistentKeyring: number | null;
  /** Session keyrings the uid owns, by id. */
  sessionKeyrings: number[];
  /** The uid's other keys that no visible keyring links, by id. */
  unlinked: number[];
}

/** The ids a group shows at its top level, in the order they are drawn. */
export function userGroupMembers(g: UserGroup): number[] {
  const out: number[] = [];
  for (const id of [g.userKeyring, g.userSessionKeyring, g.persistentKeyring]) if (id !== null) out.push(id);
  return out.concat(g.sessionKeyrings, g.unlinked);
}

export interface UserGroupInput {
  keys: ReadonlyMap<number, KeyInfo>;
  /** member id → ids of the keyrings that link it (only visible ones count). */
  parents: ReadonlyMap<number, readonly number[]>;
  quotas: readonly QuotaInfo[];
  anchors: Anchors;
  /** Absent: 'process'. */
  scope?: ScanScope;
  /** The observing process's real uid. */
  uid: number;
}

export const USER_REGISTRY = '.user_reg';
export const PERSISTENT_REGISTER = '.persistent_register';

const USER_KEYRING = /^_uid\.(\d+)$/;
const USER_SESSION_KEYRING = /^_uid_ses\.(\d+)$/;
const PERSISTENT_KEYRING = /^_persistent\.(\d+)$/;
const SESSION_NAME = /^_ses(?:\.|$)/;
/** Keyrings only a thread's or a process's credentials hold: not session keyrings. */
const PER_PROCESS_NAMES = new Set(['_tid', '_pid']);

const isRing = (k: KeyInfo | undefined): k is KeyInfo => k?.type === 'keyring';

function hasVisibleParent(input: UserGroupInput, id: number): boolean {
  return anyParentIn(input.parents, id, input.keys);
}

/**
 * Whether the tree shows a Users section: always for a scope other than 'process' (every uid's view), and
 * for a process's own view when it can see keys another uid owns (a root process holding keys it chowned).
 */
export function showsUsers(input: UserGroupInput): boolean {
  if ((input.scope?.kind ?? 'process') !== 'process') return true;
  // forEach, not an early-leaving for…of: cold, that costs an iterator step per key, and a tree of only the
  // observer's own keys (the usual one) is walked to the end either way.
  let other = false;
  input.keys.forEach((k) => {
    if (k.uid !== input.uid) other = true;
  });
  return other;
}

/**
 * `uid`'s user keyring `_uid.N` as the kernel registers it: a member of `.user_reg` of that name and owner
 * (a keyring a user merely named `_uid.N` is not one), or null when none is visible. Found, never looked up
 * as @u: that would create it.
 */
export function registeredUserKeyring(keys: ReadonlyMap<number, KeyInfo>, uid: number): number | null {
  for (const k of keys.values()) {
    if (!isRing(k) || k.description !== USER_REGISTRY || k.links == null) continue;
    for (const m of k.links) {
      const member = keys.get(m);
      if (isRing(member) && member.uid === uid && member.description === `_uid.${uid}`) return m;
    }
  }
  return null;
}

/** One group per uid, by uid: every uid of the quotas (other scopes), or the uids owning visible keys. */
export function groupKeysByUser(input: UserGroupInput): UserGroup[] {
  if (!showsUsers(input)) return [];
  const { keys } = input;
  const processScope = (input.scope?.kind ?? 'process') === 'process';
  const groups = new Map<number, UserGroup>();
  const quotaOf = new Map(input.quotas.map((q) => [q.uid, q]));
  const group = (uid: number): UserGroup => {
    let g = groups.get(uid);
    if (g === undefined) {
      const quota = quotaOf.get(uid) ?? null;
      g = { uid, name: quota?.name ?? null, quota, userKeyring: null, userSessionKeyring: null, persistentKeyring: null, sessionKeyrings: [], unlinked: [] };
      groups.set(uid, g);
    }
    return g;
  };
  if (!processScope) for (const q of input.quotas) group(q.uid);
  else
    keys.forEach((k) => {
      if (k.uid !== input.uid && !groups.has(k.uid)) group(k.uid);
    });

  const placed = new Set<number>();
  const place = (uid: number, id: number, field: 'userKeyring' | 'userSessionKeyring' | 'persistentKeyring') => {
    const g = group(uid);
    if (g[field] !== null || placed.has(id)) return;
    g[field] = id;
    placed.add(id);
  };

  // The registries' members, checked by name and owner.
  keys.forEach((k) => {
    if (!isRing(k) || k.links == null) return;
    const userRegistry = k.description === USER_REGISTRY;
    if (!userRegistry && k.description !== PERSISTENT_REGISTER) return;
    for (const m of k.links) {
      const member = keys.get(m);
      if (!isRing(member)) continue;
      if (userRegistry) {
        const u = USER_KEYRING.exec(member.description) ?? USER_SESSION_KEYRING.exec(member.description);
        if (u !== null && Number(u[1]) === member.uid) place(member.uid, m, u[0].startsWith('_uid_ses.') ? 'userSessionKeyring' : 'userKeyring');
      } else {
        const p = PERSISTENT_KEYRING.exec(member.description);
        if (p !== null && Number(p[1]) === member.uid) place(member.uid, m, 'persistentKeyring');
      }
    }
  });
  // The observer's own, from the anchors (found by name in /proc/keys, for this process's uid).
  const own = (id: number | null, field: 'userKeyring' | 'userSessionKeyring' | 'persistentKeyring') => {
    const k = id === null ? undefined : keys.get(id);
    if (k !== undefined && k.uid === input.uid) place(input.uid, k.id, field);
  };
  if (groups.has(input.uid) || !processScope) {
    own(input.anchors.user, 'userKeyring');
    own(input.anchors.userSession, 'userSessionKeyring');
    own(input.anchors.persistent, 'persistentKeyring');
  }

  // This process's own thread, process and session keyrings have their section ("This process").
  for (const id of [input.anchors.thread, input.anchors.process, input.anchors.session]) if (id !== null) placed.add(id);
  // The observer's own keys in its own view, the keys placed above and kernel-held keyrings stay out; the rest,
  // by id (filtered before sorting: at 40k keys of the observer's own, the sort is then of a few).
  const rest: KeyInfo[] = [];
  keys.forEach((k) => {
    if (!(processScope && k.uid === input.uid) && !placed.has(k.id) && !k.description.startsWith('.')) rest.push(k);
  });
  for (const k of rest.sort((a, b) => a.id - b.id)) {
    const linked = hasVisibleParent(input, k.id);
    if (isRing(k) && (SESSION_NAME.test(k.description) || (!linked && !PER_PROCESS_NAMES.has(k.description)))) {
      group(k.uid).sessionKeyrings.push(k.id);
    } else if (!linked) {
      group(k.uid).unlinked.push(k.id);
    } else continue;
    placed.add(k.id);
  }
  return [...groups.values()].sort((a, b) => a.uid - b.uid);
}

/**
 * Where a breakdown puts keys no keyring lists that the scan could read: session keyrings (held by processes
 * only) and the members of keyrings no view may read.
 */
export const NO_HOLDER_WORDS = 'no keyring this scan could read lists them';

/**
 * `uid`'s keyrings whose member lists no view of the scan may read (a mask granting the owner View but not
 * Read, as `keyctl newring`'s default 3f010000, to a view that does not possess it): their members land under
 * NO_HOLDER_WORDS in a breakdown, so both the command line and the window name them.
 */
export function unreadableKeyringsOf(keys: Iterable<KeyInfo>, uid: number): KeyInfo[] {
  const out: KeyInfo[] = [];
  for (const k of keys) if (k.uid === uid && k.type === 'keyring' && k.links === null) out.push(k);
  return out;
}

/** One keyring's share of a user's quota (or the keys no visible keyring holds: `keyring` null). */
export interface QuotaHolder {
  keyring: number | null;
  /** The user's keys directly in it. */
  keys: number;
  /** What they cost the user's byte quota, as far as known (shared/quotaCharge.ts): a lower bound when `unknownSizes` > 0. */
  bytes: number;
  /** How many of them cost what the snapshot cannot tell. */
  unknownSizes: number;
}

export interface QuotaBreakdown {
  byCount: QuotaHolder[];
  /** The same holders by bytes (known bytes, most first). */
  byBytes: QuotaHolder[];
  /** The uid's visible keys (each counted once, however many keyrings hold it). */
  visibleKeys: number;
}

/**
 * Which keyrings hold most of `uid`'s keys: each visible key the uid owns is counted in every visible keyring
 * that links it (a key in two keyrings is in both), or under `keyring: null` when none does. Most first, ties
 * by keyring id; `limit` cuts each list. `bytesOf` gives a key's charge where known (null: unknown; by default
 * quotaCharge).
 */
export function quotaBreakdown(
  input: Pick<UserGroupInput, 'keys' | 'parents'>,
  uid: number,
  options: { limit?: number; bytesOf?: (k: KeyInfo) => number | null } = {},
): QuotaBreakdown {
  const { keys, parents } = input;
  const bytesOf = options.bytesOf ?? quotaCharge;
  const holders = new Map<number | null, QuotaHolder>();
  let visibleKeys = 0;
  const add = (ring: number | null, size: number | null) => {
    let h = holders.get(ring);
    if (h === undefined) holders.set(ring, (h = { keyring: ring, keys: 0, bytes: 0, unknownSizes: 0 }));
    h.keys++;
    if (size === null) h.unknownSizes++;
    else h.bytes += size;
  };
  for (const k of keys.values()) {
    if (k.uid !== uid) continue;
    visibleKeys++;
    const size = bytesOf(k);
    const rings = (parents.get(k.id) ?? []).filter((p) => keys.has(p));
    if (rings.length === 0) add(null, size);
    for (const r of new Set(rings)) add(r, size);
  }
  const order = (a: QuotaHolder, b: QuotaHolder, by: (h: QuotaHolder) => number) =>
    by(b) - by(a) || (a.keyring ?? Infinity) - (b.keyring ?? Infinity) || 0;
  const limit = options.limit ?? Infinity;
  const all = [...holders.values()];
  return {
    byCount: [...all].sort((a, b) => order(a, b, (h) => h.keys)).slice(0, limit),
    byBytes: [...all].sort((a, b) => order(a, b, (h) => h.bytes)).slice(0, limit),
    visibleKeys,
  };
}
