// Tiny builders for test snapshots.
import type { SnapshotDelta } from '../../../shared/api';
import type { Anchors, KeyInfo, Snapshot } from '../../../shared/snapshot';
import { testKey } from '../../../shared/testing';

export function k(id: number, description: string, extra: Partial<KeyInfo> = {}): KeyInfo {
  return testKey(id, { type: extra.links !== undefined ? 'keyring' : 'user', description, uid: 1000, gid: 1000, ...extra });
}

export const ring = (id: number, description: string, links: number[] | null, extra: Partial<KeyInfo> = {}) =>
  k(id, description, { type: 'keyring', links, ...extra });

export const noAnchors: Anchors = { thread: null, process: null, session: null, user: null, userSession: null, persistent: null };

export function snap(keys: KeyInfo[], anchors: Partial<Anchors> = {}): Snapshot {
  return { takenAt: 1000, uid: 1000, gid: 1000, groups: [1000], anchors: { ...noAnchors, ...anchors }, keys, quotas: [] };
}

export function delta(seq: number, d: Partial<SnapshotDelta> = {}): SnapshotDelta {
  return { seq, takenAt: 1000 + seq, added: [], removed: [], changed: [], linksAdded: [], linksRemoved: [], ...d };
}
