// The comparison the window shows, if any: a store of its own (like actions/actionsStore.ts), so the
// snapshot store stays the engine's picture. While a comparison is open it is recomputed whenever the
// shown keys change (a live poll, a replay step), so the marks always compare with what is on screen.
import { create } from 'zustand';
import type { Snapshot } from '../../../shared/snapshot';
import { useKb } from '../store';
import { compare, shownSnapshot, type Comparison } from './comparison';

export interface CompareState {
  /** The file compared with (the before side), by name. */
  file: { name: string; before: Snapshot; note: string | null } | null;
  result: Comparison | null;
  /** Why the last file chosen could not be compared (one sentence), until the next try. */
  error: string | null;
  open(name: string, before: Snapshot, note?: string | null): void;
  fail(error: string): void;
  close(): void;
}

let unsubscribe: (() => void) | null = null;

export const useCompare = create<CompareState>()((set, get) => ({
  file: null,
  result: null,
  error: null,
  open(name, before, note = null) {
    set({ file: { name, before, note }, error: null });
    recompute();
    unsubscribe ??= useKb.subscribe((s, prev) => {
      if (s.keys !== prev.keys || s.meta !== prev.meta) recompute();
    });
  },
  fail: (error) => set({ error }),
  close() {
    unsubscribe?.();
    unsubscribe = null;
    if (get().file || get().result || get().error) set({ file: null, result: null, error: null });
  },
}));

function recompute(): void {
  const { file } = useCompare.getState();
  const { keys, meta } = useKb.getState();
  useCompare.setState({ result: file && meta ? compare(file.before, shownSnapshot(keys, meta)) : null });
}
