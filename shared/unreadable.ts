// Why this process cannot read a keyring's member list, and the way in where there is one. The
// commonest case: krb5's persistent collection `_krb` lives in `_persistent.<uid>`, which nothing of this
// process links until something calls KEYCTL_GET_PERSISTENT, so neither is possessed, and both grant
// read to their possessor only. The app never makes that call by itself (it renews the keyring's timer):
// it names the action that does.
import { classBits, effectivePerm, PERM_BITS, type Observer } from './perm';
import type { KeyInfo } from './snapshot';

const PERSISTENT = /^_persistent\.(\d+)$/;

export interface Unreadable {
  /** Why, in one sentence. */
  reason: string;
  /** The way in, when the app offers one ("Get persistent keyring"); null otherwise. */
  hint: string | null;
}

/**
 * For a keyring whose member list this process may not read (links === null): why, and what would let it.
 * `parentsOf` gives the keyrings that link a key (as far as this process sees them).
 */
export function whyUnreadable(
  k: KeyInfo,
  observer: Observer,
  keyById: (id: number) => KeyInfo | undefined,
  parentsOf: (id: number) => readonly number[],
): Unreadable {
  const canRead = (effectivePerm(k, observer, k.possessed) & PERM_BITS.read) !== 0;
  const possessorMayRead = (classBits(k.perm, 'possessor') & PERM_BITS.read) !== 0;
  const persistent = PERSISTENT.test(k.description) && k.type === 'keyring' ? k : parentsOf(k.id).map(keyById).find((p) => p && p.type === 'keyring' && PERSISTENT.test(p.description));
  const reason = canRead
    ? 'This process may read it by its permissions, but the kernel refused the member list (it may have changed during the scan).'
    : !k.possessed && possessorMayRead
      ? 'Only a possessor may read its member list (its possessor row grants read; the row that applies to this process does not), and this process does not possess it.'
      : 'No row of its permissions that applies to this process grants read.';
  if (!persistent || persistent.possessed || canRead) return { reason, hint: null };
  const uid = PERSISTENT.exec(persistent.description)![1];
  const inside = persistent === k ? `It is the persistent keyring of uid ${uid},` : `It is inside ${persistent.description}, the persistent keyring of uid ${uid},`;
  return {
    reason,
    hint:
      `${inside} which no keyring of this process links, so this process possesses neither. ` +
      `"Get persistent keyring" links it into a keyring of yours (the session keyring by default) and renews its expiry timer; ` +
      'after that this process possesses it and what it holds, and can read them.',
  };
}
