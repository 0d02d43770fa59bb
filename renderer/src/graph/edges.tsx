// The graph's one custom edge: from a keyring's right side to its member's left side, in right angles
// with rounded corners (a trunk beside the keyring's column and a branch to each member, as a tree is
// drawn; straight strokes stay cheap to paint when they run tens of thousands of pixels down a big tree;
// a link the layered layout routes across columns follows its corners, through the lanes kept for it),
// carrying `data-link="<keyringId>:<memberId>"` for tests. Links that make a key shared are drawn
// dashed in the accent colour; links from kernel-held keyrings into this process's keyrings are
// faint; anchor edges ("this process" holds its keyrings) are thick and grey.
import { getSmoothStepPath, type Edge, type EdgeProps, type EdgeTypes } from '@xyflow/react';
import { memo } from 'react';
import { useKb } from '../store';
import type { GraphEdgeItem } from './model';

/** Longest stretch of an edge drawn with dashes of their nominal size (see LinkEdgeView). */
const DASH_LENGTH_CAP = 3000;

/** Bend radius of the right angles. */
const CORNER_RADIUS = 6;

export type LinkEdge = Edge<{ item: GraphEdgeItem; route?: readonly (readonly [number, number])[] }, 'link'>;

/**
 * An SVG path from (x1, y1) through `corners` to (x2, y2), each corner of the right-angled line rounded
 * (points that make no turn are passed straight through).
 */
export function routedPath(x1: number, y1: number, corners: readonly (readonly [number, number])[], x2: number, y2: number): string {
  const pts: [number, number][] = [[x1, y1]];
  for (const [x, y] of [...corners, [x2, y2] as const]) {
    const last = pts[pts.length - 1]!;
    if (last[0] === x && last[1] === y) continue;
    const before = pts[pts.length - 2];
    // The last point is on the way from the one before it to this one: no turn there.
    if (before && ((before[0] === last[0] && last[0] === x) || (before[1] === last[1] && last[1] === y))) pts.pop();
    pts.push([x, y]);
  }
  let d = `M${x1} ${y1}`;
  for (let i = 1; i < pts.length - 1; i++) {
    const [px, py] = pts[i - 1]!;
    const [cx, cy] = pts[i]!;
    const [nx, ny] = pts[i + 1]!;
    const inLen = Math.hypot(cx - px, cy - py);
    const outLen = Math.hypot(nx - cx, ny - cy);
    const r = Math.min(CORNER_RADIUS, inLen / 2, outLen / 2);
    const ax = cx - ((cx - px) / inLen) * r;
    const ay = cy - ((cy - py) / inLen) * r;
    const bx = cx + ((nx - cx) / outLen) * r;
    const by = cy + ((ny - cy) / outLen) * r;
    d += ` L${ax} ${ay} Q${cx} ${cy} ${bx} ${by}`;
  }
  return `${d} L${x2} ${y2}`;
}

const LinkEdgeView = memo(function LinkEdgeView(props: EdgeProps<LinkEdge>) {
  const item = props.data!.item;
  const { ring, member } = item;
  const route = props.data!.route;
  const path = route
    ? routedPath(props.sourceX, props.sourceY, route, props.targetX, props.targetY)
    : getSmoothStepPath({
        borderRadius: CORNER_RADIUS,
        sourceX: props.sourceX,
        sourceY: props.sourceY,
        sourcePosition: props.sourcePosition,
        targetX: props.targetX,
        targetY: props.targetY,
        targetPosition: props.targetPosition,
      })[0];
  const active = useKb((s) => s.selectedId != null && (s.selectedId === ring || s.selectedId === member));
  const dim = useKb((s) => {
    if (!s.search || item.kind === 'anchor') return false;
    const on = (id: number | undefined) => id != null && (s.search!.matches.has(id) || s.search!.ancestors.has(id));
    if (item.kind === 'user') return !on(member);
    return !(on(ring) && (item.kind === 'group' || on(member)));
  });
  const cls = [
    'graph-edge',
    `graph-edge-${item.kind}`,
    item.shared ? 'shared' : '',
    item.crossCluster ? 'cross' : '',
    active ? 'active' : '',
    dim ? 'dim' : '',
  ].filter(Boolean).join(' ');
  const attrs =
    item.kind === 'link'
      ? { 'data-link': `${ring}:${member}` }
      : item.kind === 'group'
        ? { 'data-group-link': String(ring) }
        : item.kind === 'user'
          ? { 'data-user-link': `${item.source.slice(2)}:${member}` }
          : { 'data-anchor': item.anchor };
  // Chromium dashes a path over its whole length on every frame it is visible, so a dashed edge tens of
  // thousands of pixels long (a shared key far down a big tree) cost seconds per frame while panning. Past
  // DASH_LENGTH_CAP px its dashes stretch instead (pathLength rescales the dash units): still dashed, at most
  // DASH_LENGTH_CAP px worth of dashes to draw.
  const length = Math.hypot(props.targetX - props.sourceX, props.targetY - props.sourceY);
  const pathLength = length > DASH_LENGTH_CAP ? DASH_LENGTH_CAP : undefined;
  return <path {...attrs} className={cls} d={path} fill="none" markerEnd={props.markerEnd} pathLength={pathLength} />;
});

export const edgeTypes: EdgeTypes = { link: LinkEdgeView };
