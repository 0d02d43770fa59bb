import { KERNEL_ORDER } from '../tree/keyOrder';
import { describe, expect, it } from 'vitest';
import { buildRedaction, identityRedaction } from '../../../shared/redact';
import type { Snapshot } from '../../../shared/snapshot';
import { computeLayout, type LayoutRequest, type LayoutResult } from '../graph/layout';
import { linkEnds, linkPath } from '../graph/linkPath';
import { buildGraphModel, keyNodeId } from '../graph/model';
import { layoutRequestOf } from '../graph/useGraphLayout';
import { flattenTree } from '../tree/flatten';
import { buildTreeModel } from '../tree/model';
import { k, ring, snap } from '../test/keys';
import { buildExport, type ExportChoice } from './exportView';
import { buildGraphSvg, fit, wrap } from './graphPicture';
import { pngScale, svgSize } from './png';
import { escapeXml } from './svg';
import { buildTreeSvg } from './treePicture';

const SECRETS = ['krb5cc:alice', 'db-password', 'vpn <token> & "more"', 'nfs:bob'];

function sample(): Snapshot {
  return snap(
    [
      ring(10, '_ses', [20, 30, 99]),
      ring(20, SECRETS[0]!, [30, 40]),
      k(30, SECRETS[1]!),
      k(40, SECRETS[2]!, { type: 'logon', flags: 'IR-Q---' }),
      ring(50, '.user_reg', [60], { uid: 0, orphan: true, possessed: false }),
      ring(60, '_uid.1000', [70], { orphan: true, possessed: false }),
      k(70, SECRETS[3]!, { orphan: true, possessed: false, pins: [{ kind: 'link', from: 60 }] }),
    ],
    { session: 10 },
  );
}

function treeRows(s: Snapshot) {
  const model = buildTreeModel(new Map(s.keys.map((x) => [x.id, x])), s.anchors);
  return flattenTree(model, { expansion: new Map(), search: null, filter: false });
}

/** A grid "layout": the pictures only need positions. */
function fakeLayout(req: LayoutRequest): Promise<LayoutResult> {
  const positions: Record<string, [number, number]> = {};
  req.nodes.forEach((n, i) => (positions[n.id] = [(i % 4) * 260, Math.floor(i / 4) * 70]));
  return Promise.resolve({ id: req.id, positions, boxes: [{ cluster: 'kernel', x: -10, y: 200, width: 300, height: 120 }], ms: 1 });
}

function parse(svg: string): Document {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  expect(doc.documentElement.nodeName.toLowerCase()).toBe('svg');
  expect(doc.getElementsByTagName('parsererror').length).toBe(0);
  return doc;
}

const noneOf = (text: string) => {
  for (const s of SECRETS) {
    expect(text).not.toContain(s);
    expect(text).not.toContain(escapeXml(s));
  }
};

describe('tree picture', () => {
  it('draws the visible rows from the redacted keys only', () => {
    const s = sample();
    const svg = buildTreeSvg(treeRows(s), buildRedaction(s, { uids: 'keep' }));
    noneOf(svg);
    const doc = parse(svg);
    const texts = [...doc.getElementsByTagName('text')].map((t) => t.textContent);
    expect(texts).toContain('_ses');
    expect(texts).toContain('keyring #1');
    expect(texts).toContain('user key #1');
    expect(texts).toContain('.user_reg');
    expect(texts).toContain('revoked');
    expect(texts).toContain('10000007'); // the invisible member 99, renumbered
  });

  it('shows the real descriptions, escaped, when not redacting', () => {
    const s = sample();
    const svg = buildTreeSvg(treeRows(s), identityRedaction(s));
    const texts = [...parse(svg).getElementsByTagName('text')].map((t) => t.textContent);
    for (const secret of SECRETS) expect(texts).toContain(secret);
  });
});

describe('graph picture', () => {
  it('draws every placed node and edge with redacted labels', async () => {
    const s = sample();
    const model = buildGraphModel(buildTreeModel(new Map(s.keys.map((x) => [x.id, x])), s.anchors));
    const layout = await fakeLayout(layoutRequestOf(model, 1));
    const svg = buildGraphSvg(model, layout, buildRedaction(s, { uids: 'replace' }), 1000)!;
    noneOf(svg);
    const doc = parse(svg);
    expect(doc.getElementsByTagName('path').length).toBeGreaterThanOrEqual(model.edges.length);
    const texts = [...doc.getElementsByTagName('text')].map((t) => t.textContent);
    expect(texts).toContain('This process');
    expect(texts).toContain('uid 1000 · credentials');
    expect(texts).toContain('keyring #1');
  });

  it('draws each link along the line the screen draws: right angles, a long link through the lanes the layered layout keeps for it', () => {
    // Keys shared by two keyrings (laid out in layers), and key 60 linked from the session and four keyrings down.
    const s = snap(
      [
        ring(10, '_ses', [20, 21, 60]),
        ring(20, 'a', [30, 70, 71, 72, 73]),
        ring(21, 'b', [70, 71, 72, 73]),
        ring(30, 'c', [40]),
        ring(40, 'd', [50]),
        ring(50, 'e', [60]),
        ...[60, 70, 71, 72, 73].map((id) => k(id, `key ${id}`)),
      ],
      { session: 10 },
    );
    const model = buildGraphModel(buildTreeModel(new Map(s.keys.map((x) => [x.id, x])), s.anchors));
    const layout = computeLayout(layoutRequestOf(model, 1));
    expect(layout.kinds?.process).toBe('layered');
    const long = `${keyNodeId(10)}>${keyNodeId(60)}`;
    expect(Object.keys(layout.routes ?? {})).toEqual([long]);
    const doc = parse(buildGraphSvg(model, layout, identityRedaction(s), 1000)!);
    const paths = [...doc.getElementsByTagName('path')].filter((p) => p.hasAttribute('marker-end'));
    expect(paths).toHaveLength(model.edges.length);
    // The picture is the layout moved by one offset: the first link's start says by how much.
    const box = (id: string) => {
      const n = model.nodes.find((x) => x.id === id)!;
      const [x, y] = layout.positions[id]!;
      return { x, y, width: n.width, height: n.height };
    };
    const [mx, my] = /^M([-\d.]+)[ ,]([-\d.]+)/.exec(paths[0]!.getAttribute('d')!)!.slice(1).map(Number) as [number, number];
    const first = linkEnds(box(model.edges[0]!.source), box(model.edges[0]!.target));
    const [dx, dy] = [mx - first.x1, my - first.y1];
    model.edges.forEach((e, i) => {
      const d = paths[i]!.getAttribute('d')!;
      const s0 = box(e.source);
      const t0 = box(e.target);
      const ends = linkEnds({ ...s0, x: s0.x + dx, y: s0.y + dy }, { ...t0, x: t0.x + dx, y: t0.y + dy });
      const route = layout.routes?.[`${e.source}>${e.target}`]?.map(([x, y]) => [x + dx, y + dy] as const);
      expect(d, e.id).toBe(linkPath(ends.x1, ends.y1, ends.x2, ends.y2, route));
      expect(d, `${e.id}: straight runs and rounded right angles, no curve`).not.toMatch(/[CS]/);
    });
    // The long link runs level along each lane the layout kept for it (a run between two corners at one height).
    const d = paths[model.edges.findIndex((e) => `${e.source}>${e.target}` === long)]!.getAttribute('d')!;
    const route = layout.routes![long]!;
    const lanes = route.filter((p, i) => i > 0 && i + 1 < route.length && (route[i - 1]![1] === p[1] || route[i + 1]![1] === p[1])).map(([, y]) => y + dy);
    expect(lanes.length).toBeGreaterThan(0);
    const levels = [...d.matchAll(/L ?([-\d.]+)[ ,]([-\d.]+)/g)].map((m) => Number(m[2]));
    for (const y of lanes) expect(levels, `a run at ${y}`).toContain(y);
  });

  it('returns null when the layout places nothing', () => {
    const s = sample();
    const model = buildGraphModel(buildTreeModel(new Map(s.keys.map((x) => [x.id, x])), s.anchors));
    expect(buildGraphSvg(model, { id: 1, positions: {}, boxes: [], ms: 0 }, identityRedaction(s), null)).toBeNull();
  });

  it('cuts long labels with an ellipsis', () => {
    expect(fit('short', 200, 13)).toBe('short');
    const cut = fit('x'.repeat(200), 100, 13);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.length).toBeLessThan(200);
  });
});

describe('buildExport', () => {
  const state = (view: 'tree' | 'graph', processOnly = false) => {
    const s = sample();
    const { keys, ...meta } = s;
    return { keys: new Map(keys.map((x) => [x.id, x])), meta, view, expansion: new Map(), searchExpansion: new Map(), search: null, filterMatches: false, selectedId: null, processOnly, treeSort: KERNEL_ORDER };
  };
  const choice = (format: ExportChoice['format'], redact = true): ExportChoice => ({ format, redact, replaceUids: false });
  const deps = { layout: fakeLayout, openGroups: new Set<number>(), svgToPng: async (svg: string) => new Blob([svg]), now: Date.UTC(2026, 0, 2, 3, 4, 5) };

  it('exports the redacted snapshot as JSON by default, and the real one when asked', async () => {
    const red = await buildExport(state('tree'), choice('json'), deps);
    expect(red.filename).toMatch(/^keyrings-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.json$/);
    const text = await red.blob.text();
    noneOf(text);
    expect(JSON.parse(text).keys).toHaveLength(7);
    const plain = await (await buildExport(state('tree'), choice('json', false), deps)).blob.text();
    for (const s of SECRETS) expect(plain).toContain(JSON.stringify(s).slice(1, -1));
  });

  it('with "This process only", exports only what this process reaches, in the file and in both pictures', async () => {
    const json = JSON.parse(await (await buildExport(state('tree', true), choice('json', false), deps)).blob.text()) as { keys: { id: number }[] };
    expect(json.keys.map((x) => x.id).sort((a, b) => a - b)).toEqual([10, 20, 30, 40]);
    for (const view of ['tree', 'graph'] as const) {
      const svg = await (await buildExport(state(view, true), choice('svg', false), deps)).blob.text();
      expect(svg).toContain(SECRETS[1]);
      expect(svg, view).not.toContain(SECRETS[3]);
      expect(svg, view).not.toContain('.user_reg');
    }
  });

  it('pictures the current view', async () => {
    const tree = await buildExport(state('tree'), choice('svg'), deps);
    expect(tree.filename).toMatch(/^keyrings-tree-.*\.svg$/);
    noneOf(await tree.blob.text());
    const graph = await buildExport(state('graph'), choice('svg'), deps);
    expect(graph.filename).toMatch(/^keyrings-graph-.*\.svg$/);
    const g = await graph.blob.text();
    noneOf(g);
    expect(g).toContain('This process');
    const png = await buildExport(state('graph'), choice('png'), deps);
    expect(png.filename).toMatch(/\.png$/);
    noneOf(await png.blob.text()); // the fake encoder hands back the SVG it was given: the redacted one
  });
});

describe('png sizing', () => {
  it('reads the size from the svg and keeps the canvas within limits', () => {
    expect(svgSize('<svg xmlns="x" width="300" height="200" viewBox="0 0 300 200">')).toEqual({ width: 300, height: 200 });
    expect(pngScale(800, 600)).toBe(2);
    expect(pngScale(20_000, 100) * 20_000).toBeLessThanOrEqual(16_000);
    const s = pngScale(10_000, 10_000);
    expect(10_000 * s * 10_000 * s).toBeLessThanOrEqual(120_000_001);
  });
});

describe('wrap', () => {
  it('breaks a title into lines that fit', () => {
    expect(wrap('Kernel-held keyrings (not reachable from this process)', 200, 12)).toEqual(['Kernel-held keyrings (not', 'reachable from this process)']);
    expect(wrap('short', 200, 12)).toEqual(['short']);
  });
});
