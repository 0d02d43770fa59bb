// The KeyringApi contract: the only thing the renderer knows about the engine.
// The Electron preload (over IPC) and the WebSocket client (over `serve`) both implement it;
// the service in electron/ implements the same methods. Nothing else names a channel.
import type { Anchors, KeyInfo, QuotaInfo, Snapshot } from './snapshot';

/** Fields of a key that can change while it lives (id never does). */
export type KeyFields = Omit<KeyInfo, 'id'>;

export interface KeyChange {
  id: number;
  /** The new values of exactly the fields that changed. */
  changes: Partial<KeyFields>;
}

/** A link from a keyring to one of its members: [keyringId, memberId]. */
export type Link = [keyring: number, member: number];

/** What changed between two snapshots. Applying it to the older one gives the newer one. */
export interface SnapshotDelta {
  /** Sequence number of the snapshot this delta produces; the first snapshot has seq 0. */
  seq: number;
  takenAt: number;
  added: KeyInfo[];
  removed: number[];
  changed: KeyChange[];
  /** Link changes, also reflected in `links` of the `changed` keyrings; given for the change log and the graph. */
  linksAdded: Link[];
  linksRemoved: Link[];
  /** Present only when they changed. */
  anchors?: Anchors;
  quotas?: QuotaInfo[];
}

export interface ScanStats {
  takenAt: number;
  /** Wall time of the scan in ms. */
  durationMs: number;
  keyCount: number;
}

export interface PollerStatus {
  intervalMs: number;
  paused: boolean;
  lastScan: ScanStats | null;
  /** The last scan's failure, in words, or null. */
  lastError: string | null;
}

export interface VersionedSnapshot {
  seq: number;
  snapshot: Snapshot;
}

/** What the details panel shows beyond the snapshot; read on request for one key. */
export interface KeyDetails {
  id: number;
  /** KEYCTL_GET_SECURITY label; '' when none; null when it could not be read (with the reason in `securityError`). */
  security: string | null;
  securityError?: string;
}

/** Names for uids and gids, from /etc/passwd and /etc/group on the engine's host. */
export interface IdentityNames {
  users: Record<number, string>;
  groups: Record<number, string>;
}

/** Push events from the engine. */
export type KeyringEvent =
  | { type: 'delta'; delta: SnapshotDelta }
  /** A full resync: replaces whatever the client holds (sent when a client fell behind). */
  | { type: 'snapshot'; snapshot: VersionedSnapshot }
  | { type: 'status'; status: PollerStatus };

/**
 * Request methods: name → (argument tuple) → result. Both transports are derived from this map,
 * so a method added here is added everywhere (and the type checker finds every place that must implement it).
 */
export interface KeyringMethods {
  getSnapshot: { args: []; result: VersionedSnapshot };
  getStatus: { args: []; result: PollerStatus };
  setPollInterval: { args: [ms: number]; result: PollerStatus };
  pause: { args: []; result: PollerStatus };
  resume: { args: []; result: PollerStatus };
  refresh: { args: []; result: PollerStatus };
  getKeyDetails: { args: [id: number]; result: KeyDetails };
  getIdentityNames: { args: []; result: IdentityNames };
  /** What this connection may do: actions only with `serve --allow-actions` / the app's IPC allowing them. */
  getCapabilities: { args: []; result: Capabilities };
  addKey: { args: [request: AddKeyRequest]; result: ActionOutcome };
  /** Payloads travel as base64 (bytes, not text: a payload may be binary). */
  updateKey: { args: [id: number, payloadBase64: string]; result: ActionOutcome };
  linkKey: { args: [id: number, keyring: number]; result: ActionOutcome };
  unlinkKey: { args: [id: number, keyring: number]; result: ActionOutcome };
  moveKey: { args: [id: number, from: number, to: number, exclusive: boolean]; result: ActionOutcome };
  revokeKey: { args: [id: number]; result: ActionOutcome };
  invalidateKey: { args: [id: number]; result: ActionOutcome };
  clearKeyring: { args: [id: number]; result: ActionOutcome };
  setKeyTimeout: { args: [id: number, seconds: number]; result: ActionOutcome };
  setKeyPerm: { args: [id: number, perm: number]; result: ActionOutcome };
  /** uid/gid as a number or a name from getIdentityNames; null leaves it unchanged. */
  chownKey: { args: [id: number, uid: number | string | null, gid: number | string | null]; result: ActionOutcome };
  /** A secret: read only on request, never logged or stored. */
  readPayload: { args: [id: number]; result: PayloadRead };
  searchKey: { args: [ring: number, type: string, description: string]; result: SearchOutcome };
  /** uid null = this process's uid. Links the persistent keyring into `dest` and renews its expiry. */
  getPersistentKeyring: { args: [uid: number | null, dest: number]; result: ActionOutcome };
}

export interface Capabilities {
  actionsAllowed: boolean;
}

/** Key types the UI can add. */
export const ADDABLE_KEY_TYPES = ['user', 'logon', 'keyring'] as const;
export type AddableKeyType = (typeof ADDABLE_KEY_TYPES)[number];

export interface AddKeyRequest {
  type: AddableKeyType;
  description: string;
  /** base64; null for a keyring. */
  payloadBase64: string | null;
  /** The keyring to link the new key into (a serial, or a special id like -3 for the session keyring). */
  keyring: number;
}

/** What an action did, in words the UI shows as is. */
export interface ActionOutcome {
  message: string;
  /** The key the action made or found (add, get persistent). */
  keyId?: number;
}

export interface PayloadRead {
  id: number;
  base64: string;
  length: number;
}

export interface SearchOutcome {
  /** The key KEYCTL_SEARCH found. */
  found: number;
  /** Keyrings from `ring` down to the found key's keyring, from the snapshot; null when the snapshot cannot tell. */
  path: number[] | null;
  message: string;
}

export type MethodName = keyof KeyringMethods;

export type KeyringApi = {
  [M in MethodName]: (...args: KeyringMethods[M]['args']) => Promise<KeyringMethods[M]['result']>;
} & {
  /** Listen to push events; returns the function that stops listening. */
  subscribe(listener: (event: KeyringEvent) => void): () => void;
};

export const METHOD_NAMES = [
  'getSnapshot',
  'getStatus',
  'setPollInterval',
  'pause',
  'resume',
  'refresh',
  'getKeyDetails',
  'getIdentityNames',
  'getCapabilities',
  'addKey',
  'updateKey',
  'linkKey',
  'unlinkKey',
  'moveKey',
  'revokeKey',
  'invalidateKey',
  'clearKeyring',
  'setKeyTimeout',
  'setKeyPerm',
  'chownKey',
  'readPayload',
  'searchKey',
  'getPersistentKeyring',
] as const satisfies readonly MethodName[];

/** Poll interval bounds, in ms, enforced on both sides. */
export const MIN_POLL_INTERVAL_MS = 100;
export const MAX_POLL_INTERVAL_MS = 3_600_000;
export const DEFAULT_POLL_INTERVAL_MS = 1000;
