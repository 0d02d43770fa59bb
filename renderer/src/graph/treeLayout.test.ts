import { describe, expect, it } from 'vitest';
import type { LayoutEdge, LayoutNode } from './layout';
import { TREE_COLUMN_GAP, treeLayout } from './treeLayout';

const node = (id: string, width = 100, height = 40): LayoutNode => ({ id, cluster: 'process', width, height });
const edge = (source: string, target: string): LayoutEdge => ({ source, target });
const centreY = (laid: ReturnType<typeof treeLayout>, n: LayoutNode) => laid.positions[n.id]![1] + n.height / 2;

describe('treeLayout', () => {
  it('puts members one column right of their keyring, in model order, the keyring on its first member’s row', () => {
    const nodes = [node('p', 150, 40), node('s', 240, 54), node('a'), node('b'), node('c')];
    const laid = treeLayout(nodes, [edge('p', 's'), edge('s', 'a'), edge('s', 'b'), edge('s', 'c')]);
    expect(laid.positions.p![0]).toBe(0);
    expect(laid.positions.s![0]).toBe(150 + TREE_COLUMN_GAP);
    expect(laid.positions.a![0]).toBe(150 + 240 + 2 * TREE_COLUMN_GAP);
    // Centres in line along the first members, nothing above the top.
    expect(centreY(laid, nodes[0]!)).toBe(centreY(laid, nodes[1]!));
    expect(centreY(laid, nodes[1]!)).toBe(centreY(laid, nodes[2]!));
    expect(Math.min(...Object.values(laid.positions).map((p) => p[1]))).toBe(0);
    expect(laid.positions.a![1]).toBeLessThan(laid.positions.b![1]);
    expect(laid.positions.b![1]).toBeLessThan(laid.positions.c![1]);
    expect(laid.height).toBe(laid.positions.c![1] + 40);
  });

  it('gives each subtree rows of its own', () => {
    // r has two keyrings of three keys each: the second keyring starts below the first one's last key.
    const nodes = [node('r'), node('k1'), node('k2'), ...['1', '2', '3'].map((i) => node(`a${i}`)), ...['1', '2', '3'].map((i) => node(`b${i}`))];
    const edges = [edge('r', 'k1'), edge('r', 'k2'), ...['1', '2', '3'].map((i) => edge('k1', `a${i}`)), ...['1', '2', '3'].map((i) => edge('k2', `b${i}`))];
    const laid = treeLayout(nodes, edges);
    expect(laid.positions.k2![1]).toBeGreaterThan(laid.positions.a3![1] + 40);
    expect(laid.positions.k2![1]).toBe(laid.positions.b1![1]);
  });

  it('puts a shared key under the keyring nearer the roots, and stacks separate parts one below the other', () => {
    const nodes = [node('p'), node('deep'), node('deeper'), node('shared'), node('lonely'), node('lonelyKey')];
    const edges = [edge('p', 'deep'), edge('deep', 'deeper'), edge('deeper', 'shared'), edge('p', 'shared'), edge('lonely', 'lonelyKey')];
    const laid = treeLayout(nodes, edges);
    expect(laid.positions.shared![0]).toBe(laid.positions.deep![0]);
    expect(laid.positions.lonely![0]).toBe(0);
    expect(laid.positions.lonely![1]).toBeGreaterThan(laid.positions.shared![1] + 40);
  });

  it('ends on a cycle (which the kernel refuses, but input is input) and places every node', () => {
    const nodes = [node('a'), node('b'), node('c')];
    const laid = treeLayout(nodes, [edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('a', 'a')]);
    expect(Object.keys(laid.positions).sort()).toEqual(['a', 'b', 'c']);
  });

  it('lays 2,000 nodes out with every one placed and no two on one spot', () => {
    const nodes = [node('root')];
    const edges: LayoutEdge[] = [];
    for (let r = 0; r < 20; r++) {
      nodes.push(node(`r${r}`));
      edges.push(edge('root', `r${r}`));
      for (let k = 0; k < 99; k++) {
        nodes.push(node(`r${r}k${k}`));
        edges.push(edge(`r${r}`, `r${r}k${k}`));
      }
    }
    const laid = treeLayout(nodes, edges);
    const spots = new Set(Object.values(laid.positions).map((p) => p.join()));
    expect(spots.size).toBe(nodes.length);
  });
});
