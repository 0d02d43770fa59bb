// The snapshot: the one contract the engine, the CLI, the UI and the tests share.
// Pure types: nothing here imports Node, Electron or the DOM.

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
  /** Epoch ms when the key expires (estimated from the timeout column), null for `perm`. */
  expiresAt: number | null;
  /** Whether this process possesses the key (reachable from its thread/process/session keyrings through searchable keyrings). */
  possessed: boolean;
  /** Visible but not reachable from any anchor. */
  orphan: boolean;
  /** Keyrings only: member ids in kernel order; null where this process may not read the keyring. */
  links?: number[] | null;
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
  /** It expires at expiresAt. For `_persistent.<uid>`, renewalSeconds is the period each KEYCTL_GET_PERSISTENT
   *  sets again (/proc/sys/kernel/keys/persistent_keyring_expiry); nothing else renews it. */
  | { kind: 'timer'; expiresAt: number; renewalSeconds?: number; renewedBy?: 'KEYCTL_GET_PERSISTENT' }
  /** `_uid.N` / `_uid_ses.N`: the user's keyrings, kept while the user has processes, and by `.user_reg`'s link
   *  (userRegistry, its id) past the last process on Linux 5.3+. */
  | { kind: 'user'; uid: number; processes: number; userRegistry?: number };

export type DoomReason = 'revoked' | 'invalidated' | 'expired' | 'negative' | 'dead' | 'unpinned';

export interface Doom {
  reason: DoomReason;
  /** Estimated epoch ms after which the collector removes it (expiry or revocation + gc_delay); null when unknown. */
  collectAfter: number | null;
}

/** One line of /proc/key-users. */
export interface QuotaInfo {
  uid: number;
  usage: number;
  nkeys: number;
  nikeys: number;
  qnkeys: number;
  maxkeys: number;
  qnbytes: number;
  maxbytes: number;
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
}
