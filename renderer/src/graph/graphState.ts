// The graph view's own state: which big keyrings the user unfolded. Kept outside the main store
// (nothing else reads it) and outside the component, so it survives switching views.
import { create } from 'zustand';

export interface GraphState {
  openGroups: ReadonlySet<number>;
  openGroup(ringId: number): void;
  closeGroup(ringId: number): void;
  /** The bench opens every fold to draw the whole graph. */
  setOpenGroups(ids: ReadonlySet<number>): void;
}

export const useGraphState = create<GraphState>()((set) => ({
  openGroups: new Set(),
  openGroup: (ringId) => set((s) => ({ openGroups: new Set(s.openGroups).add(ringId) })),
  closeGroup: (ringId) =>
    set((s) => {
      const next = new Set(s.openGroups);
      next.delete(ringId);
      return { openGroups: next };
    }),
  setOpenGroups: (openGroups) => set({ openGroups }),
}));
