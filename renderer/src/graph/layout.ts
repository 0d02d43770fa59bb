// Layout, left to right, one run per cluster, then the clusters arranged (this process's graph on top,
// kernel-held and unreachable keyrings side by side below it, each in a labelled box). A cluster that
// is a tree but for a few shared keys (keyrings mostly are) gets the tree layout (treeLayout.ts); one
// where shared links are many gets the layered layout (layeredLayout.ts), which places a shared key
// between its keyrings. Both are linear or nearly so: 2,000 nodes in milliseconds. Pure, so it runs the
// same in the worker and, where a page may not start workers (file://), on the main thread.
import type { ClusterId } from './model';
import { layeredLayout } from './layeredLayout';
import { treeLayout } from './treeLayout';

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
  /** Time spent laying out and arranging, in the thread that ran it. */
  ms: number;
  /** Corners of the links the layered layout routes across columns, by `source>target` node ids (drawn through them). */
  routes?: Record<string, [number, number][]>;
  /** Which layout each cluster got (the bench prints it). */
  kinds?: Partial<Record<ClusterId, LayoutKind>>;
  error?: string;
  /** Not computed: a newer request replaced it while it waited, or the user cancelled it. */
  dropped?: 'superseded' | 'cancelled';
}

export type LayoutKind = 'tree' | 'layered';

/** Inner padding of a side cluster's box and the height of its title band. */
export const BOX_PADDING = 16;
export const BOX_TITLE = 26;
const CLUSTER_GAP = 56;

/**
 * Links beyond one per node (a key in several keyrings) above which a cluster is laid out in layers: past
 * about one shared link in ten nodes, a tree with extra edges drawn across it reads worse than layers,
 * which put each shared key right of all its keyrings and between them.
 */
export function prefersTree(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): boolean {
  const targets = new Set<string>();
  let extra = 0;
  for (const e of edges) {
    if (targets.has(e.target)) extra++;
    else targets.add(e.target);
  }
  return extra <= Math.max(2, nodes.length / 10);
}

export function computeLayout(req: LayoutRequest, now: () => number = () => Date.now()): LayoutResult {
  const t0 = now();
  const laid = new Map<ClusterId, Laid>();
  const kinds: Partial<Record<ClusterId, LayoutKind>> = {};
  for (const [cluster, { nodes, edges }] of byCluster(req)) {
    const kind = prefersTree(nodes, edges) ? 'tree' : 'layered';
    kinds[cluster] = kind;
    laid.set(cluster, kind === 'tree' ? treeLayout(nodes, edges) : layeredLayout(nodes, edges));
  }
  const { positions, boxes, routes } = arrangeClusters(laid, req.aspect);
  return { id: req.id, positions, boxes, routes, ms: now() - t0, kinds };
}

/** Each cluster's nodes and the edges inside it, in model order, clusters in drawing order. */
function byCluster(req: LayoutRequest): Map<ClusterId, { nodes: LayoutNode[]; edges: LayoutEdge[] }> {
  const clusterOf = new Map(req.nodes.map((n) => [n.id, n.cluster]));
  const out = new Map<ClusterId, { nodes: LayoutNode[]; edges: LayoutEdge[] }>();
  for (const cluster of ['process', 'users', 'kernel', 'orphan'] as const) {
    const nodes = req.nodes.filter((n) => n.cluster === cluster);
    if (nodes.length) out.set(cluster, { nodes, edges: [] });
  }
  for (const e of req.edges) {
    const c = clusterOf.get(e.source);
    if (c !== undefined && c === clusterOf.get(e.target)) out.get(c)!.edges.push(e);
  }
  return out;
}

/**
 * The arrangement drawn at once on the calling thread while the worker answers (a fresh worker takes a
 * moment to start on a busy machine): the tree layout for every cluster, which is the final picture
 * wherever the worker chooses it too.
 */
export function quickLayout(req: LayoutRequest): LayoutResult {
  const laid = new Map<ClusterId, Laid>();
  for (const [cluster, { nodes, edges }] of byCluster(req)) laid.set(cluster, treeLayout(nodes, edges));
  const { positions, boxes } = arrangeClusters(laid, req.aspect);
  return { id: req.id, positions, boxes, ms: 0 };
}

/** The shape the arranged picture aims for when the view's is unknown: a landscape window. */
export const TARGET_ASPECT = 1.5;

/** One cluster laid out: top-left corners from its own origin, and its size. */
export interface Laid {
  positions: Record<string, [number, number]>;
  routes?: Record<string, [number, number][]>;
  width: number;
  height: number;
}

/**
 * This process's graph at the origin; the side clusters, each in a box with a title band, in a row
 * below it or in a column to its right, whichever makes the whole closer to the view's aspect (so
 * "fit" shows it larger). Below, they start at the left edge, under the anchors, where the
 * kernel's links into this process's keyrings (`.user_reg` → `_uid.N`) land.
 */
export function arrangeClusters(
  laid: ReadonlyMap<ClusterId, Laid>,
  aspect = TARGET_ASPECT,
): { positions: Record<string, [number, number]>; boxes: ClusterBox[]; routes: Record<string, [number, number][]> } {
  const below = place(laid, 'below');
  const right = place(laid, 'right');
  const score = (a: ReturnType<typeof place>) => Math.abs(Math.log(a.width / Math.max(1, a.height) / aspect));
  const best = score(right) < score(below) ? right : below;
  return { positions: best.positions, boxes: best.boxes, routes: best.routes };
}

function place(laid: ReadonlyMap<ClusterId, Laid>, where: 'below' | 'right') {
  const positions: Record<string, [number, number]> = {};
  const routes: Record<string, [number, number][]> = {};
  const boxes: ClusterBox[] = [];
  const main = laid.get('process');
  if (main) Object.assign(positions, main.positions);
  if (main?.routes) Object.assign(routes, main.routes);
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
    for (const [id, points] of Object.entries(c.routes ?? {})) routes[id] = points.map(([px, py]) => [px + dx, py + dy]);
    const box = { cluster, x, y, width: c.width + 2 * BOX_PADDING, height: c.height + BOX_TITLE + 2 * BOX_PADDING };
    boxes.push(box);
    width = Math.max(width, box.x + box.width);
    height = Math.max(height, box.y + box.height);
    if (where === 'below') x += box.width + CLUSTER_GAP;
    else y += box.height + CLUSTER_GAP;
  }
  return { positions, boxes, routes, width, height };
}
