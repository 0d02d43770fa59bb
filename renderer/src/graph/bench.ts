// In-browser graph measurements for `npm run bench` (only with `?fake=N&view=graph&bench=1`):
// unfolds every group (the graph's node budget, MAX_GRAPH_NODES, still holds: past it the nodes
// farthest from the roots are cut, and `nodes` says how many were drawn), waits for that layout, then drives a short
// programmatic zoom and pan and records frame times. Then, in the same worker, lays out the whole unfolded
// graph past the budget (2,040 nodes at ?fake=2000): as the app would (the tree layout for a tree with a
// few shared keys), and with ELK for every cluster, as a graph with many shared keys is. The result lands in
// `window.__kbGraphBench = { layoutMs, layoutRoundTripMs, nodes, edges, frameMs, frameMsP95, frames, thread,
// wholeNodes, wholeEdges, wholeMs, wholeElkMs }`.
import type { ReactFlowInstance } from '@xyflow/react';
import { useKb } from '../store';
import { useGraphState } from './graphState';
import { layoutThread, requestLayout } from './layoutClient';
import { buildTreeModel } from '../tree/model';
import { buildGraphModel } from './model';
import { layoutRequestOf } from './useGraphLayout';

export interface GraphBenchResult {
  /** ELK time in the worker (or page) for the whole graph. */
  layoutMs: number;
  /** From the layout request to its answer, including message passing. */
  layoutRoundTripMs: number | null;
  nodes: number;
  edges: number;
  /** Median time between animation frames while zooming and panning. */
  frameMs: number;
  frameMsP95: number;
  frames: number;
  thread: string;
  /** The whole unfolded graph, past the view's node budget. */
  wholeNodes: number;
  wholeEdges: number;
  /** Its layout in the worker as the app chooses it, and with ELK for every cluster. */
  wholeMs: number;
  wholeElkMs: number;
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
  layoutMs: number,
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
      layoutMs: Math.round(layoutMs),
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

/** Every fake keyring unfolded, no node budget: laid out as the app would, then by ELK alone. */
async function layoutWhole(): Promise<Pick<GraphBenchResult, 'wholeNodes' | 'wholeEdges' | 'wholeMs' | 'wholeElkMs'>> {
  const { keys, meta } = useKb.getState();
  const open = new Set<number>();
  for (const k of keys.values()) if ((k.links?.length ?? 0) > 0) open.add(k.id);
  const model = buildGraphModel(buildTreeModel(keys, meta!.anchors), { openGroups: open });
  const req = layoutRequestOf(model, -2);
  const chosen = await requestLayout(req);
  const elk = await requestLayout({ ...req, id: -3, elkOnly: true });
  return { wholeNodes: req.nodes.length, wholeEdges: req.edges.length, wholeMs: Math.round(chosen.ms), wholeElkMs: Math.round(elk.ms) };
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
