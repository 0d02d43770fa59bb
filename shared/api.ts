// The data the contract carries: snapshots, deltas, events and the methods' arguments and answers.
// The methods themselves are listed once, in shared/contract.ts; the types derived from it are
// re-exported here for the code that only needs a type.
import type { Anchors, KeyInfo, QuotaInfo, ScanScope, Snapshot } from './snapshot';
export type { ActionName, ContractMethods, KeyringApi, KeyringMethods, MethodName } from './contract';

/** Fields of a key that can change while it lives (id never does). */
export type KeyFields = Omit<KeyInfo, 'id'>;

/**
 * The fields a change sets; `payloadLength: null` says the key no longer states one, `possessionUnknown: null` that
 * its possession is known again (the field goes).
 */
export type KeyFieldChanges = Partial<Omit<KeyFields, 'payloadLength' | 'possessionUnknown'>> & { payloadLength?: number | null; possessionUnknown?: true | null };

export interface KeyChange {
  id: number;
  /** The new values of exactly the fields that changed. */
  changes: KeyFieldChanges;
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
  /** Present once the scan thread has died and been replaced: the app went on, but a person should know. */
  restarts?: ScannerRestarts;
}

/** The scan thread died (a crash in the engine, a killed thread) and a fresh one took over. */
export interface ScannerRestarts {
  count: number;
  /** When the last replacement started, epoch ms. */
  lastAt: number;
  /** Why the replaced thread died, in words. */
  lastReason: string;
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
  | { type: 'status'; status: PollerStatus }
  /** The desktop app's menu asks the page to do something (electron/desktop/); serve never sends one. */
  | { type: 'command'; command: AppCommand };

/** What the desktop app's menu asks of the page. Files come as their text: the page reads them as a dropped file. */
export type AppCommand =
  | { kind: 'view'; view: 'tree' | 'graph' }
  | { kind: 'export' }
  | { kind: 'shortcuts' }
  | { kind: 'open-file'; name: string; text: string }
  | { kind: 'compare-file'; name: string; text: string }
  | { kind: 'live' };

export interface Capabilities {
  /** Whether this connection may act at all (`serve --allow-actions`, the desktop app; never a saved file). */
  actionsAllowed: boolean;
  /** The connection's read-only switch: actions run only where they are allowed and it is off. */
  readOnly: boolean;
  /** Where the keys come from; absent means the live kernel. */
  origin?: DataOrigin;
  /** Whose keys a live view shows and who reads them; absent for a saved file. */
  view?: ViewInfo;
}

/** The live view's scope, who provides it, and whether the UI may switch it (the toolbar's "This process | All users"). */
export interface ViewInfo {
  scope: ScanScope;
  provider: ViewProvider;
  /** Why the scope cannot be switched here (serve: its command line chose it); absent where it can (the desktop app). */
  fixed?: string;
  /** Where the all-users view needs the privileged helper and none answers: why, and how to start one. */
  helper?: HelperHint;
}

/**
 * Who reads the keys: this process itself, or the privileged helper (`keyring-browser helper`), with the
 * uid and pid the kernel gives for the helper's end of its socket (SO_PEERCRED), not what it says.
 */
export interface ViewProvider {
  kind: 'process' | 'helper';
  uid: number;
  pid: number;
}

export interface HelperHint {
  /** Why the helper cannot be used now, in a sentence ("no helper is running: … does not exist"). */
  reason: string;
  /** The command to paste into a terminal. */
  sudo: string;
  /** Whether the app can start it itself through pkexec (polkit asks for the password). */
  pkexec: boolean;
}

/** The scopes the desktop app's switch offers. */
export const SWITCHABLE_SCOPES = ['process', 'all'] as const;
export type SwitchableScope = (typeof SWITCHABLE_SCOPES)[number];

/** What the app shows: the live kernel, or a saved file (`keyring-browser open`), which never changes keys. */
export type DataOrigin =
  | { kind: 'live' }
  | {
      kind: 'file';
      /** The file's name as given (shown in the status bar). */
      name: string;
      /** When the file's (first) snapshot was taken, epoch ms. */
      takenAt: number;
      /** A recording (`serve --record`) rather than one snapshot. */
      recording: boolean;
      /** Set when the recording was cut off: what was dropped, in a sentence. */
      truncated?: string;
    };

/**
 * The changes of a recording that `open` serves, renumbered 1, 2, … after its first snapshot (seq 0, what
 * getSnapshot answers); the replay's slider walks them. Empty for anything else (a snapshot file, live).
 */
export interface RecordedChanges {
  deltas: SnapshotDelta[];
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

/** Poll interval bounds, in ms, enforced on both sides. */
export const MIN_POLL_INTERVAL_MS = 100;
export const MAX_POLL_INTERVAL_MS = 3_600_000;
export const DEFAULT_POLL_INTERVAL_MS = 1000;
