// Moves the store to a point of a recording: after `target` of its changes. The store's seq is the
// position (the engine numbers a recording's changes 1, 2, … after its first snapshot, seq 0), so the
// tree, graph and change log follow from the store as they do live.
import type { SnapshotDelta, VersionedSnapshot } from '../../../shared/api';
import type { KbState } from '../store';

type Store = Pick<KbState, 'seq' | 'loadSnapshot' | 'applyDeltas' | 'clearLog'>;

/**
 * Forward applies the changes in between as the live stream would (logged; the last step flashes).
 * Backward starts again from the first snapshot and applies the changes up to `target` without
 * flashing (their highlights are dated long ago), leaving the log as it reads at that point.
 * Returns the reason when a change cannot be applied (a damaged recording), else null.
 */
export function seekReplay(getStore: () => Store, start: VersionedSnapshot, changes: readonly SnapshotDelta[], target: number): string | null {
  const to = Math.max(0, Math.min(changes.length, target));
  const from = getStore().seq;
  if (to === from) return null;
  if (to > from && from >= 0) return getStore().applyDeltas(changes.slice(from, to)).resync;
  getStore().loadSnapshot(start);
  getStore().clearLog();
  return to === 0 ? null : getStore().applyDeltas(changes.slice(0, to), 0).resync;
}

/** The time the recording shows after `step` changes. */
export function timeAt(start: VersionedSnapshot, changes: readonly SnapshotDelta[], step: number): number {
  return step === 0 ? start.snapshot.takenAt : changes[Math.min(step, changes.length) - 1]!.takenAt;
}
