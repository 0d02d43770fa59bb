// How a link is drawn, in one place: the screen (edges.tsx) and the exported picture
// (export/graphPicture.ts) both draw each link with linkPath, so a picture in the documentation shows the
// lines the administrator saw. From a keyring's right side to its member's left side, in right angles
// with rounded corners (a trunk in the gap beside the keyring's column and a branch to each member, as a
// tree is drawn); a link the layered layout routes across columns follows its corners, through the lanes
// kept for it.
import { getSmoothStepPath, Position } from '@xyflow/react';

/** Bend radius of the right angles. */
export const CORNER_RADIUS = 6;

/** Where a link leaves its keyring's box (the right side's middle) and meets its member's (the left side's middle). */
export function linkEnds(
  source: { x: number; y: number; width: number; height: number },
  target: { x: number; y: number; height: number },
): { x1: number; y1: number; x2: number; y2: number } {
  return { x1: source.x + source.width, y1: source.y + source.height / 2, x2: target.x, y2: target.y + target.height / 2 };
}

/** The SVG path of a link from (x1, y1) to (x2, y2): through `route`'s corners where the layout routed it, else one right-angled step. */
export function linkPath(x1: number, y1: number, x2: number, y2: number, route?: readonly (readonly [number, number])[]): string {
  if (route) return routedPath(x1, y1, route, x2, y2);
  return getSmoothStepPath({
    borderRadius: CORNER_RADIUS,
    sourceX: x1,
    sourceY: y1,
    sourcePosition: Position.Right,
    targetX: x2,
    targetY: y2,
    targetPosition: Position.Left,
  })[0];
}

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
