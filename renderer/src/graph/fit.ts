// Fitting the viewport to nodes, at once. xyflow's own fitView waits until every node has been
// measured in the DOM, which never happens for nodes `onlyRenderVisibleElements` leaves out (and
// is skipped when no node changes, e.g. on a resize); our nodes carry their size, so the bounds are
// known without measuring.
import { getViewportForBounds, type ReactFlowInstance } from '@xyflow/react';

export interface FitOptions {
  /** Node ids to fit; all visible nodes when absent. */
  ids?: readonly string[];
  padding?: number;
  maxZoom?: number;
  duration?: number;
}

export const MIN_ZOOM = 0.03;

export function fitNodes(rf: ReactFlowInstance, pane: { width: number; height: number }, opts: FitOptions = {}): void {
  const nodes = (opts.ids ? opts.ids.map((id) => rf.getNode(id)) : rf.getNodes()).filter((n) => n && !n.hidden);
  if (!nodes.length || !pane.width || !pane.height) return;
  const bounds = rf.getNodesBounds(nodes as NonNullable<(typeof nodes)[number]>[]);
  const vp = getViewportForBounds(bounds, pane.width, pane.height, MIN_ZOOM, opts.maxZoom ?? 1, opts.padding ?? 0.06);
  void rf.setViewport(vp, opts.duration ? { duration: opts.duration } : undefined);
}
