import { describe, expect, it } from 'vitest';
import { buildTreeModel } from '../tree/model';
import { fixtureSnapshot, generatedSnapshot } from '../dev/fixture';
import { arrangeClusters, BOX_TITLE, computeLayout, prefersTree, quickLayout, type LayoutResult } from './layout';
import { buildGraphModel, type ClusterId } from './model';
import { layoutRequestOf } from './useGraphLayout';

describe('cluster arrangement', () => {
  type Laid = Parameters<typeof arrangeClusters>[0];
  const laid: Laid = new Map<ClusterId, { positions: Record<string, [number, number]>; width: number; height: number }>([
    ['process', { positions: { a: [0, 0], b: [300, 0] }, width: 500, height: 300 }],
    ['kernel', { positions: { k: [0, 0] }, width: 200, height: 40 }],
  ]);

  it('puts the side clusters below this process when that suits a landscape view', () => {
    const { positions, boxes } = arrangeClusters(laid, 1.5);
    expect(positions.a).toEqual([0, 0]);
    expect(boxes).toHaveLength(1);
    expect(boxes[0]!.y).toBeGreaterThan(300);
    expect(positions.k![1]).toBeGreaterThan(boxes[0]!.y + BOX_TITLE - 1);
  });

  it('puts them to the right in a very wide view', () => {
    const { boxes } = arrangeClusters(laid, 3);
    expect(boxes[0]!.x).toBeGreaterThan(500);
  });
});

function expectNoOverlaps(model: ReturnType<typeof buildGraphModel>, result: LayoutResult) {
  const rects = model.nodes.map((n) => {
    const p = result.positions[n.id];
    expect(p, n.id).toBeDefined();
    return { id: n.id, x: p![0], y: p![1], w: n.width, h: n.height, cluster: n.cluster };
  });
  const overlaps: string[] = [];
  for (let i = 0; i < rects.length; i++) {
    for (let j = i + 1; j < rects.length; j++) {
      const a = rects[i]!;
      const b = rects[j]!;
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) overlaps.push(`${a.id} overlaps ${b.id}`);
    }
  }
  expect(overlaps).toEqual([]);
  // Each side cluster's nodes sit inside its box.
  for (const box of result.boxes) {
    for (const r of rects.filter((x) => x.cluster === box.cluster)) {
      expect(r.x >= box.x && r.y >= box.y && r.x + r.w <= box.x + box.width && r.y + r.h <= box.y + box.height).toBe(true);
    }
  }
  expect(result.boxes.map((b) => b.cluster).sort()).toEqual(['kernel', 'orphan']);
}

const fixtureModel = () => {
  const s = fixtureSnapshot(1_000_000);
  return buildGraphModel(buildTreeModel(new Map(s.keys.map((x) => [x.id, x])), s.anchors));
};

describe('computeLayout', () => {
  it('places every node of the fixture without overlaps, side clusters apart', () => {
    const model = fixtureModel();
    const result = computeLayout(layoutRequestOf(model, 7, 1.5));
    expect(result.id).toBe(7);
    expect(result.error).toBeUndefined();
    expectNoOverlaps(model, result);
  });
});

describe('quickLayout (drawn at once, the tree layout of every cluster)', () => {
  it('places every node without overlaps, each member right of its keyring and its centre not above it', () => {
    const model = fixtureModel();
    const result = quickLayout(layoutRequestOf(model, 3, 1.5));
    expect(result.id).toBe(3);
    expectNoOverlaps(model, result);
    const height = new Map(model.nodes.map((n) => [n.id, n.height]));
    for (const e of model.edges) {
      // A shared key sits under one of its keyrings; the other links are drawn across.
      if (e.crossCluster || e.shared) continue;
      const [sx, sy] = result.positions[e.source]!;
      const [tx, ty] = result.positions[e.target]!;
      expect(tx, `${e.source} → ${e.target}`).toBeGreaterThan(sx);
      expect(ty + height.get(e.target)! / 2, `${e.source} → ${e.target}`).toBeGreaterThanOrEqual(sy + height.get(e.source)! / 2);
    }
  });
});

describe('computeLayout chooses per cluster', () => {
  const chain = (n: number, shared: number) => {
    const nodes = Array.from({ length: n }, (_, i) => ({ id: `n${i}`, cluster: 'process' as const, width: 100, height: 40 }));
    const edges = nodes.slice(1).map((x) => ({ source: 'n0', target: x.id }));
    // `shared` more links into the last members, from the first members.
    for (let i = 0; i < shared; i++) edges.push({ source: `n${1 + i}`, target: `n${n - 1 - i}` });
    return { nodes, edges };
  };

  it('the tree layout for a tree with a few shared keys, layers past one shared link in ten nodes', () => {
    expect(prefersTree(chain(100, 0).nodes, chain(100, 0).edges)).toBe(true);
    expect(prefersTree(chain(100, 10).nodes, chain(100, 10).edges)).toBe(true);
    expect(prefersTree(chain(100, 11).nodes, chain(100, 11).edges)).toBe(false);
    expect(prefersTree(chain(5, 2).nodes, chain(5, 2).edges)).toBe(true);
  });

  it('lays a cluster with many shared keys out in layers, a tree as a tree', () => {
    const many = computeLayout({ id: 1, ...chain(40, 10) });
    expect(many.kinds).toEqual({ process: 'layered' });
    expect(Object.keys(many.positions)).toHaveLength(40);
    const tree = computeLayout({ id: 2, ...chain(40, 1) });
    expect(tree.kinds).toEqual({ process: 'tree' });
    expect(tree.positions).toEqual(quickLayout({ id: 2, ...chain(40, 1) }).positions);
  });

  it('chooses layers for the generated graph with many shared keys, the tree for the tree-like one, at 2,000 keys', () => {
    const modelOf = (shape: 'tree' | 'shared') => {
      const s = generatedSnapshot(2000, 1_000_000, shape);
      const keys = new Map(s.keys.map((x) => [x.id, x]));
      const open = new Set(s.keys.filter((x) => x.links?.length).map((x) => x.id));
      return buildGraphModel(buildTreeModel(keys, s.anchors), { openGroups: open });
    };
    const shared = modelOf('shared');
    expect(shared.nodes.length).toBeGreaterThan(2000);
    const result = computeLayout(layoutRequestOf(shared, 1, 1.5));
    expect(result.kinds?.process).toBe('layered');
    expectNoOverlaps(shared, result);
    // Every link inside this process's cluster points right: a shared key right of all its keyrings.
    const width = new Map(shared.nodes.map((n) => [n.id, n.width]));
    for (const e of shared.edges) {
      if (e.crossCluster || shared.byId.get(e.source)?.cluster !== 'process') continue;
      expect(result.positions[e.target]![0], `${e.source} → ${e.target}`).toBeGreaterThan(result.positions[e.source]![0] + width.get(e.source)! - 1);
    }
    expect(computeLayout(layoutRequestOf(modelOf('tree'), 2, 1.5)).kinds?.process).toBe('tree');
  });
});
