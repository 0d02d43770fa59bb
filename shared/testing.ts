// Builders for test snapshots, shared by the engine's, the service's and the renderer's tests
// (pure, like all of shared/). Defaults describe a plain possessed user key owned by root.
import type { Anchors, KeyInfo, Snapshot } from './snapshot';

export function testKey(id: number, fields: Partial<KeyInfo> = {}): KeyInfo {
  return {
    id,
    type: 'user',
    description: `k${id}`,
    uid: 0,
    gid: 0,
    perm: 0x3f010000,
    flags: 'I--Q---',
    usage: 1,
    timeout: 'perm',
    expiry: null,
    possessed: true,
    orphan: false,
    ...fields,
  };
}

export const NO_ANCHORS: Anchors = { thread: null, process: null, session: null, user: null, userSession: null, persistent: null };

export function testSnapshot(keys: KeyInfo[], fields: Partial<Snapshot> = {}): Snapshot {
  return { takenAt: 1000, uid: 0, gid: 0, groups: [], anchors: NO_ANCHORS, keys, quotas: [], ...fields };
}
