// The tree layout: keyrings are trees but for a few shared keys, and a tree needs no layered-graph
// machinery. Each node gets one parent, the keyring that reaches it first breadth first from the
// roots in model order (so a key in _ses and in a deep keyring sits beside _ses); the other links to
// it are drawn as extra edges (the model marks them shared). Members go one column right of their
// keyring, in model order (the tree's order), each subtree a block of its own rows, and a keyring on
// the row of its first member: it reads like the tree view turned into columns, the roots top left,
// a new key lands in its keyring's block without reshuffling the rest. Linear in nodes and edges: 2,000
// nodes take a few milliseconds. Pure.
import type { Laid, LayoutEdge, LayoutNode } from './layout';

/** Between a keyring's column and its members' (room for the fan of curves). */
export const TREE_COLUMN_GAP = 64;
/** Between sibling rows. */
export const TREE_ROW_GAP = 8;
/** Extra space around a sibling that has members of its own, so subtrees read as blocks. */
export const TREE_BLOCK_GAP = 12;

/** `nodes` in model order; `edges` among them, in model order. */
export function treeLayout(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): Laid {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const out: number[][] = nodes.map(() => []);
  const hasParent = new Uint8Array(nodes.length);
  for (const e of edges) {
    const s = index.get(e.source);
    const t = index.get(e.target);
    if (s === undefined || t === undefined || s === t) continue;
    out[s]!.push(t);
    hasParent[t] = 1;
  }
  // Breadth first from the roots (no parent here), then from whatever is left (a cycle the kernel
  // would refuse, but the layout must not loop on bad input), each in model order.
  const parent = new Int32Array(nodes.length).fill(-1);
  const depth = new Int32Array(nodes.length);
  const seen = new Uint8Array(nodes.length);
  const children: number[][] = nodes.map(() => []);
  const roots: number[] = [];
  const visit = (root: number) => {
    roots.push(root);
    seen[root] = 1;
    const queue = [root];
    for (let q = 0; q < queue.length; q++) {
      const v = queue[q]!;
      for (const c of out[v]!) {
        if (seen[c]) continue;
        seen[c] = 1;
        parent[c] = v;
        depth[c] = depth[v]! + 1;
        children[v]!.push(c);
        queue.push(c);
      }
    }
  };
  for (let i = 0; i < nodes.length; i++) if (!hasParent[i] && !seen[i]) visit(i);
  for (let i = 0; i < nodes.length; i++) if (!seen[i]) visit(i);

  // Columns: as wide as their widest node.
  const columnWidth: number[] = [];
  for (let i = 0; i < nodes.length; i++) columnWidth[depth[i]!] = Math.max(columnWidth[depth[i]!] ?? 0, nodes[i]!.width);
  const columnX: number[] = [];
  let x = 0;
  for (let c = 0; c < columnWidth.length; c++) {
    columnX[c] = x;
    x += (columnWidth[c] ?? 0) + TREE_COLUMN_GAP;
  }

  // Blocks, children before parents (reverse breadth-first order): each node's block is laid out
  // relative to its own top; `centre` is the node's centre line within it.
  const order: number[] = [];
  for (const r of roots) {
    const start = order.length;
    order.push(r);
    for (let q = start; q < order.length; q++) order.push(...children[order[q]!]!);
  }
  const blockHeight = new Float64Array(nodes.length);
  const centre = new Float64Array(nodes.length);
  /** Offset of a child's block top within its parent's block (until the final pass makes it absolute). */
  const offset = new Float64Array(nodes.length);
  const ownTop = new Float64Array(nodes.length);
  for (let o = order.length - 1; o >= 0; o--) {
    const v = order[o]!;
    const h = nodes[v]!.height;
    const kids = children[v]!;
    if (!kids.length) {
      blockHeight[v] = h;
      centre[v] = h / 2;
      continue;
    }
    let y = 0;
    for (const [i, c] of kids.entries()) {
      if (i > 0) y += gapBetween(children, kids[i - 1]!, c);
      offset[c] = y;
      y += blockHeight[c]!;
    }
    // The keyring on its first member's row; its members move down if it would stick out above.
    const first = kids[0]!;
    const want = offset[first]! + centre[first]!;
    const shift = Math.max(0, h / 2 - want);
    for (const c of kids) offset[c] = offset[c]! + shift;
    centre[v] = want + shift;
    ownTop[v] = centre[v]! - h / 2;
    blockHeight[v] = Math.max(y + shift, ownTop[v]! + h);
  }

  const positions: Record<string, [number, number]> = {};
  const top = new Float64Array(nodes.length);
  let y = 0;
  for (const [i, r] of roots.entries()) {
    if (i > 0) y += gapBetween(children, roots[i - 1]!, r) + TREE_BLOCK_GAP;
    top[r] = y;
    y += blockHeight[r]!;
  }
  for (const v of order) {
    for (const c of children[v]!) top[c] = top[v]! + offset[c]!;
    const n = nodes[v]!;
    positions[n.id] = [columnX[depth[v]!]!, Math.round(top[v]! + (children[v]!.length ? ownTop[v]! : 0))];
  }
  return { positions, width: Math.max(0, x - TREE_COLUMN_GAP), height: y };
}

function gapBetween(children: readonly number[][], a: number, b: number): number {
  return children[a]!.length || children[b]!.length ? TREE_ROW_GAP + TREE_BLOCK_GAP : TREE_ROW_GAP;
}
