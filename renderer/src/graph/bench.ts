// In-browser graph measurements for `npm run bench` (only with `?fake=N&view=graph&bench=1`, and
// `&shared=1` for a graph where many keys are linked from several keyrings): unfolds every group (the
// graph's node budget, MAX_GRAPH_NODES, still holds: past it the nodes farthest from the roots are cut, and
// `nodes` says how many were drawn), waits for that layout, then drives a short programmatic zoom and pan
// and records frame times. Then, where the view's layout ran, lays out the whole unfolded graph past the budget
// (2,040 nodes at ?fake=2000) as the app would, and says which layout it chose. With `&elk=1` the result also
// holds that whole graph's layout request, which bench/ui.ts lays out in elkjs (as the app did until session
// 8) for comparison. The result lands in `window.__kbGraphBench` (GraphBenchResult).
import type { ReactFlowInstance } from '@xyflow/react';
import { useKb } from '../store';
import { useGraphState } from './graphState';
import type { LayoutRequest, LayoutResult } from './layout';
import { layoutThread, requestLayout } from './layoutClient';
import { buildTreeModel } from '../tree/model';
import { buildGraphModel } from './model';
import { layoutRequestOf } from './useGraphLayout';

export interface GraphBenchResult {
  /**
   * The view's layout time where it ran (`thread`): the layout worker, or the page's main thread where the page may not
   * start one (a file:// page, as the bench's).
   */
  layoutMs: number;
  /** Which layout the view's own cluster (this process's) got: tree or layered. */
  layoutKind: string;
  /** From the layout request to its answer, including message passing. */
  layoutRoundTripMs: number | null;
  nodes: number;
  edges: number;
  /** Median time between animation frames while zooming and panning. */
  frameMs: number;
  frameMsP95: number;
  frames: number;
  /** Where the layouts ran (layoutClient.ts layoutThread): 'worker' or 'main'. */
  thread: string;
  /** The whole unfolded graph, past the view's node budget. */
  wholeNodes: number;
  wholeEdges: number;
  /** Its layout as the app chooses it (where `thread` says), and which that was for this process's cluster. */
  wholeMs: number;
  wholeKind: string;
  /** With `&elk=1`: the whole graph's layout request, for bench/ui.ts to time elkjs on. */
  wholeRequest?: LayoutRequest;
}

declare global {
  interface Window {
    __kbGraphBench?: GraphBenchResult;
  }
}

let phase: 'idle' | 'unfolding' | 'measuring' | 'done' = 'idle';

function benchRequested(): boolean {
  if (typeof window === 'undefined') return false;
  const p = new URLSearchParams(window.location.search);
  return p.get('bench') === '1' && p.get('view') === 'graph';
}

/** Called by the graph after each settled layout. */
export function maybeRunGraphBench(
  rf: ReactFlowInstance,
  fitAll: () => void,
  nodes: number,
  edges: number,
  roundTripMs: number | null,
  layout: LayoutResult,
): void {
  if (phase === 'done' || phase === 'measuring' || !benchRequested()) return;
  if (phase === 'idle') {
    const keys = useKb.getState().keys;
    const big = new Set<number>();
    for (const k of keys.values()) if ((k.links?.length ?? 0) > 0) big.add(k.id);
    phase = 'unfolding';
    useGraphState.getState().setOpenGroups(big);
    return; // the next settled layout is the unfolded one
  }
  phase = 'measuring';
  void measureFrames(rf, fitAll).then(async ({ median, p95, frames }) => {
    const whole = await layoutWhole();
    phase = 'done';
    window.__kbGraphBench = {
      ...whole,
      layoutMs: Math.round(layout.ms * 10) / 10,
      layoutKind: layout.kinds?.process ?? 'none',
      layoutRoundTripMs: roundTripMs == null ? null : Math.round(roundTripMs),
      nodes,
      edges,
      frameMs: Math.round(median * 10) / 10,
      frameMsP95: Math.round(p95 * 10) / 10,
      frames,
      thread: layoutThread,
    };
  });
}

/** Every fake keyring unfolded, no node budget: laid out as the app would. */
async function layoutWhole(): Promise<Pick<GraphBenchResult, 'wholeNodes' | 'wholeEdges' | 'wholeMs' | 'wholeKind' | 'wholeRequest'>> {
  const { keys, meta } = useKb.getState();
  const open = new Set<number>();
  for (const k of keys.values()) if ((k.links?.length ?? 0) > 0) open.add(k.id);
  const model = buildGraphModel(buildTreeModel(keys, meta!.anchors), { openGroups: open });
  const req = layoutRequestOf(model, -2);
  const chosen = await requestLayout(req);
  return {
    wholeNodes: req.nodes.length,
    wholeEdges: req.edges.length,
    wholeMs: Math.round(chosen.ms * 10) / 10,
    wholeKind: chosen.kinds?.process ?? 'none',
    ...(new URLSearchParams(window.location.search).get('elk') === '1' ? { wholeRequest: req } : {}),
  };
}

/**
 * Zooms from the overview into the middle of the graph (to a readable 0.8) while panning slowly,
 * one viewport change per frame, as a person exploring it would.
 */
async function measureFrames(rf: ReactFlowInstance, fitAll: () => void): Promise<{ median: number; p95: number; frames: number }> {
  fitAll();
  await nextFrame();
  await nextFrame();
  const pane = document.querySelector('[data-view="graph"] .react-flow')?.getBoundingClientRect();
  const w = pane?.width ?? 800;
  const h = pane?.height ?? 600;
  const start = rf.getViewport();
  // The flow point at the centre of the pane stays at the centre while the zoom changes.
  const cx = (w / 2 - start.x) / start.zoom;
  const cy = (h / 2 - start.y) / start.zoom;
  const target = Math.max(start.zoom, 0.8);
  const steps = 90;
  const deltas: number[] = [];
  let last = await nextFrame();
  // bench/ui.ts sums the main thread's CPU between these marks (frame time on a shared machine is mostly waiting).
  performance.mark('kb:graph-pan:start');
  for (let i = 1; i <= steps; i++) {
    const zoom = start.zoom * Math.pow(target / start.zoom, i / steps);
    const panX = i * 3; // a slow drift to the right, in screen pixels
    await rf.setViewport({ x: w / 2 - cx * zoom - panX, y: h / 2 - cy * zoom, zoom });
    const now = await nextFrame();
    deltas.push(now - last);
    last = now;
  }
  performance.mark('kb:graph-pan:end');
  deltas.sort((a, b) => a - b);
  return { median: deltas[Math.floor(deltas.length / 2)]!, p95: deltas[Math.floor(deltas.length * 0.95)]!, frames: deltas.length };
}

const nextFrame = () => new Promise<number>((r) => requestAnimationFrame(r));
