// The graph view: keyrings and keys as nodes, links as edges, laid out in a worker (layout.ts) and
// drawn by xyflow. Selection, search and live highlights come from the same store as the tree's.
// A click selects (and reveals the key in the tree for when the user switches back); a click on a
// folded group unfolds it. Enter or Space on a focused node does the same as a click.
import '@xyflow/react/dist/base.css';
import {
  Background,
  BackgroundVariant,
  ControlButton,
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
import { useShownModel } from '../tree/useTreeRows';
import { edgeTypes } from './edges';
import { currentGraphScope, useGraphScope, useGraphState } from './graphState';
import { keyNodeId, type GraphModel } from './model';
import { graphViewModel } from './viewModel';
import { GraphToolbar, GraphStatus } from './GraphToolbar';
import { nodeTypes, type GraphFlowNode } from './nodes';
import { emptyFlowCache, toFlow } from './toFlow';
import { useGraphLayout } from './useGraphLayout';
import { layoutThread } from './layoutClient';
import { DEV_TOOLS } from '../dev/buildMode';
import { maybeRunGraphBench } from './bench';
import { fitNodes, MIN_ZOOM, type FitOptions } from './fit';
import { glides, GLIDE_MS } from './glide';

/** Below this zoom, nodes drop their second line (ids, badges): unreadable there anyway, and cheaper. */
const LOW_DETAIL_ZOOM = 0.45;
/** How long after the last viewport change the graph counts as still (see markMoving). */
const MOVE_SETTLE_MS = 200;
/** Past this many nodes, only what is on screen is rendered. */
const VIRTUALIZE_FROM = 400;

export function useGraphModel(): GraphModel | null {
  const tree = useShownModel();
  const openGroups = useGraphState((s) => s.openGroups);
  const scope = useGraphScope();
  // Only what the model depends on: the selection matters only for the neighbourhood, the search
  // only with "Only matches" (otherwise it dims, which the nodes do themselves).
  const selectedId = useKb((s) => (scope === 'neighbourhood' ? s.selectedId : null));
  const filterMatches = useKb((s) => s.filterMatches);
  const search = useKb((s) => (s.filterMatches ? s.search : null));
  return useMemo(
    () => (tree ? graphViewModel(tree, { openGroups, scope, selectedId, search, filterMatches }) : null),
    [tree, openGroups, scope, selectedId, search, filterMatches],
  );
}

/** xyflow's own fit icon (four corners). */
const FIT_ICON =
  'M3.692 4.63c0-.53.4-.938.939-.938h5.215V0H4.708C2.13 0 0 2.054 0 4.63v5.216h3.692V4.631zM27.354 0h-5.2v3.692h5.17c.53 0 .984.4.984.939v5.215H32V4.631A4.624 4.624 0 0027.354 0zm.954 24.83c0 .532-.4.94-.939.94h-5.215v3.768h5.215c2.577 0 4.631-2.13 4.631-4.707v-5.139h-3.692v5.139zm-23.677.94c-.531 0-.939-.4-.939-.94v-5.138H0v5.139c0 2.577 2.13 4.707 4.708 4.707h5.138V25.77H4.631z';

/** How many nodes the first picture of a big graph carries (see GraphCanvas). */
const FIRST_PICTURE_NODES = 120;

function firstPictureOf(flow: { nodes: GraphFlowNode[]; edges: Edge[] }): { nodes: GraphFlowNode[]; edges: Edge[] } {
  if (flow.nodes.length <= FIRST_PICTURE_NODES) return flow;
  const nodes = flow.nodes.filter((n) => n.type !== 'cluster').slice(0, FIRST_PICTURE_NODES);
  const ids = new Set(nodes.map((n) => n.id));
  return { nodes, edges: flow.edges.filter((e) => ids.has(e.source) && ids.has(e.target)) };
}

/**
 * The minimap's size for a pane: 150 × 100 px, smaller on a small pane so it never covers more than
 * about 6 % of it (a fifth of each side at most), and none below 96 px wide, where it would be an
 * unreadable stamp hiding nodes.
 */
export function minimapSize(paneWidth: number, paneHeight: number): { width: number; height: number } | null {
  const width = Math.floor(Math.min(150, paneWidth / 4, (paneHeight / 4) * 1.5));
  if (width < 96) return null;
  return { width, height: Math.round(width / 1.5) };
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
  const { layout, source, pending, error, roundTripMs } = useGraphLayout(model, aspect);
  // The quick arrangement's switch to the layers glides (glide.ts): decided while rendering, so the attribute
  // that starts the transition lands in the same commit as the new positions.
  const [drawn, setDrawn] = useState({ layout, source });
  const [gliding, setGliding] = useState(false);
  if (drawn.layout !== layout || drawn.source !== source) {
    setDrawn({ layout, source });
    if (model && glides(drawn, { layout, source }, model.nodes.map((n) => n.id))) setGliding(true);
  }
  useEffect(() => {
    if (!gliding) return;
    // A little past the transition's end: taking the rule away mid-way would snap the nodes to their places.
    const t = setTimeout(() => setGliding(false), GLIDE_MS + 100);
    return () => clearTimeout(t);
  }, [gliding]);
  const cacheRef = useRef(emptyFlowCache());
  const flow = useMemo(() => {
    if (!model) return { nodes: [] as GraphFlowNode[], edges: [] as Edge[] };
    const out = toFlow(model, layout, uid, cacheRef.current);
    cacheRef.current = out.cache;
    return out;
  }, [model, layout, uid]);
  // The first picture of a big graph: xyflow's own bookkeeping for a thousand nodes takes about a
  // second on a busy machine before anything is drawn, so the graph opens with the nodes nearest the
  // roots (the view starts at the top left, where they are) and gets the rest a frame later.
  const [firstPicture, setFirstPicture] = useState(true);
  useEffect(() => {
    if (!firstPicture || !layout) return;
    let frame = requestAnimationFrame(() => {
      frame = requestAnimationFrame(() => setFirstPicture(false));
    });
    return () => cancelAnimationFrame(frame);
  }, [firstPicture, layout]);
  const shown = useMemo(() => (firstPicture ? firstPictureOf(flow) : flow), [firstPicture, flow]);
  const rf = useReactFlow();
  const flowStore = useStoreApi();
  const fit = useCallback((opts?: FitOptions) => fitNodes(rf, flowStore.getState(), opts), [rf, flowStore]);
  const [lowDetail, setLowDetail] = useState(false);

  // Fit the whole graph when it is laid out, until the user (or a search, or a selection) moves
  // the view: from then on a new layout leaves the viewport where the user put it.
  const viewMoved = useRef(false);
  const layoutRef = useRef(layout);
  layoutRef.current = layout;
  // A node to keep where it is on screen across the next layouts (the keyring whose group opened,
  // the key clicked in the neighbourhood): screen position of its top-left corner.
  const anchor = useRef<{ nodeId: string; x: number; y: number } | null>(null);
  const holdInPlace = useCallback(
    (nodeId: string) => {
      const node = rf.getNode(nodeId);
      if (!node || node.hidden) return;
      const { x, y, zoom } = rf.getViewport();
      anchor.current = { nodeId, x: node.position.x * zoom + x, y: node.position.y * zoom + y };
      viewMoved.current = true;
    },
    [rf],
  );
  // The fit button: the user chose this view, so a new layout leaves it be.
  const fitWhole = useCallback(() => {
    viewMoved.current = true;
    anchor.current = null;
    fit({ whole: true, duration: 300 });
  }, [fit]);
  const partial = shown !== flow;
  useEffect(() => {
    if (!layout || partial) return; // the whole picture follows within two frames
    const held = anchor.current;
    const pos = held ? layout.positions[held.nodeId] : undefined;
    if (held && pos) {
      const { zoom } = rf.getViewport();
      void rf.setViewport({ x: held.x - pos[0] * zoom, y: held.y - pos[1] * zoom, zoom });
      if (source === 'exact') anchor.current = null;
      return;
    }
    if (viewMoved.current) return;
    // Asked again when the frame comes: a click on a group in between (a layout landing as the user clicks)
    // has moved the view, and the fit must not take it away.
    requestAnimationFrame(() => {
      if (!viewMoved.current) fit(gliding ? { duration: GLIDE_MS } : undefined);
    });
    // Only a new layout fits again; `gliding` says how.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [layout, source, fit, rf, partial]);
  // A new scope is a new picture: fit it.
  const scope = useGraphScope();
  const firstScope = useRef(true);
  useEffect(() => {
    if (firstScope.current) {
      firstScope.current = false;
      return;
    }
    if (!anchor.current) viewMoved.current = false;
  }, [scope]);
  // The pane grows or shrinks (the change log folds, the window resizes): fit again, same rule.
  // Keyed on xyflow's own idea of the pane size, so the fit uses the new size.
  const paneSize = useStore((st) => `${st.width}x${st.height}`);
  useEffect(() => {
    const frame = requestAnimationFrame(() => {
      if (!viewMoved.current && layoutRef.current) fit();
    });
    return () => cancelAnimationFrame(frame);
  }, [paneSize, fit]);
  // The minimap draws every node (it ignores onlyRenderVisibleElements): it comes a moment after the
  // first picture, so opening a big graph draws nodes first. Sized to the pane (minimapSize).
  const [minimapReady, setMinimapReady] = useState(false);
  const hasLayout = layout != null;
  useEffect(() => {
    if (!hasLayout || minimapReady) return;
    const t = setTimeout(() => setMinimapReady(true), 300);
    return () => clearTimeout(t);
  }, [hasLayout, minimapReady]);
  const paneWidth = useStore((st) => st.width);
  const paneHeight = useStore((st) => st.height);
  const minimap = minimapReady ? minimapSize(paneWidth, paneHeight) : null;

  const onMoveStart = useCallback((event: unknown) => {
    if (!event) return; // programmatic moves (fitView) come without an event
    viewMoved.current = true;
    anchor.current = null;
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

  const activate = useCallback(
    (node: Node) => {
      const n = node as GraphFlowNode;
      if (n.type === 'key') {
        // In the neighbourhood the graph follows the selection: keep the clicked key where it is.
        if (currentGraphScope() === 'neighbourhood') holdInPlace(n.id);
        revealKey(n.data.item.key.id);
      } else if (n.type === 'group') {
        holdInPlace(keyNodeId(n.data.item.ringId));
        useGraphState.getState().openGroup(n.data.item.ringId);
      } else if (n.type === 'user') useKb.getState().selectUser(n.data.item.group.uid);
    },
    [holdInPlace],
  );
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
  // While the view moves, the graph is one composited layer the compositor moves and scales as it is
  // (data-moving: `will-change: transform` in styles.css), not painted again at each new zoom: without a GPU
  // (software raster, as in chromium here) a zoom through 1,000 nodes spent ~60 ms of raster per frame. A
  // moment after the last move the layer is let go, and the browser draws it sharp at the zoom it stopped at.
  const settle = useRef<ReturnType<typeof setTimeout> | null>(null);
  const markMoving = useCallback(() => {
    const el = canvasRef.current;
    if (!el) return;
    el.dataset.moving = '';
    if (settle.current !== null) clearTimeout(settle.current);
    settle.current = setTimeout(() => {
      settle.current = null;
      delete el.dataset.moving;
    }, MOVE_SETTLE_MS);
  }, []);
  useEffect(() => () => {
    if (settle.current !== null) clearTimeout(settle.current);
  }, []);
  const onMove = useCallback(
    (_: unknown, vp: Viewport) => {
      markMoving();
      setLowDetail(vp.zoom < LOW_DETAIL_ZOOM);
    },
    [markMoving],
  );

  useEffect(() => {
    if (DEV_TOOLS && layout && !pending) maybeRunGraphBench(rf, fit, flow.nodes.length, flow.edges.length, roundTripMs, layout);
  }, [layout, pending, rf, fit, flow.nodes.length, flow.edges.length, roundTripMs]);

  return (
    <div
      ref={canvasRef}
      className={`graph-canvas${lowDetail ? ' low-detail' : ''}`}
      onKeyDown={onKeyDown}
      data-layout-thread={layout ? layoutThread : undefined}
      data-gliding={gliding ? '' : undefined}
    >
      <ReactFlow
        nodes={shown.nodes}
        edges={shown.edges}
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
        {/* Not xyflow's fit button: it waits for every node to be measured in the DOM, which past
            VIRTUALIZE_FROM never happens (it did nothing on a big graph). */}
        <Controls showInteractive={false} showFitView={false} position="bottom-left">
          <ControlButton className="react-flow__controls-fitview" onClick={fitWhole} title="Fit the whole graph" aria-label="Fit the whole graph">
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 30" aria-hidden="true">
              <path d={FIT_ICON} />
            </svg>
          </ControlButton>
        </Controls>
        {minimap && (
          <MiniMap pannable zoomable nodeColor={minimapColor} nodeStrokeWidth={0} ariaLabel="Graph overview" style={{ width: minimap.width, height: minimap.height }} />
        )}
      </ReactFlow>
      {model && <GraphToolbar model={model} />}
      {model && <GraphStatus model={model} pending={pending} source={source} error={error} />}
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
