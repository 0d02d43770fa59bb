// Blocks, for a big cluster whose one layout would be a tall strip (hundreds of keys stacked in a column or
// two: "fit" showed a line). The cluster is cut below its head (the roots, and as many levels under them as
// it takes: this process and its anchor keyrings, usually) into the parts that hang together without the
// head (the weakly connected components: a team's keyrings with the keys they share), each part is laid
// out on its own (tree or layers, as the whole would be), and the parts are packed in rows right of the
// head, as many to a row as brings the picture nearest the view's shape. Every link stays pointing right.
//
// A link from the head into a part runs in the gaps only: down the lane left of the parts, along the gap
// above the part's row, down the gap left of the part, into the part's entry (a point at its left edge that
// the part was laid out with as the parent of every node the head links), and from there as the part's own
// layout routes it. So nothing is drawn through a box.
//
// Pure and deterministic: the worker and the main thread compute the same picture.
import { adjacency } from './adjacency';
import type { Laid, LayoutEdge, LayoutNode } from './layout';

/** Between parts, across and down: room for the lanes the head's links run in. */
export const BLOCK_GAP = 96;
/** Fewer nodes than this are never cut into parts (a small tall cluster reads well as it is). */
export const BLOCKS_FROM = 100;
/** A single layout is cut into parts only when it is this many times taller than the view's shape wants. */
const TOO_TALL = 3;
/** How deep below the roots the head may reach. */
const MAX_HEAD_DEPTH = 4;
/** A cut is worth it only when no part holds more than this share of the nodes below the head. */
const LARGEST_PART_SHARE = 0.6;

/** The ids of a part's entry point and of its stub in the head (never a node id: those start with a letter and a colon). */
const ENTRY = '\u0000entry';
const STUB = '\u0000part:';

export type PartLayout = (nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]) => Laid;

/** Whether `laid` is a strip far taller than a view of `aspect` (width / height) wants. */
export function tooTall(laid: Laid, aspect: number): boolean {
  return laid.width * TOO_TALL < laid.height * aspect;
}

/** The cluster in parts packed in rows, or null when it has no useful cut (one part would hold most of it). */
export function blockLayout(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[], aspect: number, layoutPart: PartLayout): Laid | null {
  const n = nodes.length;
  const { out, hasParent, links } = adjacency(nodes, edges);
  // Distance of each node from the roots (breadth first); -1: unreachable (a cycle the kernel would refuse).
  const depth = new Int32Array(n).fill(-1);
  const queue: number[] = [];
  const reach = (i: number, d: number) => {
    depth[i] = d;
    queue.push(i);
  };
  for (let i = 0; i < n; i++) if (!hasParent[i]) reach(i, 0);
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q]!;
    for (const c of out[v]!) if (depth[c]! < 0) reach(c, depth[v]! + 1);
  }
  const parents: number[][] = nodes.map(() => []);
  for (const [s, t] of links) parents[t]!.push(s);
  for (let d = 1; d <= MAX_HEAD_DEPTH; d++) {
    const head = headOf(depth, d, out, parents);
    const inHead = (i: number) => head[i] === 1;
    const part = partsBelow(n, links, inHead);
    if (!part) continue;
    const { of, count } = part;
    const sizes = new Int32Array(count);
    let below = 0;
    for (let i = 0; i < n; i++) {
      if (of[i]! < 0) continue;
      sizes[of[i]!]!++;
      below++;
    }
    if (count < 2 || Math.max(...sizes) > below * LARGEST_PART_SHARE) continue;
    return packParts(nodes, links, of, count, inHead, aspect, layoutPart);
  }
  return null;
}

/**
 * The nodes less than `d` links below the roots, but for any that a node outside it links (a key in _ses and
 * in a team's keyring), and then what only they reach: every link between the head and a part points into the part.
 */
function headOf(depth: Int32Array, d: number, out: readonly number[][], parents: readonly number[][]): Uint8Array {
  const n = depth.length;
  const head = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (depth[i]! >= 0 && depth[i]! < d) head[i] = 1;
  const leave: number[] = [];
  for (let i = 0; i < n; i++) if (head[i] && parents[i]!.some((p) => !head[p])) leave.push(i);
  while (leave.length) {
    const v = leave.pop()!;
    if (!head[v]) continue;
    head[v] = 0;
    for (const c of out[v]!) if (head[c]) leave.push(c);
  }
  return head;
}

/** Each node below the head: the index of its part (parts numbered in model order), -1 for the head. */
function partsBelow(n: number, links: readonly [number, number][], inHead: (i: number) => boolean): { of: Int32Array; count: number } | null {
  const up = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (up[i] !== i) i = up[i] = up[up[i]!]!;
    return i;
  };
  for (const [s, t] of links) if (!inHead(s) && !inHead(t)) up[find(s)] = find(t);
  const of = new Int32Array(n).fill(-1);
  const number = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    if (inHead(i)) continue;
    const r = find(i);
    if (!number.has(r)) number.set(r, number.size);
    of[i] = number.get(r)!;
  }
  return number.size ? { of, count: number.size } : null;
}

function packParts(
  nodes: readonly LayoutNode[],
  links: readonly [number, number][],
  of: Int32Array,
  count: number,
  inHead: (i: number) => boolean,
  aspect: number,
  layoutPart: PartLayout,
): Laid {
  const n = nodes.length;
  // The head, laid out alone.
  const headNodes = nodes.filter((_, i) => inHead(i));
  const headEdges: LayoutEdge[] = [];
  const partNodes: LayoutNode[][] = Array.from({ length: count }, () => []);
  const partEdges: LayoutEdge[][] = Array.from({ length: count }, () => []);
  for (let i = 0; i < n; i++) if (of[i]! >= 0) partNodes[of[i]!]!.push(nodes[i]!);
  // Into each part: the head's links (its entry links each node the head links, once).
  const entered: Set<number>[] = Array.from({ length: count }, () => new Set());
  const intoParts: [number, number][] = [];
  for (const [s, t] of links) {
    const e = { source: nodes[s]!.id, target: nodes[t]!.id };
    if (inHead(s) && inHead(t)) headEdges.push(e);
    else if (inHead(s)) {
      intoParts.push([s, t]);
      entered[of[t]!]!.add(t);
    } else if (!inHead(t)) partEdges[of[s]!]!.push(e);
    // A link from a part back into the head is drawn, not laid out (the kernel allows it; keyrings rarely do it).
  }
  // The head is laid out with a stub for each part it links into, a point the layout places right of every
  // node that links it: the links leave the head from there, so none runs across the head's later columns.
  const stubId = (k: number) => `${STUB}${k}`;
  const stubbed = new Set<string>();
  for (const [s, t] of intoParts) {
    const key = `${s}>${of[t]!}`;
    if (stubbed.has(key)) continue;
    stubbed.add(key);
    headEdges.push({ source: nodes[s]!.id, target: stubId(of[t]!) });
  }
  const stubs: LayoutNode[] = [];
  for (let k = 0; k < count; k++) if (entered[k]!.size) stubs.push({ id: stubId(k), cluster: nodes[0]!.cluster, width: 0, height: 0 });
  const head = layoutPart([...headNodes, ...stubs], headEdges);
  // Each entry is as tall as the first node it links, so it sits level with it as a keyring sits level with its first member.
  const entryHeight = entered.map((ts) => (ts.size ? nodes[Math.min(...ts)]!.height : 0));
  const parts = partNodes.map((ns, p) => {
    const targets = [...entered[p]!].sort((a, b) => a - b);
    if (!targets.length) return layoutPart(ns, partEdges[p]!);
    const entry: LayoutNode = { id: ENTRY, cluster: ns[0]!.cluster, width: 0, height: entryHeight[p]! };
    return layoutPart([entry, ...ns], [...targets.map((t) => ({ source: ENTRY, target: nodes[t]!.id })), ...partEdges[p]!]);
  });

  // Rows: try each row width that starts a new row at some part, keep the one whose whole is nearest the view's shape.
  const gridX = head.width + BLOCK_GAP;
  const gridY = BLOCK_GAP / 2; // the lane above the first row runs at y = 0, level with the head's top
  const widest = Math.max(...parts.map((p) => p.width));
  const total = parts.reduce((sum, p) => sum + p.width + BLOCK_GAP, 0);
  let best: { at: [number, number][]; rowTop: number[]; rowOf: number[]; width: number; height: number } | null = null;
  let bestScore = Infinity;
  for (let rows = 1; rows <= parts.length; rows++) {
    const limit = Math.max(widest, total / rows);
    const packed = shelves(parts, limit, gridX, gridY);
    const score = Math.abs(Math.log(packed.width / Math.max(1, Math.max(packed.height, head.height)) / aspect));
    if (score < bestScore - 1e-9) [best, bestScore] = [packed, score];
    if (limit === widest) break; // narrower rows cannot be asked for
  }
  const { at, rowTop, rowOf, width, height } = best!;

  const positions: Record<string, [number, number]> = {};
  for (const [id, p] of Object.entries(head.positions)) if (!id.startsWith(STUB)) positions[id] = p;
  const routes: Record<string, [number, number][]> = {};
  for (const [key, points] of Object.entries(head.routes ?? {})) if (!key.includes(STUB)) routes[key] = points;
  // Each part's entry on the picture: its left edge, the centre line its links leave from.
  const entryOf: [number, number][] = [];
  parts.forEach((p, k) => {
    const [bx, by] = at[k]!;
    for (const [id, [x, y]] of Object.entries(p.positions)) if (id !== ENTRY) positions[id] = [x + bx, y + by];
    for (const [key, points] of Object.entries(p.routes ?? {})) routes[key] = points.map(([x, y]) => [x + bx, y + by]);
    const e = p.positions[ENTRY];
    entryOf.push(e ? [e[0] + bx, e[1] + by + entryHeight[k]! / 2] : [bx, by]);
  });
  // The head's links into the parts: along the lanes to the part's entry, then as the part routes it from there.
  const laneX = gridX - BLOCK_GAP / 2;
  for (const [s, t] of intoParts) {
    const k = of[t]!;
    const source = nodes[s]!;
    const target = nodes[t]!;
    const [sx, sy] = positions[source.id]!;
    const [tx, ty] = head.positions[stubId(k)]!;
    const [bx] = at[k]!;
    const [ex, ey] = entryOf[k]!;
    const rowLane = rowTop[rowOf[k]!]! - BLOCK_GAP / 2;
    const partLane = bx - BLOCK_GAP / 2;
    // To the stub as the head's layout drew it (through its lanes, or one step in the gap next to it)…
    const mid = (sx + source.width + tx) / 2;
    const points: [number, number][] = [...(head.routes?.[`${source.id}>${stubId(k)}`] ?? [[mid, sy + source.height / 2], [mid, ty]]), [tx, ty]];
    // …down the lane left of the parts, along the gap above the part's row, down the gap left of the part…
    points.push([laneX, ty]);
    if (partLane !== laneX) points.push([laneX, rowLane], [partLane, rowLane]);
    // …and into the part's entry, then as the part's layout drew it.
    points.push([partLane, ey], [ex, ey]);
    const inner = routes[`${ENTRY}>${target.id}`];
    if (inner) points.push(...inner);
    else {
      // Next to the entry: one step in the gap between them, as a link to the next column is drawn.
      const mid = (ex + positions[target.id]![0]) / 2;
      points.push([mid, ey], [mid, positions[target.id]![1] + target.height / 2]);
    }
    routes[`${source.id}>${target.id}`] = points;
  }
  for (const key of Object.keys(routes)) if (key.startsWith(`${ENTRY}>`)) delete routes[key];
  return { positions, routes, width, height: Math.max(height, head.height) };
}

/** Parts left to right in rows no wider than `limit` (a part wider than it gets a row of its own), rows top-aligned. */
function shelves(parts: readonly Laid[], limit: number, gridX: number, gridY: number) {
  const at: [number, number][] = [];
  const rowTop: number[] = [];
  const rowOf: number[] = [];
  let x = 0;
  let y = gridY;
  let rowHeight = 0;
  let width = 0;
  for (const p of parts) {
    if (x > 0 && x + p.width > limit) {
      y += rowHeight + BLOCK_GAP;
      x = 0;
      rowHeight = 0;
    }
    if (x === 0) rowTop.push(y);
    at.push([gridX + x, y]);
    rowOf.push(rowTop.length - 1);
    x += p.width + BLOCK_GAP;
    rowHeight = Math.max(rowHeight, p.height);
    width = Math.max(width, gridX + x - BLOCK_GAP);
  }
  return { at, rowTop, rowOf, width, height: y + rowHeight };
}
