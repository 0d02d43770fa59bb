// The rows the tree draws, derived from the store and memoised on exactly what they depend on.
import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useCompare } from '../compare/compareStore';
import { useKb, type KbState } from '../store';
import type { KeyInfo } from '../../../shared/snapshot';
import { treeRows, type TreeRows } from './flatten';
import { buildTreeModel, completeSections, onSectionsReady, sectionsReady, withChangedKeys, type TreeModel } from './model';
import { processOnlyModel } from './processOnly';

let memo: { keys: KbState['keys']; anchors: unknown; quotas: unknown; scope: unknown; uid: number; model: TreeModel } | null = null;

/**
 * The graph model for the store's current keys; rebuilt only when the key map, the anchors or what the Users
 * section shows (quotas, scope) change.
 */
export function selectTreeModel(s: Pick<KbState, 'keys' | 'meta'>): TreeModel | null {
  const meta = s.meta;
  if (!meta) return null;
  if (memo && memo.keys === s.keys && memo.anchors === meta.anchors && memo.quotas === meta.quotas && memo.scope === meta.scope && memo.uid === meta.uid) {
    return memo.model;
  }
  // A delta that changes no link, name or owner (most of them) keeps the model's structure: no rebuild at 20k keys.
  const sameContext = memo !== null && memo.anchors === meta.anchors && memo.quotas === meta.quotas && memo.scope === meta.scope && memo.uid === meta.uid;
  const model =
    (sameContext ? withChangedKeys((memo as { model: TreeModel }).model, s.keys) : null) ??
    buildTreeModel(s.keys, meta.anchors, { quotas: meta.quotas, uid: meta.uid, ...(meta.scope ? { scope: meta.scope } : {}) });
  memo = { keys: s.keys, anchors: meta.anchors, quotas: meta.quotas, scope: meta.scope, uid: meta.uid, model };
  return model;
}

export function useTreeModel(): TreeModel | null {
  const [keys, meta] = useKb(useShallow((s) => [s.keys, s.meta] as const));
  return useMemo(() => selectTreeModel({ keys, meta }), [keys, meta]);
}

/** The model the filtering views show (tree, search, graph, exports): the whole one, or this process's part with "This process only". */
export function selectShownModel(s: Pick<KbState, 'keys' | 'meta' | 'processOnly'>): TreeModel | null {
  const model = selectTreeModel(s);
  return model && s.processOnly ? processOnlyModel(model) : model;
}

export function useShownModel(): TreeModel | null {
  const model = useTreeModel();
  const processOnly = useKb((s) => s.processOnly);
  return useMemo(() => (model && processOnly ? processOnlyModel(model) : model), [model, processOnly]);
}

const NO_ROWS: TreeRows = {
  length: 0,
  at: (i) => {
    throw new RangeError(`no row ${i} of 0`);
  },
  depthAt: () => 0,
  indexOfRowId: () => -1,
  matches: { rowIndex: new Int32Array(0), keyId: new Int32Array(0) },
};

export function useTreeRows(): TreeRows {
  const model = useShownModel();
  // Bumped when the sections a first render left for later (a 'pending' last row) are worked out.
  const [sectionsDrawn, setSectionsDrawn] = useState(0);
  const { expansion, searchExpansion, search, filterMatches, ghosts, treeSort } = useKb(
    useShallow((s) => ({
      expansion: s.expansion,
      searchExpansion: s.searchExpansion,
      search: s.search,
      filterMatches: s.filterMatches,
      ghosts: s.ghosts,
      treeSort: s.treeSort,
    })),
  );
  const compared = useCompare((s) => s.result?.ghosts);
  const allGhosts = useMemo(() => (compared?.size ? withComparedGhosts(ghosts, compared) : ghosts), [ghosts, compared]);
  const rows = useMemo(
    () =>
      model
        ? treeRows(model, { expansion: search ? searchExpansion : expansion, search, filter: filterMatches, ghosts: allGhosts, sort: treeSort, firstScreen: true })
        : NO_ROWS,
    // sectionsDrawn: the same inputs, drawn again once the model's sections are worked out.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [model, expansion, searchExpansion, search, filterMatches, allGhosts, treeSort, sectionsDrawn],
  );
  const pending = rows.length > 0 && rows.at(rows.length - 1).kind === 'pending';
  // The sections left for later are worked out once the frame that shows these rows is painted, in the idle time
  // after it (asked for from that frame's animation callbacks; 100 ms at the latest), unless something reads them
  // first (a search, the graph, an export).
  useEffect(() => {
    if (!pending || model === null) return;
    const drawAgain = () => setSectionsDrawn((n) => n + 1);
    if (sectionsReady(model)) {
      drawAgain();
      return;
    }
    const unsubscribe = onSectionsReady(model, drawAgain);
    let cancelLater: (() => void) | undefined;
    const frame = requestAnimationFrame(() => {
      cancelLater = afterPaint(() => completeSections(model));
    });
    return () => {
      unsubscribe();
      cancelAnimationFrame(frame);
      cancelLater?.();
    };
  }, [pending, model]);
  return rows;
}

/** Runs `work` in the page's next idle time (100 ms at the latest); returns a function that cancels it. */
function afterPaint(work: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(work, { timeout: 100 });
    return () => cancelIdleCallback(handle);
  }
  const timer = setTimeout(work, 0);
  return () => clearTimeout(timer);
}

/** The live ghosts (just unlinked) and the comparison's (removed since its file), by keyring; a key once. */
function withComparedGhosts(
  live: ReadonlyMap<number, readonly { key: KeyInfo }[]>,
  compared: ReadonlyMap<number, readonly { key: KeyInfo; compared: true }[]>,
): Map<number, readonly { key: KeyInfo; compared?: boolean }[]> {
  const out = new Map<number, readonly { key: KeyInfo; compared?: boolean }[]>(live);
  for (const [ring, list] of compared) {
    const now = out.get(ring) ?? [];
    out.set(ring, [...now, ...list.filter((g) => !now.some((x) => x.key.id === g.key.id))]);
  }
  return out;
}
