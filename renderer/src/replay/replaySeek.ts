// Moves the store to a point of a recording: after `target` of its changes. The store's seq is the
// position (the engine numbers a recording's changes 1, 2, … after its first snapshot, seq 0), so the
// tree, graph and change log follow from the store as they do live. Seeking back restarts from the
// nearest checkpoint (shared/replayCheckpoints.ts), a moment of the store kept as the replay passed it.
import type { SnapshotDelta, VersionedSnapshot } from '../../../shared/api';
import { checkpointInterval, ReplayCheckpoints, type ReplayCursor } from '../../../shared/replayCheckpoints';
import type { KbState, ReplayPoint } from '../store';

type Store = Pick<KbState, 'seq' | 'keys' | 'meta' | 'log' | 'applyDeltas' | 'restoreReplayPoint'>;

/** A loaded recording: its first snapshot, its changes, and the checkpoints kept while replaying it. */
export interface ReplayTimeline {
  start: VersionedSnapshot;
  changes: readonly SnapshotDelta[];
  checkpoints: ReplayCheckpoints<ReplayPoint>;
}

export function replayTimeline(
  start: VersionedSnapshot,
  changes: readonly SnapshotDelta[],
  every = checkpointInterval(changes.length, start.snapshot.keys.length),
): ReplayTimeline {
  return { start, changes, checkpoints: new ReplayCheckpoints<ReplayPoint>(changes.length, every) };
}

/**
 * Forward applies the changes in between as the live stream would (logged; they flash). Backward restores
 * the nearest checkpoint (or the first snapshot) and applies the changes up to `target` without flashing
 * (their highlights are dated long ago), leaving the log as it reads at that point.
 * Returns the reason when a change cannot be applied (a damaged recording), else null.
 */
export function seekReplay(getStore: () => Store, timeline: ReplayTimeline, target: number): string | null {
  return timeline.checkpoints.seek(storeCursor(getStore, timeline), target);
}

function storeCursor(getStore: () => Store, { start, changes }: ReplayTimeline): ReplayCursor<ReplayPoint> {
  return {
    position: () => getStore().seq,
    restore: (point) => getStore().restoreReplayPoint(point ?? startPoint(start)),
    apply: (from, to, rewound) => getStore().applyDeltas(changes.slice(from, to), rewound ? 0 : undefined).resync,
    capture: () => {
      const { keys, meta, seq, log } = getStore();
      return { keys, meta, seq, log };
    },
  };
}

/** The first snapshot as a moment of the replay: nothing logged yet. */
function startPoint({ seq, snapshot }: VersionedSnapshot): ReplayPoint {
  const { keys, ...meta } = snapshot;
  return { keys: new Map(keys.map((k) => [k.id, k])), meta, seq, log: [] };
}

/** The time the recording shows after `step` changes. */
export function timeAt(start: VersionedSnapshot, changes: readonly SnapshotDelta[], step: number): number {
  return step === 0 ? start.snapshot.takenAt : changes[Math.min(step, changes.length) - 1]!.takenAt;
}
