// Lays the graph out when, and only when, its structure changes (the model's structureKey): a
// status tick or a usage change reuses the layout it has. Layouts are cached by structure key, so
// switching views or unfolding and refolding a group does not lay it out again.
//
// Something is always drawn. While the worker lays out the current structure the view shows, in order of
// preference: the layout of this exact structure (cached), else the newest finished layout when it
// places at least half of the current nodes (the others wait hidden), else a quick arrangement
// computed at once (layout.ts quickLayout). A finished layout is never thrown away because a newer
// one was asked for meanwhile: on a busy host the structure changes with every poll, and discarding
// each answer drew nothing at all.
import { useEffect, useMemo, useRef, useState } from 'react';
import { quickLayout, type LayoutRequest, type LayoutResult } from './layout';
import { requestLayout } from './layoutClient';
import type { GraphModel } from './model';

const CACHE_SIZE = 6;
const cache = new Map<string, LayoutResult>();
let nextRequestId = 1;
/** The newest layout the worker finished, whatever structure it was for. */
let newest: LayoutResult | null = null;
/** Structure key → why its layout failed (shown instead of waiting forever). */
const failures = new Map<string, string>();

/** Share of the current nodes an older layout must place to be shown instead of the quick one. */
const OLDER_LAYOUT_MIN_SHARE = 0.5;

export type LayoutSource = 'exact' | 'older' | 'quick';

export interface GraphLayoutState {
  /** What to draw now (see the file comment); null only without a model. */
  layout: LayoutResult | null;
  source: LayoutSource | null;
  /** True while the worker's layout for the current structure is awaited. */
  pending: boolean;
  /** Why the worker could not lay the current structure out (the quick arrangement stays). */
  error: string | null;
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

function placedShare(layout: LayoutResult, model: GraphModel): number {
  if (!model.nodes.length) return 1;
  let placed = 0;
  for (const n of model.nodes) if (layout.positions[n.id]) placed++;
  return placed / model.nodes.length;
}

/** `aspect()` reports the view's width / height when a layout is requested. */
export function useGraphLayout(model: GraphModel | null, aspect?: () => number | undefined): GraphLayoutState {
  const structureKey = model?.structureKey ?? null;
  // Bumped when an answer arrives: the choice below is made again.
  const [answers, setAnswers] = useState(0);
  const [roundTripMs, setRoundTripMs] = useState<number | null>(null);
  // Answers for an older structure count too (see above): only unmounting stops listening.
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  useEffect(() => {
    if (!model || structureKey == null || cache.has(structureKey) || failures.has(structureKey)) return;
    const t0 = performance.now();
    void requestLayout(layoutRequestOf(model, nextRequestId++, aspect?.()), { replaceable: true }).then((result) => {
      if (result.dropped) return;
      if (result.error) {
        console.error(`graph layout failed: ${result.error}`);
        failures.set(structureKey, result.error);
      } else {
        remember(structureKey, result);
        newest = result;
      }
      if (!mounted.current) return;
      setRoundTripMs(performance.now() - t0);
      setAnswers((n) => n + 1);
    });
    // The model object changes on every tick; only its structure matters here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [structureKey]);

  const chosen = useMemo((): { layout: LayoutResult; source: LayoutSource } | null => {
    if (!model || structureKey == null) return null;
    const exact = cache.get(structureKey);
    if (exact) return { layout: exact, source: 'exact' };
    if (newest && placedShare(newest, model) >= OLDER_LAYOUT_MIN_SHARE) return { layout: newest, source: 'older' };
    return { layout: quickLayout(layoutRequestOf(model, 0, aspect?.())), source: 'quick' };
    // Same structure ⇒ same choice until an answer arrives.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [structureKey, answers]);

  const error = structureKey != null ? (failures.get(structureKey) ?? null) : null;
  return {
    layout: chosen?.layout ?? null,
    source: chosen?.source ?? null,
    pending: chosen != null && chosen.source !== 'exact' && error == null,
    error,
    roundTripMs,
  };
}

function remember(key: string, result: LayoutResult): void {
  cache.delete(key);
  cache.set(key, result);
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
}
