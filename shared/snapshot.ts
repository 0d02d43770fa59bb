// The snapshot: the one contract the engine, the CLI, the UI and the tests share.
// Pure types: nothing here imports Node, Electron or the DOM.
import type { Expiry } from './expiry';

export type { Expiry, ExpiryWindow } from './expiry';

/** The /proc/keys flag string: exactly 7 characters, '-' where a flag is unset. */
export type KeyFlags = string;

/** The process's special keyrings, as ids, or null where the process has none (or it is not visible). */
export interface Anchors {
  thread: number | null;
  process: number | null;
  session: number | null;
  /** `_uid.<uid>`, found in /proc/keys (looking it up by special id would create it). */
  user: number | null;
  /** `_uid_ses.<uid>`, found in /proc/keys for the same reason. */
  userSession: number | null;
  /** `_persistent.<uid>`, found in /proc/keys: KEYCTL_GET_PERSISTENT would renew its timer. */
  persistent: number | null;
}

export const ANCHOR_ORDER = ['thread', 'process', 'session', 'userSession', 'user', 'persistent'] as const;
export type AnchorName = (typeof ANCHOR_ORDER)[number];

export interface KeyInfo {
  /** Serial, as a positive 32-bit number (/proc/keys prints it in hex). */
  id: number;
  /** Full type name (not the 9-character cut /proc/keys prints, where it could be recovered). */
  type: string;
  description: string;
  uid: number;
  /** 65534 where the key has no group, as /proc/keys prints it. */
  gid: number;
  /** 0xPPUUGGOO permission mask. */
  perm: number;
  flags: KeyFlags;
  usage: number;
  /** The /proc/keys timeout column: `perm`, `expd`, or `<n><s|m|h|d|w>` (rounded down by the kernel). */
  timeout: string;
  /**
   * When the key expires, as far as it is known (shared/expiry.ts): a window `{ from, to }` of epoch ms with
   * from ≤ expiry ≤ to (from === to only when known exactly; narrowed while polling), null for `perm`,
   * 'unknown' for a timeout column that cannot be read.
   */
  expiry: Expiry;
  /** Whether this process possesses the key (reachable from its thread/process/session keyrings through searchable keyrings). */
  possessed: boolean;
  /**
   * Set (with `possessed` false) when the kernel may count the key possessed and this process cannot tell: a
   * keyring it possesses and the kernel searches lists a member it may not even view, whose permission and members
   * the kernel hides (a keyring granting its possessor SEARCH only is searched through all the same), and the key
   * grants SEARCH with the possessor's bits and holds a reference no member list we read accounts for (or sits
   * below such a keyring), within the kernel's search depth (electron/keyring/possessionUnknown.ts). Then
   * `orphan` says only that no path we can see reaches it. Absent otherwise.
   */
  possessionUnknown?: true;
  /** Visible but not reachable from any anchor. */
  orphan: boolean;
  /**
   * The payload's length in bytes, where /proc/keys states it: user and logon keys (their data), big_key (its
   * data, which the kernel charges a flat 16 bytes), keyrings (4 bytes per member, what KEYCTL_READ returns,
   * known even where the member list may not be read). Absent for other types, and for a key not instantiated
   * or negative (no payload). shared/quotaCharge.ts turns it into what the key costs its owner's quota.
   */
  payloadLength?: number;
  /** Keyrings only: member ids in kernel order; null where this process may not read the keyring. */
  links?: number[] | null;
  /**
   * Which views of a scan with a scope other than 'process' list the key: 'process' (the app's own), and
   * 'uid N' for each uid whose view (its credentials opening /proc/keys) shows it. Absent in a 'process' scan.
   */
  seenBy?: string[];
  /** Why the kernel keeps this key (filled by the engine's pin analysis; absent where not computed). */
  pins?: Pin[];
  /** Set when the kernel will collect the key whatever its pins; null or absent otherwise. */
  doomed?: Doom | null;
}

/** One reason the kernel keeps a key alive. */
export type Pin =
  /** A keyring links it. */
  | { kind: 'link'; from: number }
  /** References not explained by visible links (usage minus inbound visible links): process credentials
   *  (thread/process/session keyrings), open files, links from keyrings this process cannot see, the kernel. */
  | { kind: 'credentials'; count: number }
  /** It expires (when: the key's `expiry`). For `_persistent.<uid>`, renewalSeconds is the period each
   *  KEYCTL_GET_PERSISTENT sets again (/proc/sys/kernel/keys/persistent_keyring_expiry); nothing else renews it. */
  | { kind: 'timer'; renewalSeconds?: number; renewedBy?: 'KEYCTL_GET_PERSISTENT' }
  /** `_uid.N` / `_uid_ses.N`: the user's keyrings, kept while the user has processes, and by `.user_reg`'s link
   *  (userRegistry, its id) past the last process on Linux 5.3+. `processes` counts kernel threads (uid 0's), and
   *  `kernelThreads` says how many of them there are; `processList` names the first others. */
  | { kind: 'user'; uid: number; processes: number; kernelThreads?: number; userRegistry?: number; processList?: ProcessRef[] };

/** A live process, as the pins of `_uid.N` list them (the first few by pid, kernel threads not; `processes` counts them all). */
export interface ProcessRef {
  pid: number;
  /** The `Name:` line of /proc/PID/status (the command, cut to 15 characters by the kernel). */
  command: string;
}

export type DoomReason = 'revoked' | 'invalidated' | 'expired' | 'negative' | 'dead' | 'unpinned';

export interface Doom {
  reason: DoomReason;
  /** Estimated epoch ms after which the collector removes it (expiry or revocation + gc_delay); null when unknown. */
  collectAfter: number | null;
}

/**
 * One line of /proc/key-users: a uid the kernel keeps key accounting for, whoever can see its keys.
 * maxkeys/maxbytes are the kernel's limits for that uid (root_maxkeys/root_maxbytes for uid 0, maxkeys/maxbytes
 * otherwise, from /proc/sys/kernel/keys): the kernel prints the one that applies.
 */
export interface QuotaInfo {
  uid: number;
  /** The user's name in the passwd database of the engine's host; null when it has none. */
  name: string | null;
  usage: number;
  nkeys: number;
  nikeys: number;
  qnkeys: number;
  maxkeys: number;
  qnbytes: number;
  maxbytes: number;
}

/**
 * What a scan looks at: the app's own process (its credentials: what `keyctl show` would see), one uid's view, or
 * every uid of /proc/key-users plus the process's view. Possession is always the app's own process's.
 */
export type ScanScope = { kind: 'process' } | { kind: 'uid'; uid: number } | { kind: 'all' };

/** 'process', 'uid 1000', 'all': how a scope is written (CLI, status, seenBy). */
export function scopeLabel(scope: ScanScope): string {
  return scope.kind === 'uid' ? `uid ${scope.uid}` : scope.kind;
}

export interface Snapshot {
  /** Epoch ms at the start of the scan. */
  takenAt: number;
  /** Real uid/gid of the observing process (the one whose possession is computed). */
  uid: number;
  gid: number;
  /** Supplementary groups of the observing process: a key's group permissions apply to any of them. */
  groups: number[];
  anchors: Anchors;
  keys: KeyInfo[];
  quotas: QuotaInfo[];
  /** Absent: { kind: 'process' }. */
  scope?: ScanScope;
}
