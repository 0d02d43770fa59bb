// The graph view's own state: which big keyrings the user unfolded, and what the graph shows (its
// scope). Kept outside the main store (nothing else reads it) and outside the component, so it
// survives switching views.
import { create } from 'zustand';
import type { GraphScope } from './subset';

export interface GraphState {
  openGroups: ReadonlySet<number>;
  /** This process's keyrings by default: on a busy host other sessions' keyrings are most of the rest. */
  scope: GraphScope;
  openGroup(ringId: number): void;
  closeGroup(ringId: number): void;
  /** The bench opens every fold to draw the whole graph. */
  setOpenGroups(ids: ReadonlySet<number>): void;
  setScope(scope: GraphScope): void;
}

export const useGraphState = create<GraphState>()((set) => ({
  openGroups: new Set(),
  scope: 'process',
  openGroup: (ringId) => set((s) => ({ openGroups: new Set(s.openGroups).add(ringId) })),
  closeGroup: (ringId) =>
    set((s) => {
      const next = new Set(s.openGroups);
      next.delete(ringId);
      return { openGroups: next };
    }),
  setOpenGroups: (openGroups) => set({ openGroups }),
  setScope: (scope) => set({ scope }),
}));
