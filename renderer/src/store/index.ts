// The renderer's main store: the snapshot and the view, as small slices (zustand's slices pattern).
// Two small stores live apart on purpose: actions/actionsStore.ts (so a payload can never reach a
// snapshot, the change log or an export) and graph/graphState.ts (the graph's own fold state).
// Components select only what they draw (with useShallow for several fields); Maps are replaced, never mutated.
import { create } from 'zustand';
import { createSnapshotSlice, type SnapshotSlice } from './snapshotSlice';
import { createViewSlice, type ViewSlice } from './viewSlice';

export type KbState = SnapshotSlice & ViewSlice;

export const useKb = create<KbState>()((...a) => ({
  ...createSnapshotSlice(...a),
  ...createViewSlice(...a),
}));

/** The store's first state, for tests: `useKb.setState(initialKbState(), true)`. */
const initial = useKb.getState();
export const initialKbState = (): KbState => ({ ...initial });

export { isSavedFile } from './snapshotSlice';
export type { ApplyOutcome, Connection, ReplayPoint, SnapshotMeta } from './snapshotSlice';
export type { LogEntry, Highlight, GhostLink } from './liveEvents';
