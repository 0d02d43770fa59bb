// Worker body: other users' views of the keyrings (userViewThread.ts), for scans whose scope is a uid or
// all users. At start it joins a fresh, empty anonymous session keyring that denies SEARCH (credentials.ts
// joinReaderSession: so it possesses nothing and the kernel's possession search for each key it reads stops at
// once); then, for each uid asked, it takes that uid's filesystem ids
// and groups on this thread only (credentials.ts: raw setfsuid/setfsgid/setgroups, read back), opens and
// reads /proc/keys (the kernel judges a /proc/keys reader by the opener's credentials), KEYCTL_READs the
// member lists of the keyrings that view shows, and takes its own ids back before the next uid.
// The kernel gives root no override here: a key is listed only if its permissions grant view to the
// reader's fsuid/fsgid/groups (or to a possessor), so reading as each user is the only way to see theirs.
//
// Most polls find every view as it was. The thread keeps each uid's last read, and when the caller holds the
// views of its last answer (`changesOnly`), a view whose /proc/keys records and member lists (re-read: two
// same-named keys swapped between keyrings change no line) are the same as last time comes back as
// `unchanged`: no text decoded, none sent, nothing for the caller to parse and merge again. Records of the
// keyrings the scan hides may differ: this thread's own session keyring changes usage every time it takes
// credentials (each new set of credentials holds a reference to it), and uid 0's view lists it.
import { readFileSync } from 'node:fs';
import { parseKeyUsers } from '../keyring/keyUsers';
import * as keyctl from '../keyring/keyctl';
import { eachId } from '../keyring/possessingSide';
import { procKeysChanges, type ProcKeysChanges } from '../keyring/procKeysChanges';
import { parseProcKeysInto } from '../keyring/procKeys';
import { parseProcKeysText } from '../keyring/procKeysBytes';
import { KeyTable } from '../keyring/keyTable';
import { recordsBySerial, sameMemberLists } from '../keyring/viewChanges';
import type { FileText } from '../keyring/sides';
import { AlternatingReads } from './procFileBytes';
import { joinReaderSession, readUserDatabase, takeCredentials, threadIds, userCredentialsIn, type UserCredentials, type UserDatabase } from './credentials';
import { serveThread } from './rpc';

/** Which uids to read as: one, or every uid in /proc/key-users. */
export type UserViewRequest = { kind: 'uid'; uid: number } | { kind: 'all' };

/** One uid's view: its /proc/keys, and the members of the keyrings it lists (errno name where refused). */
export interface UserView {
  uid: number;
  keys: FileText;
  readAt: number;
  /** [keyring, members or errno name], for each keyring line of `keys`. */
  members: Array<[number, number[] | string]>;
  /** How the thread read as this uid ('passwd': its passwd entry and groups; 'bare': no entry, gid 65534, no groups). */
  credentials: 'passwd' | 'bare';
  /**
   * The records that changed since this thread's last read as the uid (procKeysChanges.ts), which the scan applies
   * as changes where every view agrees (viewChanges.ts); absent when there was no such read with the same
   * credentials, null when the comparison could not tell.
   */
  changes?: ProcKeysChanges | null;
}

/**
 * A uid whose credentials are this thread's own (its creator's: this process's uid, usually root), when the caller
 * says its reader reads with those too: that view is the reader's text (neither possesses anything), so it is
 * not read twice.
 */
export interface ReaderView {
  uid: number;
  readAt: number;
  asReader: true;
}

/** A view whose bytes and member lists are those of this uid's view in the thread's last answer. */
export interface UnchangedView {
  uid: number;
  readAt: number;
  unchanged: true;
}

export type ViewRead = UserView | UnchangedView | ReaderView;

export interface UserViewStart {
  /** The session keyring the thread joined (never shown), and a thread keyring if it has one. */
  helperKeyIds: number[];
}

/** The gid a uid without a passwd entry reads with: nogroup grants nothing a real group would. */
const NO_GROUP = 65534;

let own: UserCredentials | null = null;
/** The keyrings this thread made for itself (never shown). */
let helperKeyIds: number[] = [];

/** `uid`'s credentials from the passwd and group files (read once per request, for every uid it asks). */
function credentialsOf(uid: number, db: UserDatabase): { creds: UserCredentials; kind: 'passwd' | 'bare' } {
  const creds = userCredentialsIn(uid, db);
  // The kernel keeps accounting for uids no passwd entry names (a container's, a deleted user's).
  return creds === null ? { creds: { uid, gid: NO_GROUP, groups: [] }, kind: 'bare' } : { creds, kind: 'passwd' };
}

const NOTHING_HIDDEN: ReadonlySet<number> = new Set();

/**
 * Serials of the keyrings a /proc/keys text lists (its bytes one per character), by the record grammar
 * (procKeys.ts; the WebAssembly parse where it can: a line-by-line split cost ~1-2 µs a line, cold).
 */
function keyringIdsOf(text: string): number[] {
  const table = new KeyTable(0);
  table.sourceOfBytes(text);
  if (!parseProcKeysText(table, text, 0, NOTHING_HIDDEN)) parseProcKeysInto(table, text, 0);
  return table.keyringIds();
}

type Members = Array<[number, number[] | string]>;

/** What the thread last read as one uid: what its next read is compared with. */
interface LastView {
  reads: AlternatingReads;
  /** The last read's bytes (in the buffer the next read leaves alone); null when it failed. */
  bytes: Buffer | null;
  rings: number[];
  members: Members;
  credentials: 'passwd' | 'bare';
}

const lastViews = new Map<number, LastView>();

/** Most uids see a few keys: their buffers start small (they grow as needed). */
const VIEW_BUFFER_BYTES = 1 << 12;
/**
 * The length of the last view read, any uid's: a uid read for the first time gets buffers half as long again, since
 * uids often see alike (a buffer that doubles its way up copies what it holds each time, and every page it touches
 * is a fresh one: in a one-shot --all-users of 40k keys in 20 uids the doubling was ~3.6 % of the process's CPU). A
 * big view makes only the next new uid's buffers big.
 */
let lastViewBytes = 0;

function readMembers(rings: readonly number[]): Members {
  return eachId(rings, (id) => ({ id, members: keyctl.readKeyringMembers(id) })).map(
    (o): [number, number[] | string] => ['members' in o ? o.id : o.id, 'members' in o ? o.members : o.code],
  );
}

/**
 * Whether every record that differs between two reads is one of `hidden`'s. Whole records: a line that does not
 * start with a serial continues a description (a serial-like line there only makes this answer "changed", which is
 * safe).
 */
function onlyHiddenDiffer(changes: ProcKeysChanges | null, hidden: ReadonlySet<number>): boolean {
  if (changes === null || !changes.removed.every((id) => hidden.has(id))) return false;
  const records = recordsBySerial(changes.text);
  return records !== null && [...records.keys()].every((id) => hidden.has(id));
}

/**
 * Whether the kernel judges key permissions alike for both: the same fsuid, fsgid, and set of groups a key's gid
 * may match (the fsgid or a supplementary group: root's process may list no supplementary groups, its passwd
 * entry gives it group 0).
 */
function sameCredentials(a: UserCredentials, b: UserCredentials): boolean {
  const groups = (c: UserCredentials) => [...new Set([c.gid, ...c.groups].map((g) => g >>> 0))].sort((x, y) => x - y).join();
  return a.uid >>> 0 === b.uid >>> 0 && a.gid >>> 0 === b.gid >>> 0 && groups(a) === groups(b);
}

function viewAs(procRoot: string, uid: number, changesOnly: boolean, hidden: ReadonlySet<number>, readerIsOwn: boolean, db: UserDatabase): ViewRead {
  const { creds, kind } = credentialsOf(uid, db);
  if (readerIsOwn && sameCredentials(creds, own as UserCredentials)) {
    lastViews.delete(uid);
    return { uid, readAt: Date.now(), asReader: true };
  }
  let last = lastViews.get(uid);
  if (last === undefined) {
    const first = Math.max(VIEW_BUFFER_BYTES, Math.ceil(lastViewBytes * 1.5));
    lastViews.set(uid, (last = { reads: new AlternatingReads(first), bytes: null, rings: [], members: [], credentials: kind }));
  }
  takeCredentials(creds);
  try {
    const bytes = last.reads.read(`${procRoot}/keys`);
    if (Buffer.isBuffer(bytes)) lastViewBytes = bytes.length;
    const readAt = Date.now();
    if (!Buffer.isBuffer(bytes)) {
      last.bytes = null;
      return { uid, keys: bytes, readAt, members: [], credentials: kind };
    }
    const before = last.bytes;
    last.bytes = bytes;
    const changes = before !== null && last.credentials === kind ? { changes: procKeysChanges(before, bytes) } : {};
    if (changes.changes !== undefined && onlyHiddenDiffer(changes.changes, hidden)) {
      // The same records list the same keyrings; are their members the same too?
      const members = readMembers(last.rings);
      const same = sameMemberLists(members, last.members);
      last.members = members;
      if (same && changesOnly) return { uid, readAt, unchanged: true };
      return { uid, keys: { text: bytes.toString('latin1'), bytes: true }, readAt, members, credentials: kind, ...changes };
    }
    // The bytes one per character (FileText.bytes): the scan decodes only non-ASCII descriptions, and parses the
    // text with the WebAssembly module (userViews.ts).
    const text = bytes.toString('latin1');
    last.rings = keyringIdsOf(text);
    last.members = readMembers(last.rings);
    last.credentials = kind;
    return { uid, keys: { text, bytes: true }, readAt, members: last.members, credentials: kind, ...changes };
  } finally {
    takeCredentials(own as UserCredentials);
  }
}

/**
 * Each asked uid's view. With `changesOnly` (the caller holds this thread's last answer), views unchanged since
 * then (but for the records of `hiddenIds` and this thread's own keyrings) come back as `unchanged`. With
 * `readerIsOwn` (the caller's reader reads with this thread's own credentials, in an empty session), the view of a
 * uid with those credentials comes back as `asReader`, unread.
 */
function views(procRoot: string, request: UserViewRequest, changesOnly = false, hiddenIds: readonly number[] = [], readerIsOwn = false): ViewRead[] {
  const hidden = new Set([...hiddenIds, ...helperKeyIds]);
  const uids = request.kind === 'uid' ? [request.uid] : parseKeyUsers(readFileSync(`${procRoot}/key-users`, 'utf8')).quotas.map((q) => q.uid);
  const asked = new Set(uids);
  // A uid not asked for this time starts afresh if asked again: the caller no longer holds its view.
  for (const uid of lastViews.keys()) if (!asked.has(uid)) lastViews.delete(uid);
  const db = readUserDatabase();
  return uids.map((uid) => viewAs(procRoot, uid, changesOnly, hidden, readerIsOwn, db));
}

const ops = { views };
export type UserViewOps = typeof ops;

serveThread((): UserViewStart => {
  const { session, thread } = joinReaderSession();
  const ids = threadIds();
  own = { uid: ids.fsuid, gid: ids.fsgid, groups: ids.groups };
  helperKeyIds = thread === null ? [session] : [session, thread];
  return { helperKeyIds };
}, ops);
