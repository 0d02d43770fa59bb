// Whose credentials an action on a key needs. In an all-users view (the helper, serve --all-users) a key may
// be listed only by another user's view: root has no override on key permissions, so acting on it as this
// process would be refused. Such an action runs on a thread that takes that user's filesystem ids and
// groups (electron/threads/actAsWorker.ts), and the confirmation says so. One rule, for both sides.
// Pure: no Node, Electron or DOM.
import { classBits, effectivePerm, formatPermHex, PERM_BITS, permLetters, type PermName } from './perm';
import { searchableWhenPossessed, walkPossession } from './possession';
import type { ActionName } from './contract';
import type { KeyInfo } from './snapshot';
import { registeredUserKeyring } from './userGroups';

/**
 * The uid to act as on `key`, or null to act as this process: null when this process's own view lists it
 * (or the scan had no other views); else its owner when the owner's view lists it, else the first user
 * whose view does.
 */
export function actingUid(key: Pick<KeyInfo, 'uid' | 'seenBy'> | undefined): number | null {
  const seen = key?.seenBy;
  if (!key || !seen || seen.includes('process')) return null;
  if (seen.includes(`uid ${key.uid}`)) return key.uid;
  for (const view of seen) {
    const m = /^uid (\d+)$/.exec(view);
    if (m) return Number(m[1]);
  }
  return null;
}

/** "as uid 1000 (alice)", or "as uid 1000" when the name is not known. */
export function actingAsText(uid: number, names: Record<number, string> = {}): string {
  const name = names[uid];
  return name === undefined ? `as uid ${uid}` : `as uid ${uid} (${name})`;
}

/**
 * What an action as `uid` will have on `key`: the act-as thread links the user's registered `_uid.N` into a
 * session keyring of its own (electron/threads/actAsWorker.ts), so it possesses what the kernel's search
 * reaches from there (shared/possession.ts), and the user's row of each key's mask applies. The user's
 * groups are not known to the page: a key whose group row grants something may allow more than this says.
 */
export interface ActingRights {
  uid: number;
  /** `_uid.N`'s id, or null when the scan saw none (then nothing is possessed). */
  userKeyring: number | null;
  possessed: boolean;
  /** The six permission bits the action will have on the key (possessor row included when possessed). */
  bits: number;
  /** The key's group row grants something, and the user might be in its group. */
  groupMayAdd: boolean;
}

export function actingRights(keys: ReadonlyMap<number, KeyInfo>, key: KeyInfo, uid: number): ActingRights {
  const userKeyring = registeredUserKeyring(keys, uid);
  const who = { uid, gid: -1, groups: [] };
  let possessed = false;
  if (userKeyring !== null) {
    walkPossession(
      [userKeyring],
      (id) => keys.get(id)?.links,
      (id) => searchableWhenPossessed(keys.get(id), who),
      (id) => keys.get(id)?.type === 'keyring' && keys.get(id)?.links != null,
      (id) => {
        if (id === key.id) possessed = true;
      },
    );
  }
  return { uid, userKeyring, possessed, bits: effectivePerm(key, who, possessed), groupMayAdd: key.uid !== uid && classBits(key.perm, 'group') !== 0 };
}

/** The permissions each action needs on the key it is about (any one of them); absent: none on the key itself. */
export const ACTION_KEY_NEEDS: Readonly<Partial<Record<ActionName, readonly PermName[]>>> = {
  Update: ['write'],
  'Read payload': ['read'],
  Link: ['link'],
  Move: ['link'],
  Revoke: ['write', 'setattr'],
  Invalidate: ['search'],
  Clear: ['write'],
  'Set timeout': ['setattr'],
  'Set permissions': ['setattr'],
  'Change owner': ['setattr'],
};

/**
 * The sentence an action dialog shows before an action as another user: what it will possess and, when the
 * key's mask refuses `action` to it, that the kernel will refuse it and why. Null when nothing needs saying
 * beyond "runs as".
 */
export function actingRefusal(rights: ActingRights, key: KeyInfo, action: ActionName): string | null {
  const needs = ACTION_KEY_NEEDS[action];
  if (!needs || needs.some((p) => (rights.bits & PERM_BITS[p]) !== 0)) return null;
  const why = rights.possessed
    ? `even possessed (through _uid.${rights.uid}), its mask ${formatPermHex(key.perm)} grants uid ${rights.uid} only ${permLetters(rights.bits)}`
    : rights.userKeyring === null
      ? `uid ${rights.uid} has no user keyring the scan saw, so nothing is possessed, and its mask ${formatPermHex(key.perm)} grants that user only ${permLetters(rights.bits)}`
      : `_uid.${rights.uid} does not reach this key, so it is not possessed (its possessor row does not apply), and its mask ${formatPermHex(key.perm)} grants uid ${rights.uid} only ${permLetters(rights.bits)}`;
  const group = rights.groupMayAdd ? ` (unless uid ${rights.uid} is in the key's group ${key.gid}, whose row grants ${permLetters(classBits(key.perm, 'group'))})` : '';
  return `The kernel will refuse this (EACCES): ${action} needs ${needs.join(' or ')}, and ${why}${group}.`;
}
