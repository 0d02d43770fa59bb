// The links of a layout's input by node index: what the tree layout and the blocks' cut both walk.
import type { LayoutEdge, LayoutNode } from './layout';

export interface Adjacency {
  /** Each node's children (indices), in edge order. */
  out: number[][];
  /** 1 where some link points at the node. */
  hasParent: Uint8Array;
  /** Each kept link as [source, target] indices, in edge order. */
  links: [number, number][];
}

/** The edges among `nodes` by index; an edge to or from a node not given, or from a node to itself, is left out. */
export function adjacency(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): Adjacency {
  const index = new Map(nodes.map((x, i) => [x.id, i]));
  const out: number[][] = nodes.map(() => []);
  const hasParent = new Uint8Array(nodes.length);
  const links: [number, number][] = [];
  for (const e of edges) {
    const s = index.get(e.source);
    const t = index.get(e.target);
    if (s === undefined || t === undefined || s === t) continue;
    out[s]!.push(t);
    hasParent[t] = 1;
    links.push([s, t]);
  }
  return { out, hasParent, links };
}
