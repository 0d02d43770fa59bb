// elkjs's layered layout as the app ran it until session 8 (renderer/src/graph/layout.ts now lays graphs out
// itself), kept only so `npm run bench` can print its time for the same graph beside the app's layout: the
// graph bench page hands over its request (`&elk=1`, renderer/src/graph/bench.ts) and it is laid out here, in
// Node. Neither the app's bundle nor its layout worker carries elkjs.
import ELK from 'elkjs/lib/elk.bundled.js';

/** A layout request as the graph bench page hands it over (renderer/src/graph/layout.ts LayoutRequest). */
export interface ElkBenchRequest {
  nodes: { id: string; cluster: string; width: number; height: number }[];
  edges: { source: string; target: string }[];
}

/** The options the app used: the cheapest that kept its picture (no crossing-minimisation sweeps, polyline routing). */
export const ELK_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.layered.spacing.nodeNodeBetweenLayers': '52',
  'elk.spacing.nodeNode': '8',
  'elk.spacing.componentComponent': '28',
  'elk.layered.crossingMinimization.strategy': 'INTERACTIVE',
  'elk.layered.thoroughness': '1',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.nodePlacement.bk.fixedAlignment': 'BALANCED',
  'elk.edgeRouting': 'POLYLINE',
  'elk.separateConnectedComponents': 'true',
};

interface ElkGraph {
  id: string;
  layoutOptions?: Record<string, string>;
  children?: { id: string; width: number; height: number; x?: number; y?: number }[];
  edges?: { id: string; sources: string[]; targets: string[] }[];
}

/** Milliseconds elkjs takes to lay out each cluster of `req` on this thread, summed (as the app laid clusters out one by one). */
export async function elkLayoutMs(req: ElkBenchRequest, options: Record<string, string> = ELK_OPTIONS): Promise<number> {
  const elk = new ELK() as unknown as { layout(g: ElkGraph): Promise<ElkGraph> };
  const clusterOf = new Map(req.nodes.map((n) => [n.id, n.cluster]));
  let total = 0;
  for (const cluster of new Set(req.nodes.map((n) => n.cluster))) {
    const nodes = req.nodes.filter((n) => n.cluster === cluster);
    const edges = req.edges.filter((e) => clusterOf.get(e.source) === cluster && clusterOf.get(e.target) === cluster);
    const t0 = performance.now();
    await elk.layout({
      id: cluster,
      layoutOptions: options,
      // y = model order: what interactive crossing minimisation sorts each layer by.
      children: nodes.map((n, i) => ({ id: n.id, width: n.width, height: n.height, x: 0, y: i * 10 })),
      edges: edges.map((e, i) => ({ id: `e${i}`, sources: [e.source], targets: [e.target] })),
    });
    total += performance.now() - t0;
  }
  return total;
}
