// The graph's one custom edge, drawn by linkPath (linkPath.ts: the exported picture draws the same line),
// carrying `data-link="<keyringId>:<memberId>"` for tests. Straight strokes and right angles stay cheap to
// paint when they run tens of thousands of pixels down a big tree. Links that make a key shared are drawn
// dashed in the accent colour; links from kernel-held keyrings into this process's keyrings are
// faint; anchor edges ("this process" holds its keyrings) are thick and grey.
import type { Edge, EdgeProps, EdgeTypes } from '@xyflow/react';
import { memo } from 'react';
import { useKb } from '../store';
import { linkPath } from './linkPath';
import type { GraphEdgeItem } from './model';

/** Longest stretch of an edge drawn with dashes of their nominal size (see LinkEdgeView). */
const DASH_LENGTH_CAP = 3000;

export type LinkEdge = Edge<{ item: GraphEdgeItem; route?: readonly (readonly [number, number])[] }, 'link'>;

const LinkEdgeView = memo(function LinkEdgeView(props: EdgeProps<LinkEdge>) {
  const item = props.data!.item;
  const { ring, member } = item;
  const route = props.data!.route;
  const path = linkPath(props.sourceX, props.sourceY, props.targetX, props.targetY, route);
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
