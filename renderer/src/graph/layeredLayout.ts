// The layered layout, for a cluster where many keys are shared (linked from several keyrings): a tree with
// extra edges drawn across reads badly there, so each node goes in a column (a layer) right of every
// keyring that links it, and a shared key sits between its keyrings. The classic Sugiyama steps, each in
// its cheapest form that still looks right, so 2,000 nodes take milliseconds (elkjs's layered algorithm
// took seconds to tens of seconds for the same graph):
//
// 1. Layers by longest path from the roots: a node one column right of its rightmost keyring.
// 2. Order within each layer: first the model's order (a depth-first walk from the roots, members in the
//    tree's order, so the picture reads like the tree view), then a few barycentre sweeps, each layer
//    sorted by the mean place of its neighbours in the layer before (stable: siblings of one keyring keep
//    their order), keeping the order with the fewest crossings. A link spanning several layers passes
//    through a placeholder in each, so it takes part in the ordering.
// 3. Rows: each layer's nodes as close as their order allows to where their neighbours want them (a
//    least-squares fit under the order and the gaps: pool-adjacent-violators, linear), alternately
//    members stacked down from their keyring's row (a shared key between its keyrings) and each keyring
//    on its first member's row, as in the tree view: the roots at the top, each keyring above its members.
// 4. A link that crosses columns keeps a free lane through each (its placeholder's row) and is drawn along
//    it (`routes`): never through the boxes of the columns between its ends.
//
// Pure and deterministic: the worker and the main thread compute the same picture.
import type { Laid, LayoutEdge, LayoutNode } from './layout';
import { TREE_BLOCK_GAP, TREE_COLUMN_GAP, TREE_ROW_GAP } from './treeLayout';

/** Barycentre sweeps tried at most (down and up alternate); ordering stops earlier once a sweep gains nothing. */
const MAX_SWEEPS = 8;
/** Rounds of row placement (each a sweep right, then left). */
const PLACEMENT_ROUNDS = 3;

/** A layered cluster: positions, and the corners of each link that crosses a column (`source>target` ids). */
export interface LayeredLaid extends Laid {
  routes: Record<string, [number, number][]>;
}

/** `nodes` in model order; `edges` among them (keyring → member), in model order. */
export function layeredLayout(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): LayeredLaid {
  const n = nodes.length;
  if (!n) return { positions: {}, width: 0, height: 0, routes: {} };
  const { succ, pred } = acyclicAdjacency(nodes, edges);
  const layer = longestPathLayers(n, succ, pred);
  let layerCount = 0;
  for (const l of layer) layerCount = Math.max(layerCount, l + 1);
  const graph = withPlaceholders(n, succ, layer);
  const order = orderLayers(graph, layerCount);
  return placeRows(nodes, graph, layerCount, order);
}

/** Edges as index lists, duplicates and self-links dropped, and links that close a cycle (which the kernel refuses) left out. */
function acyclicAdjacency(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): { succ: number[][]; pred: number[][] } {
  const n = nodes.length;
  const index = new Map(nodes.map((x, i) => [x.id, i]));
  const out: number[][] = nodes.map(() => []);
  const seen = new Set<number>();
  const hasParent = new Uint8Array(n);
  for (const e of edges) {
    const s = index.get(e.source);
    const t = index.get(e.target);
    if (s === undefined || t === undefined || s === t || seen.has(s * n + t)) continue;
    seen.add(s * n + t);
    out[s]!.push(t);
    hasParent[t] = 1;
  }
  // Depth-first from the roots in model order; an edge back to a node on the current path is dropped.
  const state = new Uint8Array(n); // 0 new, 1 on the path, 2 done
  const succ: number[][] = nodes.map(() => []);
  const pred: number[][] = nodes.map(() => []);
  const walk = (root: number) => {
    const stack: [number, number][] = [[root, 0]];
    state[root] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [v, i] = top;
      if (i === out[v]!.length) {
        state[v] = 2;
        stack.pop();
        continue;
      }
      top[1]++;
      const c = out[v]![i]!;
      if (state[c] === 1) continue;
      succ[v]!.push(c);
      pred[c]!.push(v);
      if (state[c] === 0) {
        state[c] = 1;
        stack.push([c, 0]);
      }
    }
  };
  for (let i = 0; i < n; i++) if (!hasParent[i] && !state[i]) walk(i);
  for (let i = 0; i < n; i++) if (!state[i]) walk(i);
  return { succ, pred };
}

/** Layer of each node: 0 for a root, else one more than its deepest parent's (Kahn's order). */
function longestPathLayers(n: number, succ: readonly number[][], pred: readonly number[][]): Int32Array {
  const layer = new Int32Array(n);
  const waiting = Int32Array.from(pred, (p) => p.length);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (!waiting[i]) queue.push(i);
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q]!;
    for (const c of succ[v]!) {
      layer[c] = Math.max(layer[c]!, layer[v]! + 1);
      waiting[c] = waiting[c]! - 1;
      if (waiting[c] === 0) queue.push(c);
    }
  }
  return layer;
}

/** The graph the ordering works on: the real nodes (0..n-1) and a placeholder per layer a long link crosses, every edge one layer long. */
interface LayerGraph {
  /** Layer of every node, placeholders included. */
  layer: number[];
  down: number[][];
  up: number[][];
  /** Nodes in the model's depth-first order (placeholders where their link is first met). */
  preorder: number[];
  /** Each link longer than one layer: its real ends and its placeholders, left to right. */
  chains: { source: number; target: number; via: number[] }[];
}

function withPlaceholders(n: number, succ: readonly number[][], layerOf: Int32Array): LayerGraph {
  const layer = Array.from(layerOf);
  const down: number[][] = succ.map(() => []);
  const up: number[][] = succ.map(() => []);
  const link = (a: number, b: number) => {
    down[a]!.push(b);
    up[b]!.push(a);
  };
  const chains: LayerGraph['chains'] = [];
  for (let v = 0; v < n; v++) {
    for (const c of succ[v]!) {
      let from = v;
      const via: number[] = [];
      for (let l = layer[v]! + 1; l < layer[c]!; l++) {
        const p = layer.length;
        layer.push(l);
        down.push([]);
        up.push([]);
        link(from, p);
        via.push(p);
        from = p;
      }
      link(from, c);
      if (via.length) chains.push({ source: v, target: c, via });
    }
  }
  // Depth-first from the roots in model order, members in model order: the tree view's order.
  const seen = new Uint8Array(layer.length);
  const preorder: number[] = [];
  const visit = (root: number) => {
    const stack = [root];
    while (stack.length) {
      const v = stack.pop()!;
      if (seen[v]) continue;
      seen[v] = 1;
      preorder.push(v);
      const kids = down[v]!;
      for (let i = kids.length - 1; i >= 0; i--) if (!seen[kids[i]!]) stack.push(kids[i]!);
    }
  };
  for (let v = 0; v < n; v++) if (!up[v]!.length) visit(v);
  for (let v = 0; v < layer.length; v++) if (!seen[v]) visit(v);
  return { layer, down, up, preorder, chains };
}

/** Each layer's nodes, top to bottom, with few crossings. */
function orderLayers(g: LayerGraph, layerCount: number): number[][] {
  const layers: number[][] = Array.from({ length: layerCount }, () => []);
  for (const v of g.preorder) layers[g.layer[v]!]!.push(v);
  const pos = new Float64Array(g.layer.length);
  const index = (ls: readonly number[][]) => {
    for (const l of ls) for (let i = 0; i < l.length; i++) pos[l[i]!] = i;
  };
  index(layers);
  let best = layers.map((l) => [...l]);
  let bestCrossings = countCrossings(layers, g.down, pos);
  let stale = 0;
  for (let sweep = 0; sweep < MAX_SWEEPS && bestCrossings > 0 && stale < 2; sweep++) {
    const downward = sweep % 2 === 0;
    const from = downward ? 1 : layerCount - 2;
    const step = downward ? 1 : -1;
    for (let l = from; l >= 0 && l < layerCount; l += step) {
      const neighbours = downward ? g.up : g.down;
      const size = layers[l - step]!.length;
      const size0 = layers[l]!.length;
      // Normalised to 0..1 so a node with no neighbour there keeps its own place among the others.
      const key = new Map<number, number>();
      for (const v of layers[l]!) {
        const ns = neighbours[v]!;
        let sum = 0;
        for (const u of ns) sum += (pos[u]! + 0.5) / size;
        key.set(v, ns.length ? sum / ns.length : (pos[v]! + 0.5) / size0);
      }
      layers[l] = [...layers[l]!].sort((a, b) => key.get(a)! - key.get(b)! || pos[a]! - pos[b]!);
      for (let i = 0; i < layers[l]!.length; i++) pos[layers[l]![i]!] = i;
    }
    const crossings = countCrossings(layers, g.down, pos);
    if (crossings < bestCrossings) {
      bestCrossings = crossings;
      best = layers.map((l) => [...l]);
      stale = 0;
    } else stale++;
  }
  return best;
}

/** Edge crossings between each pair of neighbouring layers (sorted by the upper end, inversions of the lower: a Fenwick tree). */
export function countCrossings(layers: readonly number[][], down: readonly number[][], pos: Float64Array): number {
  let total = 0;
  for (let l = 0; l + 1 < layers.length; l++) {
    const size = layers[l + 1]!.length;
    const tree = new Int32Array(size + 1);
    let seen = 0;
    for (const u of layers[l]!) {
      const targets = down[u]!.map((v) => pos[v]!).sort((a, b) => a - b);
      for (const t of targets) {
        // Edges already counted whose lower end is right of this one cross it.
        let le = 0;
        for (let i = t + 1; i > 0; i -= i & -i) le += tree[i]!;
        total += seen - le;
      }
      for (const t of targets) {
        for (let i = t + 1; i <= size; i += i & -i) tree[i] = tree[i]! + 1;
        seen++;
      }
    }
  }
  return total;
}

/**
 * Top-left corners: columns by layer, rows fitted to the neighbours (see the file comment). A placeholder
 * keeps a free lane (TREE_ROW_GAP above and below it) across its column, which its link's route follows.
 */
function placeRows(nodes: readonly LayoutNode[], g: LayerGraph, layerCount: number, order: readonly number[][]): LayeredLaid {
  const n = nodes.length;
  const m = g.layer.length;
  const height = (v: number) => (v < n ? nodes[v]!.height : 0);
  const columnWidth = new Float64Array(layerCount);
  for (let v = 0; v < n; v++) columnWidth[g.layer[v]!] = Math.max(columnWidth[g.layer[v]!]!, nodes[v]!.width);
  const columnX = new Float64Array(layerCount);
  for (let l = 1; l < layerCount; l++) columnX[l] = columnX[l - 1]! + columnWidth[l - 1]! + TREE_COLUMN_GAP;

  // Gap above each node: wider between members of different keyrings, so each keyring's members read as a block.
  const gapAbove = new Float64Array(m);
  for (const row of order) {
    for (let i = 1; i < row.length; i++) {
      const [a, b] = [row[i - 1]!, row[i]!];
      gapAbove[b] = a >= n || b >= n || g.up[a]![0] === g.up[b]![0] ? TREE_ROW_GAP : TREE_ROW_GAP + TREE_BLOCK_GAP;
    }
  }
  const top = new Float64Array(m);
  for (const row of order) {
    let y = 0;
    for (const v of row) {
      y += gapAbove[v]!;
      top[v] = y;
      y += height(v);
    }
  }
  // Where each member would sit below its keyring's first member if the keyring's members were stacked
  // alone (centre to centre), per link, in the order of `g.up`; and each keyring's first member.
  const rank = new Int32Array(m);
  for (const row of order) for (let i = 0; i < row.length; i++) rank[row[i]!] = i;
  const below: number[][] = g.up.map((ps) => ps.map(() => 0));
  const firstMember = new Int32Array(m).fill(-1);
  for (let u = 0; u < m; u++) {
    const members = [...g.down[u]!].sort((a, b) => rank[a]! - rank[b]!);
    if (!members.length) continue;
    firstMember[u] = members[0]!;
    let y = -height(members[0]!) / 2;
    for (const c of members) {
      below[c]![g.up[c]!.indexOf(u)] = y + height(c) / 2;
      y += height(c) + TREE_ROW_GAP;
    }
  }
  const centre = (v: number) => top[v]! + height(v) / 2;
  const place = (row: readonly number[], wantedCentre: (v: number) => number | null) => {
    const want = row.map((v) => {
      const c = wantedCentre(v);
      return c === null ? top[v]! : c - height(v) / 2;
    });
    fitInOrder(row, want, height, gapAbove, top);
  };
  // Members stacked from their keyring's row down (a shared key: between its keyrings' places for it)…
  const fromKeyrings = (v: number) => {
    const ps = g.up[v]!;
    if (!ps.length) return null;
    let sum = 0;
    for (let k = 0; k < ps.length; k++) sum += centre(ps[k]!) + below[v]![k]!;
    return sum / ps.length;
  };
  // …and each keyring on its first member's row, as in the tree view: the roots at the top, a keyring read
  // with its members below it.
  const fromMembers = (u: number) => (firstMember[u]! < 0 ? null : centre(firstMember[u]!));
  for (let round = 0; round < PLACEMENT_ROUNDS; round++) {
    for (let l = 1; l < layerCount; l++) place(order[l]!, fromKeyrings);
    for (let l = layerCount - 2; l >= 0; l--) place(order[l]!, fromMembers);
  }

  let minY = Infinity;
  for (let v = 0; v < m; v++) minY = Math.min(minY, top[v]!);
  const y = (v: number) => Math.round(top[v]! - minY);
  const positions: Record<string, [number, number]> = {};
  let bottom = 0;
  for (let v = 0; v < n; v++) {
    positions[nodes[v]!.id] = [columnX[g.layer[v]!]!, y(v)];
    bottom = Math.max(bottom, y(v) + nodes[v]!.height);
  }
  // A long link's corners: down the gap before each column it crosses, along its placeholder's lane.
  const routes: Record<string, [number, number][]> = {};
  for (const { source, target, via } of g.chains) {
    const points: [number, number][] = [];
    let at = y(source) + nodes[source]!.height / 2;
    for (let k = 0; k <= via.length; k++) {
      const gapX = columnX[g.layer[source]! + 1 + k]! - TREE_COLUMN_GAP / 2;
      const next = k < via.length ? y(via[k]!) : y(target) + nodes[target]!.height / 2;
      points.push([gapX, at], [gapX, next]);
      at = next;
    }
    routes[`${nodes[source]!.id}>${nodes[target]!.id}`] = points;
  }
  return { positions, width: columnX[layerCount - 1]! + columnWidth[layerCount - 1]!, height: bottom, routes };
}

/**
 * Sets `top` for the nodes of one layer as close as possible (least squares) to `want`, keeping their order
 * and the gaps between them: with o_i the room the nodes above i need, z_i = top_i - o_i must not decrease,
 * which is isotonic regression of want_i - o_i (pool adjacent violators).
 */
function fitInOrder(row: readonly number[], want: readonly number[], height: (v: number) => number, gapAbove: Float64Array, top: Float64Array): void {
  const offset: number[] = [];
  let o = 0;
  for (let i = 0; i < row.length; i++) {
    if (i > 0) o += height(row[i - 1]!) + gapAbove[row[i]!]!;
    offset.push(o);
  }
  // Blocks of pooled values: mean, count.
  const mean: number[] = [];
  const count: number[] = [];
  for (let i = 0; i < row.length; i++) {
    let m = want[i]! - offset[i]!;
    let c = 1;
    while (mean.length && mean[mean.length - 1]! > m) {
      const pm = mean.pop()!;
      const pc = count.pop()!;
      m = (pm * pc + m * c) / (pc + c);
      c += pc;
    }
    mean.push(m);
    count.push(c);
  }
  let i = 0;
  for (let b = 0; b < mean.length; b++) {
    for (let k = 0; k < count[b]!; k++, i++) top[row[i]!] = mean[b]! + offset[i]!;
  }
}
