// Worker body: other users' views of the keyrings (userViewThread.ts), for scans whose scope is a uid or
// all users. At start it joins a fresh, empty anonymous session keyring (so it possesses nothing and its
// reads cost the kernel no possession search); then, for each uid asked, it takes that uid's filesystem ids
// and groups on this thread only (credentials.ts: raw setfsuid/setfsgid/setgroups, read back), opens and
// reads /proc/keys (the kernel judges a /proc/keys reader by the opener's credentials), KEYCTL_READs the
// member lists of the keyrings that view shows, and takes its own ids back before the next uid.
// The kernel gives root no override here: a key is listed only if its permissions grant view to the
// reader's fsuid/fsgid/groups (or to a possessor), so reading as each user is the only way to see theirs.
import { readFileSync } from 'node:fs';
import { parseKeyUsers } from '../keyring/keyUsers';
import * as keyctl from '../keyring/keyctl';
import { eachId, readTextHere } from '../keyring/possessingSide';
import type { FileText } from '../keyring/sides';
import { CredentialsError, joinEmptySession, ownThreadKeyring, takeCredentials, threadIds, userCredentials, type UserCredentials } from './credentials';
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
}

export interface UserViewStart {
  /** The session keyring the thread joined (never shown), and a thread keyring if it has one. */
  helperKeyIds: number[];
}

/** The gid a uid without a passwd entry reads with: nogroup grants nothing a real group would. */
const NO_GROUP = 65534;

let own: UserCredentials | null = null;

function credentialsOf(uid: number): { creds: UserCredentials; kind: 'passwd' | 'bare' } {
  try {
    return { creds: userCredentials(uid), kind: 'passwd' };
  } catch (err) {
    if (!(err instanceof CredentialsError)) throw err;
    // The kernel keeps accounting for uids no passwd entry names (a container's, a deleted user's).
    return { creds: { uid, gid: NO_GROUP, groups: [] }, kind: 'bare' };
  }
}

/** Serials of the `keyring` lines of a /proc/keys text (the type is the 8th column). */
export function keyringIdsOf(text: string): number[] {
  const ids: number[] = [];
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/, 8);
    if (cols[7] === 'keyring') ids.push(parseInt(cols[0] as string, 16) >>> 0);
  }
  return ids;
}

function viewAs(procRoot: string, uid: number): UserView {
  const { creds, kind } = credentialsOf(uid);
  takeCredentials(creds);
  try {
    const keys = readTextHere(`${procRoot}/keys`);
    const readAt = Date.now();
    const rings = keys.text === undefined ? [] : keyringIdsOf(keys.text);
    const members = eachId(rings, (id) => ({ id, members: keyctl.readKeyringMembers(id) })).map(
      (o): [number, number[] | string] => ['members' in o ? o.id : o.id, 'members' in o ? o.members : o.code],
    );
    return { uid, keys, readAt, members, credentials: kind };
  } finally {
    takeCredentials(own as UserCredentials);
  }
}

function views(procRoot: string, request: UserViewRequest): UserView[] {
  const uids = request.kind === 'uid' ? [request.uid] : parseKeyUsers(readFileSync(`${procRoot}/key-users`, 'utf8')).quotas.map((q) => q.uid);
  return uids.map((uid) => viewAs(procRoot, uid));
}

const ops = { views };
export type UserViewOps = typeof ops;

serveThread((): UserViewStart => {
  const session = joinEmptySession();
  const ids = threadIds();
  own = { uid: ids.fsuid, gid: ids.fsgid, groups: ids.groups };
  const thread = ownThreadKeyring();
  return { helperKeyIds: thread === null ? [session] : [session, thread] };
}, ops);
