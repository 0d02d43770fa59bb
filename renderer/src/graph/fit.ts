// Fitting the viewport to nodes, at once. xyflow's own fitView waits until every node has been
// measured in the DOM, which never happens for nodes `onlyRenderVisibleElements` leaves out (and
// is skipped when no node changes, e.g. on a resize); our nodes carry their size, so the bounds are
// known without measuring.
//
// Legibility: fitting a whole graph never zooms out below LEGIBLE_ZOOM, where node labels (13 px) read
// at about 10 px and badges (10 px) at about 7.5 px. A graph too big for the pane at that zoom (one real
// krb5 user's keys are about 55 nodes) opens at that zoom, its roots in view: the `This process` node
// at the left (the layout runs left to right from it) and centred vertically; the minimap and the
// Controls' fit button (`whole`, down to MIN_ZOOM) show the whole. Past LEGIBLE_FIT_MAX_NODES the
// fit shows the whole graph as a map (no zoom that fits hundreds of nodes is readable, and the graph
// then draws in low detail), read by zooming in, unless even the map would be below MAP_MIN_ZOOM: then
// it opens on its roots too.
import { getViewportForBounds, type ReactFlowInstance } from '@xyflow/react';

export interface FitOptions {
  /** Node ids to fit; all visible nodes when absent. */
  ids?: readonly string[];
  /** The whole graph however small it gets (down to MIN_ZOOM): the overview the fit button asks for. */
  whole?: boolean;
  padding?: number;
  maxZoom?: number;
  duration?: number;
}

export const MIN_ZOOM = 0.03;
/** The lowest zoom a fit of the whole graph goes to (text stays readable). */
export const LEGIBLE_ZOOM = 0.75;
/** Graphs of more nodes than this are fitted whole, as a map. */
export const LEGIBLE_FIT_MAX_NODES = 200;
/**
 * Below this zoom a whole graph is no map either: 400 member keyrings of one keyring lay out as one column
 * some 20,000 px tall, a hairline at 0.03. Such a graph opens at LEGIBLE_ZOOM on its roots, as a small one does.
 */
export const MAP_MIN_ZOOM = 0.12;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/**
 * Where a fit of the whole graph (`bounds`) puts the view in a pane: xyflow's fitting viewport when it is
 * at least LEGIBLE_ZOOM; else LEGIBLE_ZOOM with `focus` (the process node) at the left edge and centred
 * vertically, kept inside the bounds (the left edge of the bounds without a focus). Not the bounds' left
 * edge with a focus: keyrings this process does not reach from its own node (a persistent keyring, say)
 * are laid out as a separate root, which may sit in the first column with it, above it or to its left.
 * Pure, for the tests.
 */
export function legibleViewport(fitting: Viewport, bounds: Box, pane: { width: number; height: number }, focus: Box | null, padding: number): Viewport {
  if (fitting.zoom >= LEGIBLE_ZOOM) return fitting;
  const zoom = LEGIBLE_ZOOM;
  const margin = padding * Math.min(pane.width, pane.height);
  const x = margin - (focus ? focus.x : bounds.x) * zoom;
  const centre = focus ? focus.y + focus.height / 2 : bounds.y + bounds.height / 2;
  // Top and bottom of the bounds may not leave the pane empty above or below.
  const top = margin - bounds.y * zoom;
  const bottom = pane.height - margin - (bounds.y + bounds.height) * zoom;
  const y = Math.min(top, Math.max(bottom, pane.height / 2 - centre * zoom));
  return { x, y, zoom };
}

export function fitNodes(rf: ReactFlowInstance, pane: { width: number; height: number }, opts: FitOptions = {}): void {
  const nodes = (opts.ids ? opts.ids.map((id) => rf.getNode(id)) : rf.getNodes()).filter((n) => n && !n.hidden);
  if (!nodes.length || !pane.width || !pane.height) return;
  const bounds = rf.getNodesBounds(nodes as NonNullable<(typeof nodes)[number]>[]);
  const padding = opts.padding ?? 0.06;
  let vp = getViewportForBounds(bounds, pane.width, pane.height, MIN_ZOOM, opts.maxZoom ?? 1, padding);
  if (!opts.ids && !opts.whole && (nodes.length <= LEGIBLE_FIT_MAX_NODES || vp.zoom < MAP_MIN_ZOOM)) {
    const process = nodes.find((n) => n?.type === 'process');
    const focus = process ? { x: process.position.x, y: process.position.y, width: process.width ?? 0, height: process.height ?? 0 } : null;
    vp = legibleViewport(vp, bounds, pane, focus, padding);
  }
  void rf.setViewport(vp, opts.duration ? { duration: opts.duration } : undefined);
}
