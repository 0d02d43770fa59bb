// Lays the graph out when, and only when, its structure changes (the model's structureKey): a
// status tick or a usage change reuses the layout it has. Layouts are cached by structure key, so
// switching views or unfolding and refolding a group does not run ELK again.
import { useEffect, useState } from 'react';
import type { LayoutRequest, LayoutResult } from './layout';
import { requestLayout } from './layoutClient';
import type { GraphModel } from './model';

const CACHE_SIZE = 6;
const cache = new Map<string, LayoutResult>();
let nextRequestId = 1;

export interface GraphLayoutState {
  /** The newest layout available; may belong to an older structure while a new one is computed. */
  layout: LayoutResult | null;
  /** True while the layout for the current structure is being computed. */
  pending: boolean;
  /** Round trip of the last layout (request to answer), ms. */
  roundTripMs: number | null;
}

export function layoutRequestOf(model: GraphModel, id: number, aspect?: number): LayoutRequest {
  return {
    id,
    aspect,
    nodes: model.nodes.map((n) => ({ id: n.id, cluster: n.cluster, width: n.width, height: n.height })),
    edges: model.edges.filter((e) => !e.crossCluster).map((e) => ({ source: e.source, target: e.target })),
  };
}

/** `aspect()` reports the view's width / height when a layout is requested. */
export function useGraphLayout(model: GraphModel | null, aspect?: () => number | undefined): GraphLayoutState {
  const structureKey = model?.structureKey ?? null;
  const [state, setState] = useState<GraphLayoutState & { key: string | null }>(() => {
    const hit = structureKey != null ? cache.get(structureKey) : undefined;
    return { key: hit ? structureKey : null, layout: hit ?? null, pending: !hit, roundTripMs: null };
  });

  useEffect(() => {
    if (!model || structureKey == null) return;
    const hit = cache.get(structureKey);
    if (hit) {
      setState((s) => (s.key === structureKey ? s : { key: structureKey, layout: hit, pending: false, roundTripMs: s.roundTripMs }));
      return;
    }
    let live = true;
    setState((s) => ({ ...s, pending: true }));
    const t0 = performance.now();
    const req = layoutRequestOf(model, nextRequestId++, aspect?.());
    requestLayout(req).then(
      (result) => {
        if (result.error) console.error(`graph layout failed: ${result.error}`);
        else remember(structureKey, result);
        if (!live) return;
        setState({ key: structureKey, layout: result.error ? null : result, pending: false, roundTripMs: performance.now() - t0 });
      },
      (e: unknown) => {
        console.error('graph layout failed', e);
        if (live) setState((s) => ({ ...s, pending: false }));
      },
    );
    return () => {
      live = false;
    };
    // The model object changes on every tick; only its structure matters here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [structureKey]);

  return { layout: state.layout, pending: state.pending || state.key !== structureKey, roundTripMs: state.roundTripMs };
}

function remember(key: string, result: LayoutResult): void {
  cache.delete(key);
  cache.set(key, result);
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
}
