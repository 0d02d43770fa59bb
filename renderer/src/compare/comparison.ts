// "Compare with…": what changed from a saved file (before) to what the window shows (after: the live
// keys, an opened file, or the moment of a replay). The differences are the `diff` command's own
// (shared/snapshotDiff.ts); here they become what the tree draws: a mark on each added or changed key,
// and the removed keys (and links) as rows struck through under the keyrings that held them.
import { compareSnapshots, describeDifference, type Difference } from '../../../shared/snapshotDiff';
import type { KeyInfo, Snapshot } from '../../../shared/snapshot';
import type { SnapshotMeta } from '../store';

export type CompareMark = { kind: 'added' } | { kind: 'changed'; words: string };

/** A removed key (or a link removed from a keyring both sides hold) drawn under a keyring of the after side. */
export interface ComparedGhost {
  key: KeyInfo;
  compared: true;
}

export interface Comparison {
  differences: Difference[];
  /** One line per difference, as `diff` prints it. */
  lines: string[];
  marks: ReadonlyMap<number, CompareMark>;
  /** keyring id (present after) → keys no longer in it. */
  ghosts: ReadonlyMap<number, readonly ComparedGhost[]>;
}

/** The store's keys and snapshot fields as one Snapshot (keys in id order, as a scan lists them). */
export function shownSnapshot(keys: ReadonlyMap<number, KeyInfo>, meta: SnapshotMeta): Snapshot {
  return { ...meta, keys: [...keys.values()].sort((a, b) => a.id - b.id) };
}

export function compare(before: Snapshot, after: Snapshot): Comparison {
  const differences = compareSnapshots(before, after);
  const beforeKeys = new Map(before.keys.map((k) => [k.id, k]));
  const afterIds = new Set(after.keys.map((k) => k.id));
  const marks = new Map<number, CompareMark>();
  const ghosts = new Map<number, ComparedGhost[]>();
  const ghost = (ring: number, id: number) => {
    const key = beforeKeys.get(id);
    if (!key || !afterIds.has(ring)) return;
    const list = ghosts.get(ring) ?? [];
    if (!list.some((g) => g.key.id === id)) ghosts.set(ring, [...list, { key, compared: true }]);
  };
  for (const d of differences) {
    if (d.kind === 'added') marks.set(d.key.id, { kind: 'added' });
    else if (d.kind === 'changed') marks.set(d.key.id, { kind: 'changed', words: d.changes.map((c) => c.words).join('; ') });
    else if (d.kind === 'removed') for (const ring of d.keyrings) ghost(ring.id, d.key.id);
    else if (d.kind === 'unlinked') ghost(d.keyring.id, d.member.id);
  }
  return { differences, lines: differences.map(describeDifference), marks, ghosts };
}
