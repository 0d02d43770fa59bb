// The two sides a scan talks to, because the kernel charges every per-key lookup with a search of the
// caller's keyrings (measured at 40k keys in 400 keyrings: /proc/keys takes ~1.9 s to read in a process
// that possesses them, ~35 ms in one with an empty session keyring; README "Performance"):
//  - the non-possessing side (ProcReader): credentials whose session keyring is fresh and empty, so they
//    possess nothing. It reads /proc/keys and /proc/key-users (cheap: nothing to search) and DESCRIBEs the
//    few keys whose names /proc/keys leaves ambiguous.
//  - the possessing side (PossessingSide): the credentials the snapshot is taken for (the app's, the CLI
//    caller's). It answers which thread/process/session keyrings they have, reads keyrings' member lists
//    (few), and DESCRIBEs the few members the non-possessing side may not view (possessor-only view).
// Credentials are per thread in Linux, so each side is a thread: the scanning thread possesses
// (possessingSide.ts), and a helper thread that joined an empty session reads: a worker thread in the app
// and `serve` (threads/readerThread.ts), libuv's single pool thread in the one-shot CLI (threads/poolReader.ts),
// which costs nothing to start. Both answer in batches: one message per batch from the worker thread.
import type { ProcessAnchors } from './anchors';
import type { KeyDescription } from './keyctl';
import type { ProcKeysChanges } from './procKeysChanges';

/** The result of reading one /proc file: its text, or why it could not be read (errno name, message). */
export interface FileText {
  text?: string;
  /**
   * `text` holds the file's bytes one per character (decoded as latin1), UTF-8 sequences included: a scan takes its
   * strings through KeyTable.sourceOfBytes, which decodes them. Absent: `text` is the file decoded from UTF-8.
   */
  bytes?: true;
  /** The file's bytes, where the reader kept them (the one-shot CLI's: procKeysBytes.ts parses them). */
  raw?: Uint8Array;
  code?: string;
  message?: string;
  /**
   * Only what changed since this reader's previous read of the file (when the caller asked for changes only;
   * `text` is then absent: procKeysChanges.ts).
   */
  changes?: ProcKeysChanges;
}

export interface ReadResult {
  /** /proc/keys text, or the failure reading it. */
  keys: FileText;
  /** /proc/key-users (null when /proc/keys itself failed). */
  keyUsers: FileText | null;
  /** Epoch ms right after the read (timeouts are relative to it). */
  readAt: number;
  /** KEYCTL_READ by this side of the keyrings the read was asked for (ProcReader.read's `members`), in that order. */
  members?: MembersOutcome[];
}

/** KEYCTL_DESCRIBE of one key: what it says, or the errno name it failed with. */
export type DescribeOutcome = { id: number; description: KeyDescription } | { id: number; code: string };

/** KEYCTL_READ of one keyring: its member serials in kernel order, or the errno name it failed with. */
export type MembersOutcome = { id: number; members: number[] } | { id: number; code: string };

/** The non-possessing side. */
export interface ProcReader {
  /**
   * True when it reads with its creator's credentials from an empty session keyring of its own: a view read as a
   * uid whose credentials are the same (the user-view thread's, for this process's own uid) is then this text,
   * the readers' own keyrings aside, and need not be read again.
   */
  readonly readsAsCreator?: boolean;
  /** Keyrings that exist only because of this side (its joined session keyring, ...): never shown. */
  helperKeyIds(): Promise<number[]>;
  /**
   * `${procRoot}/keys` and `${procRoot}/key-users`. With `changesOnly`, /proc/keys may come back as the records
   * that changed since this reader's previous read (`changes`, procKeysChanges.ts: the reader compares the
   * bytes, so a quiet poll moves and decodes a few lines); a reader that does not compare returns the text. With
   * `members`, it also reads those keyrings' member lists, as a caller that possesses nothing (ReadResult.members;
   * a reader may leave them out): a keyring whose bits let a non-possessor read it costs this side no search of
   * the caller's keyrings.
   */
  read(procRoot: string, changesOnly?: boolean, members?: readonly number[]): Promise<ReadResult>;
  /**
   * The last read of `${procRoot}/keys` whole, as `read` without `changesOnly` would have returned it then (no member
   * lists), read no more; null when it has none. For a scan that got that read's changes and finds it needs the
   * whole text: a reader that does not keep its reads leaves this out.
   */
  lastWhole?(procRoot: string): Promise<ReadResult | null>;
  describe(ids: readonly number[]): Promise<DescribeOutcome[]>;
  close(): Promise<void>;
}

/** The possessing side. */
export interface PossessingSide {
  /** KEYCTL_GET_KEYRING_ID(-1/-2/-3, create=0) with the possessing credentials (see anchors.ts). */
  anchors(): Promise<ProcessAnchors>;
  /**
   * Whether the possessing credentials hold authority to instantiate a key (KEYCTL_ASSUME_AUTHORITY, inside a
   * request-key upcall): the kernel's possession search then also covers the requestor's keyrings. True as well
   * when it cannot tell.
   */
  holdsInstantiationAuthority(): Promise<boolean>;
  /** KEYCTL_READ of each keyring, in the order asked. */
  readMembers(ids: readonly number[]): Promise<MembersOutcome[]>;
  /**
   * KEYCTL_READ of each keyring, compared with the bytes of its last read in `last` (kept there, by keyring): the
   * outcomes of those whose lists differ or that could not be read, in the order asked. A list as it was comes
   * back as nothing, and costs no array (a quiet poll reads every keyring again, and nearly all are unchanged).
   */
  readChangedMembers(ids: readonly number[], last: Map<number, Uint8Array>): Promise<MembersOutcome[]>;
  /** KEYCTL_DESCRIBE of each key, in the order asked. */
  describe(ids: readonly number[]): Promise<DescribeOutcome[]>;
  /** `${procRoot}/keys` read with the possessing credentials (costly on big trees: the caller throttles). */
  readProcKeys(procRoot: string): Promise<FileText>;
  close(): Promise<void>;
}
