// Whose credentials an action on a key needs. In an all-users view (the helper, serve --all-users) a key may
// be listed only by another user's view: root has no override on key permissions, so acting on it as this
// process would be refused. Such an action runs on a thread that takes that user's filesystem ids and
// groups (electron/threads/actAsWorker.ts), and the confirmation says so. One rule, for both sides.
// Pure: no Node, Electron or DOM.
import type { KeyInfo } from './snapshot';

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
