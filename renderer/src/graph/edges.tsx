// The graph's one custom edge: from a keyring's right side to its member's left side, in right angles
// with rounded corners (a trunk beside the keyring's column and a branch to each member, as a tree is
// drawn; straight strokes stay cheap to paint when they run tens of thousands of pixels down a big tree),
// carrying `data-link="<keyringId>:<memberId>"` for tests. Links that make a key shared are drawn
// dashed in the accent colour; links from kernel-held keyrings into this process's keyrings are
// faint; anchor edges ("this process" holds its keyrings) are thick and grey.
import { getSmoothStepPath, type Edge, type EdgeProps, type EdgeTypes } from '@xyflow/react';
import { memo } from 'react';
import { useKb } from '../store';
import type { GraphEdgeItem } from './model';

/** Longest stretch of an edge drawn with dashes of their nominal size (see LinkEdgeView). */
const DASH_LENGTH_CAP = 3000;

export type LinkEdge = Edge<{ item: GraphEdgeItem }, 'link'>;

const LinkEdgeView = memo(function LinkEdgeView(props: EdgeProps<LinkEdge>) {
  const item = props.data!.item;
  const { ring, member } = item;
  const [path] = getSmoothStepPath({
    borderRadius: 6,
    sourceX: props.sourceX,
    sourceY: props.sourceY,
    sourcePosition: props.sourcePosition,
    targetX: props.targetX,
    targetY: props.targetY,
    targetPosition: props.targetPosition,
  });
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
