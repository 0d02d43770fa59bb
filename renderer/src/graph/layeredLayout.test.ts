import { describe, expect, it } from 'vitest';
import type { Laid, LayoutEdge, LayoutNode } from './layout';
import { countCrossings, layeredLayout } from './layeredLayout';

const node = (id: string, height = 40): LayoutNode => ({ id, cluster: 'process', width: 100, height });
const edge = (source: string, target: string): LayoutEdge => ({ source, target });

const centreY = (laid: Laid, id: string, height = 40) => laid.positions[id]![1] + height / 2;

/** Crossings of the drawn picture: edges between neighbouring columns whose ends are in opposite order. */
function drawnCrossings(laid: Laid, edges: readonly LayoutEdge[]): number {
  const segs = edges.map((e) => ({ sx: laid.positions[e.source]![0], sy: laid.positions[e.source]![1], ty: laid.positions[e.target]![1], s: e.source, t: e.target }));
  let n = 0;
  for (let i = 0; i < segs.length; i++) {
    for (let j = i + 1; j < segs.length; j++) {
      const a = segs[i]!;
      const b = segs[j]!;
      if (a.sx !== b.sx || a.s === b.s || a.t === b.t) continue;
      if ((a.sy - b.sy) * (a.ty - b.ty) < 0) n++;
    }
  }
  return n;
}

function expectNoOverlaps(nodes: readonly LayoutNode[], laid: Laid) {
  const bad: string[] = [];
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      const a = nodes[i]!;
      const b = nodes[j]!;
      const [ax, ay] = laid.positions[a.id]!;
      const [bx, by] = laid.positions[b.id]!;
      if (ax < bx + b.width && bx < ax + a.width && ay < by + b.height && by < ay + a.height) bad.push(`${a.id}/${b.id}`);
    }
  }
  expect(bad).toEqual([]);
}

describe('layeredLayout', () => {
  it('puts a shared key right of all its keyrings and between them, without crossings', () => {
    // A links [s, a1], B links [b1, s]: in the model's order s comes first and A → a1 crosses B → s.
    const nodes = ['root', 'A', 'B', 's', 'a1', 'b1'].map((id) => node(id));
    const edges = [edge('root', 'A'), edge('root', 'B'), edge('A', 's'), edge('A', 'a1'), edge('B', 'b1'), edge('B', 's')];
    const laid = layeredLayout(nodes, edges);
    expectNoOverlaps(nodes, laid);
    for (const e of edges) expect(laid.positions[e.target]![0], `${e.source} → ${e.target}`).toBeGreaterThan(laid.positions[e.source]![0]);
    expect(drawnCrossings(laid, edges)).toBe(0);
    expect(centreY(laid, 's')).toBeGreaterThan(centreY(laid, 'a1'));
    expect(centreY(laid, 's')).toBeLessThan(centreY(laid, 'b1'));
    // Siblings keep the model's order; a keyring is on its first member's row, the roots at the top.
    expect(centreY(laid, 'A')).toBeLessThan(centreY(laid, 'B'));
    expect(Math.abs(centreY(laid, 'A') - centreY(laid, 'a1'))).toBeLessThanOrEqual(1);
    expect(Math.abs(centreY(laid, 'root') - centreY(laid, 'A'))).toBeLessThanOrEqual(1);
  });

  it('keeps a keyring’s members in the model’s order, in one block from its row down', () => {
    const members = Array.from({ length: 12 }, (_, i) => `m${i}`);
    const nodes = [node('K'), ...members.map((m) => node(m))];
    const laid = layeredLayout(nodes, members.map((m) => edge('K', m)));
    const ys = members.map((m) => laid.positions[m]![1]);
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
    expect(new Set(members.map((m) => laid.positions[m]![0])).size).toBe(1);
    expect(laid.positions.K![1]).toBe(ys[0]);
    for (let i = 1; i < 12; i++) expect(ys[i]! - ys[i - 1]!).toBe(48);
    expect(laid.height).toBe(ys[11]! + 40 - ys[0]!);
  });

  it('places a key linked from a shallow and a deep keyring right of the deep one, its long link routed around the boxes between', () => {
    const nodes = ['r', 'k1', 'k2', 'k3', 'x', 'a', 'b'].map((id) => node(id));
    const edges = [edge('r', 'k1'), edge('k1', 'k2'), edge('k2', 'k3'), edge('k3', 'x'), edge('r', 'x'), edge('r', 'a'), edge('a', 'b')];
    const laid = layeredLayout(nodes, edges);
    expect(laid.positions.x![0]).toBeGreaterThan(laid.positions.k3![0]);
    expectNoOverlaps(nodes, laid);
    expect(Object.keys(laid.routes)).toEqual(['r>x']);
    const route = laid.routes['r>x']!;
    // From r's centre line, down the gap before each column, to x's centre line.
    expect(route[0]![1]).toBe(centreY(laid, 'r'));
    expect(route[route.length - 1]![1]).toBe(centreY(laid, 'x'));
    expect(route[route.length - 1]![0]).toBeLessThan(laid.positions.x![0]);
    // Each run across a column (between two corners at one height) misses every box in it.
    for (let i = 1; i + 1 < route.length; i += 2) {
      const [[x1, y], [x2]] = [route[i]!, route[i + 1]!];
      for (const n of nodes) {
        const [nx, ny] = laid.positions[n.id]!;
        if (nx + n.width <= x1 || nx >= x2) continue;
        expect(y <= ny || y >= ny + n.height, `${n.id} in the way at ${y}`).toBe(true);
      }
    }
  });

  it('lays out a cycle (which the kernel refuses) and lone nodes without looping', () => {
    const nodes = ['a', 'b', 'c', 'lone'].map((id) => node(id));
    const laid = layeredLayout(nodes, [edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('a', 'a'), edge('a', 'b')]);
    expect(Object.keys(laid.positions).sort()).toEqual(['a', 'b', 'c', 'lone']);
    expectNoOverlaps(nodes, laid);
    expect(layeredLayout([], [])).toEqual({ positions: {}, width: 0, height: 0, routes: {} });
  });

  it('is deterministic', () => {
    const nodes = Array.from({ length: 60 }, (_, i) => node(`n${i}`, i % 3 ? 40 : 54));
    const edges: LayoutEdge[] = [];
    for (let i = 1; i < 60; i++) edges.push(edge(`n${Math.floor((i - 1) / 6)}`, `n${i}`));
    for (let i = 20; i < 60; i += 4) edges.push(edge(`n${(i * 7) % 10}`, `n${i}`));
    expect(layeredLayout(nodes, edges)).toEqual(layeredLayout(nodes, edges));
    expectNoOverlaps(nodes, layeredLayout(nodes, edges));
  });
});

describe('countCrossings', () => {
  it('counts pairs of edges between two layers whose ends are in opposite order', () => {
    // Layer 0: 0, 1; layer 1: 2, 3. 0 → 3 and 1 → 2 cross; 0 → 2 shares an end with both.
    const pos = Float64Array.from([0, 1, 0, 1]);
    expect(countCrossings([[0, 1], [2, 3]], [[3, 2], [2], [], []], pos)).toBe(1);
    expect(countCrossings([[0, 1], [2, 3]], [[2], [3], [], []], pos)).toBe(0);
  });
});
