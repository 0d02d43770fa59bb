// The graph view: keyrings and keys as nodes, links as edges, laid out by elkjs in a worker and
// drawn by xyflow. Selection, search and live highlights come from the same store as the tree's.
// A click selects (and reveals the key in the tree for when the user switches back); a click on a
// folded group unfolds it. Enter or Space on a focused node does the same as a click.
import '@xyflow/react/dist/base.css';
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  useStore,
  useStoreApi,
  type Edge,
  type Node,
  type Viewport,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { useKb } from '../store';
import { revealKey } from '../tree/reveal';
import { useTreeModel } from '../tree/useTreeRows';
import { edgeTypes } from './edges';
import { useGraphState } from './graphState';
import { buildGraphModel, type GraphModel } from './model';
import { nodeTypes, type GraphFlowNode } from './nodes';
import { emptyFlowCache, toFlow } from './toFlow';
import { useGraphLayout } from './useGraphLayout';
import { layoutThread } from './layoutClient';
import { DEV_TOOLS } from '../dev/buildMode';
import { maybeRunGraphBench } from './bench';
import { fitNodes, MIN_ZOOM, type FitOptions } from './fit';

/** Below this zoom, nodes drop their second line (ids, badges): unreadable there anyway, and cheaper. */
const LOW_DETAIL_ZOOM = 0.45;
/** Past this many nodes, only what is on screen is rendered. */
const VIRTUALIZE_FROM = 400;

export function useGraphModel(): GraphModel | null {
  const tree = useTreeModel();
  const openGroups = useGraphState((s) => s.openGroups);
  return useMemo(() => (tree ? buildGraphModel(tree, { openGroups }) : null), [tree, openGroups]);
}

function minimapColor(n: Node): string {
  const node = n as GraphFlowNode;
  if (node.type === 'key') return node.data.item.key.type === 'keyring' ? 'var(--keyring)' : 'var(--graph-minimap-key)';
  if (node.type === 'group') return 'var(--graph-minimap-key)';
  if (node.type === 'process' || node.type === 'user') return 'var(--accent)';
  return 'transparent';
}

function GraphCanvas() {
  const model = useGraphModel();
  const uid = useKb((s) => s.meta?.uid ?? null);
  const canvasRef = useRef<HTMLDivElement>(null);
  const aspect = useCallback(() => {
    const r = canvasRef.current?.getBoundingClientRect();
    return r && r.width > 0 && r.height > 0 ? r.width / r.height : undefined;
  }, []);
  const { layout, pending, roundTripMs } = useGraphLayout(model, aspect);
  const cacheRef = useRef(emptyFlowCache());
  const flow = useMemo(() => {
    if (!model) return { nodes: [] as GraphFlowNode[], edges: [] as Edge[] };
    const out = toFlow(model, layout, uid, cacheRef.current);
    cacheRef.current = out.cache;
    return out;
  }, [model, layout, uid]);
  const rf = useReactFlow();
  const flowStore = useStoreApi();
  const fit = useCallback((opts?: FitOptions) => fitNodes(rf, flowStore.getState(), opts), [rf, flowStore]);
  const [lowDetail, setLowDetail] = useState(false);

  // Fit the whole graph when it is laid out, until the user (or a search, or a selection) moves
  // the view: from then on a new layout leaves the viewport where the user put it.
  const viewMoved = useRef(false);
  const layoutRef = useRef(layout);
  layoutRef.current = layout;
  useEffect(() => {
    if (!layout || viewMoved.current) return;
    requestAnimationFrame(() => fit());
  }, [layout, fit]);
  // The pane grows or shrinks (the change log folds, the window resizes): fit again, same rule.
  // Keyed on xyflow's own idea of the pane size, so the fit uses the new size.
  const paneSize = useStore((st) => `${st.width}x${st.height}`);
  useEffect(() => {
    const frame = requestAnimationFrame(() => {
      if (!viewMoved.current && layoutRef.current) fit();
    });
    return () => cancelAnimationFrame(frame);
  }, [paneSize, fit]);
  const onMoveStart = useCallback((event: unknown) => {
    if (event) viewMoved.current = true; // programmatic moves (fitView) come without an event
  }, []);

  // A new search result brings its matches into view.
  const search = useKb((s) => s.search);
  useEffect(() => {
    if (!search || !model || !layout) return;
    const ids = [...new Set([...search.matches].slice(0, 200).map((k) => model.nodeOfKey.get(k)).filter((x): x is string => !!x))];
    if (ids.length) viewMoved.current = true;
    if (ids.length) requestAnimationFrame(() => fit({ ids, padding: 0.25, duration: 300 }));
    // Only when the result changes, not on every tick.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search, layout]);

  // A selection made elsewhere (tree, details panel) is brought into view when it is off screen.
  const selectedId = useKb((s) => s.selectedId);
  useEffect(() => {
    if (selectedId == null || !model) return;
    const nid = model.nodeOfKey.get(selectedId);
    const node = nid ? rf.getNode(nid) : undefined;
    if (!node || node.hidden) return;
    const el = document.querySelector('[data-view="graph"] .react-flow');
    if (!el) return;
    const { x, y, zoom } = rf.getViewport();
    const rect = el.getBoundingClientRect();
    const sx = node.position.x * zoom + x;
    const sy = node.position.y * zoom + y;
    const w = (node.width ?? 0) * zoom;
    const h = (node.height ?? 0) * zoom;
    if (sx >= 0 && sy >= 0 && sx + w <= rect.width && sy + h <= rect.height) return;
    viewMoved.current = true;
    void rf.setCenter(node.position.x + (node.width ?? 0) / 2, node.position.y + (node.height ?? 0) / 2, { zoom: Math.max(zoom, 0.8), duration: 300 });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedId, layout]);

  const activate = useCallback((node: Node) => {
    const n = node as GraphFlowNode;
    if (n.type === 'key') revealKey(n.data.item.key.id);
    else if (n.type === 'group') useGraphState.getState().openGroup(n.data.item.ringId);
    else if (n.type === 'user') useKb.getState().selectUser(n.data.item.group.uid);
  }, []);
  const onNodeClick = useCallback((_: MouseEvent, node: Node) => activate(node), [activate]);
  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLDivElement>) => {
      if (e.key !== 'Enter' && e.key !== ' ') return;
      const el = (e.target as HTMLElement).closest<HTMLElement>('.react-flow__node');
      const node = el?.dataset.id ? rf.getNode(el.dataset.id) : undefined;
      if (!node) return;
      e.preventDefault();
      activate(node);
    },
    [activate, rf],
  );
  const onMove = useCallback((_: unknown, vp: Viewport) => setLowDetail(vp.zoom < LOW_DETAIL_ZOOM), []);

  useEffect(() => {
    if (DEV_TOOLS && layout && !pending) maybeRunGraphBench(rf, fit, flow.nodes.length, flow.edges.length, roundTripMs, layout.ms);
  }, [layout, pending, rf, fit, flow.nodes.length, flow.edges.length, roundTripMs]);

  const keyCount = model?.nodes.length ?? 0;
  return (
    <div ref={canvasRef} className={`graph-canvas${lowDetail ? ' low-detail' : ''}`} onKeyDown={onKeyDown} data-layout-thread={layout ? layoutThread : undefined}>
      <ReactFlow
        nodes={flow.nodes}
        edges={flow.edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodeClick={onNodeClick}
        onMove={onMove}
        onMoveStart={onMoveStart}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        edgesFocusable={false}
        onlyRenderVisibleElements={flow.nodes.length > VIRTUALIZE_FROM}
        minZoom={MIN_ZOOM}
        maxZoom={2}
        zoomOnDoubleClick={false}
        // The graph edits nothing itself: keys belong to the app's actions (Delete is Unlink there).
        deleteKeyCode={null}
        selectionKeyCode={null}
        multiSelectionKeyCode={null}
        aria-label="Keyring graph"
      >
        <Background variant={BackgroundVariant.Dots} gap={24} size={1} />
        <Controls showInteractive={false} position="bottom-left" />
        <MiniMap pannable zoomable nodeColor={minimapColor} nodeStrokeWidth={0} ariaLabel="Graph overview" style={{ width: 150, height: 100 }} />
      </ReactFlow>
      {(pending || !layout) && keyCount > 0 && (
        <div className="graph-status" role="status">
          {layout ? 'Updating layout…' : `Laying out ${keyCount.toLocaleString()} nodes…`}
        </div>
      )}
    </div>
  );
}

export function GraphView() {
  return (
    <div className="graph-panel" data-view="graph">
      <ReactFlowProvider>
        <GraphCanvas />
      </ReactFlowProvider>
    </div>
  );
}
