// Layout: elkjs's layered algorithm, left to right, one run per cluster, then the clusters arranged
// (this process's graph on top, kernel-held and unreachable keyrings side by side below it, each in
// a labelled box). Pure apart from the ELK instance it is given, so it runs the same in the worker
// and, where a page may not start workers (file://), on the main thread.
import type { ClusterId } from './model';

export interface LayoutNode {
  id: string;
  cluster: ClusterId;
  width: number;
  height: number;
}
export interface LayoutEdge {
  source: string;
  target: string;
}
export interface LayoutRequest {
  id: number;
  nodes: LayoutNode[];
  /** Only edges inside one cluster: cross-cluster edges are drawn, not laid out. */
  edges: LayoutEdge[];
  /** Width / height of the view it will be shown in: the side clusters go where the whole fits it best. */
  aspect?: number;
}
export interface ClusterBox {
  cluster: ClusterId;
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface LayoutResult {
  id: number;
  /** node id → top-left corner. */
  positions: Record<string, [number, number]>;
  /** Boxes drawn behind the side clusters. */
  boxes: ClusterBox[];
  /** Time spent in ELK and arranging, in the thread that ran it. */
  ms: number;
  error?: string;
  /** Not computed: a newer request replaced it while it waited, or the user cancelled it. */
  dropped?: 'superseded' | 'cancelled';
}

/** The part of elkjs's API we use (elk.bundled's ELK class satisfies it). */
export interface ElkLike {
  layout(graph: ElkGraph): Promise<ElkGraph>;
}
interface ElkGraph {
  id: string;
  layoutOptions?: Record<string, string>;
  children?: { id: string; width: number; height: number; x?: number; y?: number }[];
  edges?: { id: string; sources: string[]; targets: string[] }[];
  width?: number;
  height?: number;
}

export const ELK_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.layered.spacing.nodeNodeBetweenLayers': '52',
  'elk.spacing.nodeNode': '8',
  'elk.spacing.componentComponent': '28',
  // No crossing-minimisation sweeps: each layer keeps the model's order (anchors in search order,
  // members in kernel order), given to ELK as each node's y. The picture reads like the tree, a new
  // key lands at the end of its keyring instead of reshuffling its siblings, and at 2,000 nodes
  // this is about a second instead of tens (considerModelOrder) — and with strategy NONE, network-
  // simplex layering reversed big layers (measured on a 60-member keyring).
  'elk.layered.crossingMinimization.strategy': 'INTERACTIVE',
  'elk.layered.thoroughness': '1',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.nodePlacement.bk.fixedAlignment': 'BALANCED',
  // We draw our own edges between node sides; the cheapest routing is enough (orthogonal routing
  // costs seconds at 2,000 edges).
  'elk.edgeRouting': 'POLYLINE',
  'elk.separateConnectedComponents': 'true',
};

/** Inner padding of a side cluster's box and the height of its title band. */
export const BOX_PADDING = 16;
export const BOX_TITLE = 26;
const CLUSTER_GAP = 56;

export async function computeLayout(elk: ElkLike, req: LayoutRequest, now: () => number = () => Date.now()): Promise<LayoutResult> {
  const t0 = now();
  const clusterOf = new Map(req.nodes.map((n) => [n.id, n.cluster]));
  const order: ClusterId[] = ['process', 'users', 'kernel', 'orphan'];
  const laid = new Map<ClusterId, { positions: Record<string, [number, number]>; width: number; height: number }>();
  for (const cluster of order) {
    const nodes = req.nodes.filter((n) => n.cluster === cluster);
    if (!nodes.length) continue;
    const edges = req.edges
      .filter((e) => clusterOf.get(e.source) === cluster && clusterOf.get(e.target) === cluster)
      .map((e, i) => ({ id: `e${i}`, sources: [e.source], targets: [e.target] }));
    const out = await elk.layout({
      id: cluster,
      layoutOptions: ELK_OPTIONS,
      // y = model order: what interactive crossing minimisation sorts each layer by.
      children: nodes.map((n, i) => ({ id: n.id, width: n.width, height: n.height, x: 0, y: i * 10 })),
      edges,
    });
    const positions: Record<string, [number, number]> = {};
    let width = 0;
    let height = 0;
    for (const c of out.children ?? []) {
      const x = Math.round(c.x ?? 0);
      const y = Math.round(c.y ?? 0);
      positions[c.id] = [x, y];
      width = Math.max(width, x + c.width);
      height = Math.max(height, y + c.height);
    }
    laid.set(cluster, { positions, width, height });
  }
  const { positions, boxes } = arrangeClusters(laid, req.aspect);
  return { id: req.id, positions, boxes, ms: now() - t0 };
}

/** Gap between columns in the quick arrangement, as ELK's between layers. */
const QUICK_LAYER_GAP = 52;
const QUICK_NODE_GAP = 8;

/**
 * A tree-like arrangement computed at once on the calling thread, linear in nodes and edges, shown
 * while ELK works (its first run in a fresh worker alone can take a second on a busy machine): each
 * node one column right of the first placed node that links it, in model order, never above that
 * node and never overlapping the one placed before it in its column. No crossing reduction, no
 * edge routing: a placeholder that already reads like the tree.
 */
export function quickLayout(req: LayoutRequest): LayoutResult {
  const clusterOf = new Map(req.nodes.map((n) => [n.id, n.cluster]));
  const firstParent = new Map<string, string>();
  for (const e of req.edges) {
    if (clusterOf.get(e.source) === clusterOf.get(e.target) && !firstParent.has(e.target)) firstParent.set(e.target, e.source);
  }
  const laid = new Map<ClusterId, { positions: Record<string, [number, number]>; width: number; height: number }>();
  for (const cluster of ['process', 'users', 'kernel', 'orphan'] as const) {
    const nodes = req.nodes.filter((n) => n.cluster === cluster);
    if (!nodes.length) continue;
    const depth = new Map<string, number>();
    const columnBottom: number[] = [];
    const columnWidth: number[] = [];
    const placed: { id: string; column: number; y: number }[] = [];
    const yOf = new Map<string, number>();
    for (const n of nodes) {
      const parent = firstParent.get(n.id);
      const column = parent != null && depth.has(parent) ? depth.get(parent)! + 1 : 0;
      depth.set(n.id, column);
      const y = Math.max(columnBottom[column] ?? 0, parent != null ? (yOf.get(parent) ?? 0) : 0);
      yOf.set(n.id, y);
      columnBottom[column] = y + n.height + QUICK_NODE_GAP;
      columnWidth[column] = Math.max(columnWidth[column] ?? 0, n.width);
      placed.push({ id: n.id, column, y });
    }
    const columnX: number[] = [];
    let x = 0;
    for (let c = 0; c < columnWidth.length; c++) {
      columnX[c] = x;
      x += (columnWidth[c] ?? 0) + QUICK_LAYER_GAP;
    }
    const positions: Record<string, [number, number]> = {};
    for (const p of placed) positions[p.id] = [columnX[p.column]!, p.y];
    laid.set(cluster, { positions, width: x - QUICK_LAYER_GAP, height: Math.max(0, ...columnBottom) - QUICK_NODE_GAP });
  }
  const { positions, boxes } = arrangeClusters(laid, req.aspect);
  return { id: req.id, positions, boxes, ms: 0 };
}

/** The shape the arranged picture aims for when the view's is unknown: a landscape window. */
export const TARGET_ASPECT = 1.5;

type Laid = ReadonlyMap<ClusterId, { positions: Record<string, [number, number]>; width: number; height: number }>;

/**
 * This process's graph at the origin; the side clusters, each in a box with a title band, in a row
 * below it or in a column to its right, whichever makes the whole closer to the view's aspect (so
 * "fit" shows it larger). Below, they start at the left edge, under the anchors, where the
 * kernel's links into this process's keyrings (`.user_reg` → `_uid.N`) land.
 */
export function arrangeClusters(laid: Laid, aspect = TARGET_ASPECT): { positions: Record<string, [number, number]>; boxes: ClusterBox[] } {
  const below = place(laid, 'below');
  const right = place(laid, 'right');
  const score = (a: ReturnType<typeof place>) => Math.abs(Math.log(a.width / Math.max(1, a.height) / aspect));
  const best = score(right) < score(below) ? right : below;
  return { positions: best.positions, boxes: best.boxes };
}

function place(laid: Laid, where: 'below' | 'right') {
  const positions: Record<string, [number, number]> = {};
  const boxes: ClusterBox[] = [];
  const main = laid.get('process');
  if (main) Object.assign(positions, main.positions);
  let width = main?.width ?? 0;
  let height = main?.height ?? 0;
  let x = where === 'below' ? 0 : main ? main.width + CLUSTER_GAP : 0;
  let y = where === 'below' ? (main ? main.height + CLUSTER_GAP : 0) : 0;
  for (const cluster of ['users', 'kernel', 'orphan'] as const) {
    const c = laid.get(cluster);
    if (!c) continue;
    const dx = x + BOX_PADDING;
    const dy = y + BOX_TITLE + BOX_PADDING;
    for (const [id, [px, py]] of Object.entries(c.positions)) positions[id] = [px + dx, py + dy];
    const box = { cluster, x, y, width: c.width + 2 * BOX_PADDING, height: c.height + BOX_TITLE + 2 * BOX_PADDING };
    boxes.push(box);
    width = Math.max(width, box.x + box.width);
    height = Math.max(height, box.y + box.height);
    if (where === 'below') x += box.width + CLUSTER_GAP;
    else y += box.height + CLUSTER_GAP;
  }
  return { positions, boxes, width, height };
}
