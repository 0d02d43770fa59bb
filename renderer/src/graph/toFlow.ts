// Turns the graph model and a layout into xyflow's nodes and edges. Node and edge objects are
// reused from the previous call when nothing they show changed, so xyflow skips them and their
// memoised components do not re-render: a usage tick touches one node, not two thousand.
import { MarkerType, Position, type Edge } from '@xyflow/react';
import type { QuotaGap } from '../../../shared/quotaGap';
import type { LayoutResult } from './layout';
import type { GraphEdgeItem, GraphModel, GraphNodeItem } from './model';
import type { LinkEdge } from './edges';
import type { ClusterNode, GraphFlowNode } from './nodes';

export interface FlowCache {
  nodes: Map<string, GraphFlowNode>;
  edges: Map<string, LinkEdge>;
}
export const emptyFlowCache = (): FlowCache => ({ nodes: new Map(), edges: new Map() });

const MARKER = { type: MarkerType.ArrowClosed, width: 14, height: 14 } as const;

/** Whether a user node shows the same of these two gaps: nothing for either when neither is material, else the same hatch and sentence. */
function sameGapShown(a: QuotaGap | null, b: QuotaGap | null): boolean {
  if (a === b) return true;
  if (!a?.material || !b?.material) return !a?.material && !b?.material;
  return a.unaccounted === b.unaccounted && a.unknownSizes === b.unknownSizes && a.wrapPossible === b.wrapPossible;
}

function sameItem(a: GraphNodeItem, b: GraphNodeItem): boolean {
  if (a.kind !== b.kind || a.width !== b.width || a.height !== b.height || a.cluster !== b.cluster) return false;
  if (a.kind === 'key' && b.kind === 'key') {
    return a.key === b.key && a.shared === b.shared && a.hiddenMembers === b.hiddenMembers && a.anchors.join() === b.anchors.join();
  }
  if (a.kind === 'user' && b.kind === 'user') return a.label === b.label && a.group.quota === b.group.quota && sameGapShown(a.gap, b.gap);
  if (a.kind === 'group' && b.kind === 'group') {
    return a.innerIds.length === b.innerIds.length && a.memberIds.length === b.memberIds.length && a.memberIds.every((m, i) => m === b.memberIds[i]);
  }
  return true;
}

function sameEdge(a: GraphEdgeItem, b: GraphEdgeItem): boolean {
  return a.source === b.source && a.target === b.target && a.kind === b.kind && a.shared === b.shared && a.crossCluster === b.crossCluster;
}

/**
 * `layout` may belong to an older structure (a new layout is on its way): nodes it does not place
 * stay hidden until it arrives, the others keep their place.
 */
export function toFlow(
  model: GraphModel,
  layout: LayoutResult | null,
  uid: number | null,
  cache: FlowCache,
): { nodes: GraphFlowNode[]; edges: Edge[]; cache: FlowCache } {
  const next = emptyFlowCache();
  const nodes: GraphFlowNode[] = [];
  for (const box of layout?.boxes ?? []) {
    const id = `box:${box.cluster}`;
    const prev = cache.nodes.get(id) as ClusterNode | undefined;
    const node: ClusterNode =
      prev && prev.position.x === box.x && prev.position.y === box.y && prev.width === box.width && prev.height === box.height
        ? prev
        : {
            id,
            type: 'cluster',
            position: { x: box.x, y: box.y },
            width: box.width,
            height: box.height,
            data: { cluster: box.cluster },
            draggable: false,
            selectable: false,
            focusable: false,
            zIndex: -1,
          };
    nodes.push(node);
    next.nodes.set(id, node);
  }
  for (const item of model.nodes) {
    const pos = layout?.positions[item.id];
    const prev = cache.nodes.get(item.id);
    const hidden = !pos;
    if (
      prev &&
      !!prev.hidden === hidden &&
      (hidden || (prev.position.x === pos![0] && prev.position.y === pos![1])) &&
      (item.kind === 'process' ? prev.type === 'process' && prev.data.uid === uid : 'item' in prev.data && sameItem(prev.data.item, item))
    ) {
      nodes.push(prev);
      next.nodes.set(item.id, prev);
      continue;
    }
    const common = {
      id: item.id,
      position: pos ? { x: pos[0], y: pos[1] } : { x: 0, y: 0 },
      width: item.width,
      height: item.height,
      hidden,
      draggable: false,
      // Anchor the handles at the node's vertical centre without waiting for a DOM measurement.
      handles: [
        { type: 'target' as const, position: Position.Left, x: 0, y: item.height / 2, width: 1, height: 1 },
        { type: 'source' as const, position: Position.Right, x: item.width - 1, y: item.height / 2, width: 1, height: 1 },
      ],
    };
    const node: GraphFlowNode =
      item.kind === 'key'
        ? { ...common, type: 'key', data: { item }, ariaLabel: `${item.key.type} ${item.key.description}` }
        : item.kind === 'group'
          ? { ...common, type: 'group', data: { item } }
          : item.kind === 'user'
            ? { ...common, type: 'user', data: { item }, ariaLabel: `user ${item.label}` }
            : { ...common, type: 'process', data: { uid }, ariaLabel: 'This process' };
    nodes.push(node);
    next.nodes.set(item.id, node);
  }

  const edges: LinkEdge[] = [];
  for (const item of model.edges) {
    const prev = cache.edges.get(item.id);
    const route = layout?.routes?.[`${item.source}>${item.target}`];
    if (prev && sameEdge(prev.data!.item, item) && prev.data!.route === route) {
      edges.push(prev);
      next.edges.set(item.id, prev);
      continue;
    }
    const edge: LinkEdge = {
      id: item.id,
      source: item.source,
      target: item.target,
      type: 'link',
      data: route ? { item, route } : { item },
      selectable: false,
      focusable: false,
      markerEnd: { ...MARKER, color: item.shared ? 'var(--accent)' : item.kind === 'anchor' ? 'var(--text-faint)' : 'var(--graph-edge)' },
    };
    edges.push(edge);
    next.edges.set(item.id, edge);
  }
  return { nodes, edges, cache: next };
}
