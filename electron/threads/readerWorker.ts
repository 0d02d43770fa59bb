// Worker body: the non-possessing reader (readerThread.ts). At start it joins a fresh, empty anonymous
// session keyring that denies SEARCH (credentials.ts joinReaderSession), so it possesses nothing and the kernel's
// possession search for each key it reads stops at once, and, when asked, takes a user's filesystem ids and groups
// (credentials.ts), so it sees what that user may view; then it reads /proc files and DESCRIBEs keys with
// those credentials. Only this thread's credentials change.
//
// /proc/keys judges its reader by the *opener's* credentials (the file's f_cred), so files are opened and
// read synchronously here: an asynchronous read would open them on a libuv pool thread.
import { workerData } from 'node:worker_threads';
import * as keyctl from '../keyring/keyctl';
import { eachId, readTextHere } from '../keyring/possessingSide';
import { procKeysChanges } from '../keyring/procKeysChanges';
import type { DescribeOutcome, FileText, MembersOutcome, ReadResult } from '../keyring/sides';
import { AlternatingReads } from './procFileBytes';
import { joinReaderSession, takeCredentials, type UserCredentials } from './credentials';
import { serveThread } from './rpc';

export interface ReaderData {
  /** A proc root to read at once and send with the start answer: it rides along, with no round trip. */
  prefetch?: string;
  /** Whose filesystem ids and groups to take (default: keep the creator's). */
  credentials?: UserCredentials;
}

/** The keyrings the thread made for itself (never shown). */
export interface JoinedKeyrings {
  sessionKeyring: number;
  threadKeyring: number | null;
}

export interface ReaderStart {
  joined: JoinedKeyrings;
  /** The prefetch's read (null when none was asked for). */
  prefetched: ReadResult | null;
}

/**
 * The last /proc/keys read: what a `changesOnly` read of the same path compares with, and what `lastWhole` sends (with
 * the /proc/key-users read beside it and the time).
 */
let last: { path: string; bytes: Buffer; keyUsers: FileText | null; readAt: number } | null = null;
const reads = new AlternatingReads();

function read(procRoot: string, changesOnly = false, members: readonly number[] = []): ReadResult {
  const path = `${procRoot}/keys`;
  const bytes = reads.read(path);
  let keys: FileText;
  if (!Buffer.isBuffer(bytes)) {
    last = null;
    keys = bytes;
  } else {
    const changes = changesOnly && last !== null && last.path === path ? procKeysChanges(last.bytes, bytes) : null;
    keys = changes !== null ? { changes } : { text: bytes.toString('utf8') };
  }
  const keyUsers = keys.code !== undefined ? null : readTextHere(`${procRoot}/key-users`);
  const readAt = Date.now();
  // Kept for the next comparison: it lies in the buffer the next read leaves alone.
  last = Buffer.isBuffer(bytes) ? { path, bytes, keyUsers, readAt } : null;
  if (members.length === 0 || keys.code !== undefined) return { keys, keyUsers, readAt };
  return { keys, keyUsers, readAt, members: eachId(members, (id): MembersOutcome => ({ id, members: keyctl.readKeyringMembers(id) })) };
}

/**
 * The last read of `${procRoot}/keys` whole (its text, /proc/key-users as read with it, its time), without reading
 * again; null when there is none (a failed read, another root, a thread just started).
 */
function lastWhole(procRoot: string): ReadResult | null {
  if (last === null || last.path !== `${procRoot}/keys`) return null;
  return { keys: { text: last.bytes.toString('utf8') }, keyUsers: last.keyUsers, readAt: last.readAt };
}

function describe(ids: number[]): DescribeOutcome[] {
  return eachId(ids, (id): DescribeOutcome => ({ id, description: keyctl.describe(id) }));
}

const ops = { read, lastWhole, describe };
export type ReaderOps = typeof ops;

serveThread(
  (): ReaderStart => {
    const data = (workerData ?? {}) as ReaderData;
    const { session: sessionKeyring, thread: threadKeyring } = joinReaderSession();
    if (data.credentials) takeCredentials(data.credentials);
    const joined = { sessionKeyring, threadKeyring };
    return { joined, prefetched: data.prefetch === undefined ? null : read(data.prefetch) };
  },
  ops,
);
