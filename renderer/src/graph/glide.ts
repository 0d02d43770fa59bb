// The graph's one switch of picture: the quick tree arrangement drawn at once gives way to the worker's
// layers (useGraphLayout). Where nodes move, they glide to their new places (styles.css `[data-gliding]`:
// a transform transition on the nodes, the links hidden while they move and faded in where they end up), so
// the eye can follow each key instead of seeing the picture jump. Computing the layers for the first picture
// on the page's thread instead was measured and dropped (README "Performance → Graph").
import type { LayoutResult } from './layout';
import type { LayoutSource } from './useGraphLayout';

/** How long the nodes take to glide (styles.css uses the same). */
export const GLIDE_MS = 350;

/** Whether going from one drawn layout to the next is the quick arrangement's switch to the layers, with some node moving. */
export function glides(
  from: { layout: LayoutResult | null; source: LayoutSource | null },
  to: { layout: LayoutResult | null; source: LayoutSource | null },
  nodeIds: readonly string[],
): boolean {
  if (from.source !== 'quick' || to.source !== 'exact' || !from.layout || !to.layout || from.layout === to.layout) return false;
  for (const id of nodeIds) {
    const a = from.layout.positions[id];
    const b = to.layout.positions[id];
    if (a && b && (a[0] !== b[0] || a[1] !== b[1])) return true;
  }
  return false;
}
