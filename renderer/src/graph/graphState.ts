// The graph view's own state: which big keyrings the user unfolded, and what the graph shows (its
// scope). Kept outside the main store (nothing else reads it) and outside the component, so it
// survives switching views.
import { create } from 'zustand';
import type { ScanScope } from '../../../shared/snapshot';
import { useKb } from '../store';
import type { GraphScope } from './subset';

export interface GraphState {
  openGroups: ReadonlySet<number>;
  /** What the user chose; null: the default (see graphScopeOf). */
  scope: GraphScope | null;
  openGroup(ringId: number): void;
  closeGroup(ringId: number): void;
  /** The bench opens every fold to draw the whole graph. */
  setOpenGroups(ids: ReadonlySet<number>): void;
  setScope(scope: GraphScope | null): void;
}

export const useGraphState = create<GraphState>()((set) => ({
  openGroups: new Set(),
  scope: null,
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

/**
 * The graph's scope: the user's choice, else this process's keyrings (on a busy host other sessions'
 * keyrings are most of the rest), or every keyring in the system view (`--all-users`, `--uid`), which
 * is there to see other users' keys. With "This process only" (the toolbar's), All keyrings is this
 * process's keyrings: the filter already took the rest away.
 */
export function graphScopeOf(chosen: GraphScope | null, scan: ScanScope | undefined, processOnly = false): GraphScope {
  const scope = chosen ?? (scan && scan.kind !== 'process' ? 'all' : 'process');
  return processOnly && scope === 'all' ? 'process' : scope;
}

export function useGraphScope(): GraphScope {
  const chosen = useGraphState((s) => s.scope);
  const scan = useKb((s) => s.meta?.scope);
  const processOnly = useKb((s) => s.processOnly);
  return graphScopeOf(chosen, scan, processOnly);
}

export function currentGraphScope(): GraphScope {
  const s = useKb.getState();
  return graphScopeOf(useGraphState.getState().scope, s.meta?.scope, s.processOnly);
}
