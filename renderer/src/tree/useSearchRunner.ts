// Runs the search debounced, off the render path: typing updates `query` at once, the match sets
// are computed after a short pause (and again when the keys change) and stored as `search`. The search
// index of each new tree structure is built in idle time meanwhile (searchIndex.ts).
import { useEffect } from 'react';
import { useKb } from '../store';
import { searchModel, warmSearchIndex } from './searchIndex';
import type { SearchResult } from './search';
import { selectShownModel, useShownModel } from './useTreeRows';

export const SEARCH_DEBOUNCE_MS = 150;

/** Computes the search for the store's current query and keys now (used by the debounced runner and the bench). */
export function runSearchNow(): void {
  const s = useKb.getState();
  // With "This process only", matches outside this process's keyrings are not counted or stepped to.
  const model = selectShownModel(s);
  const result = model ? searchModel(model, s.query) : null;
  // A delta that changes no match keeps the result: the tree does not flatten thousands of matches again.
  if (!sameResult(result, s.search)) s.setSearch(result);
}

function sameResult(a: SearchResult | null, b: SearchResult | null): boolean {
  if (a === null || b === null) return a === b;
  return a.query === b.query && sameSet(a.matches, b.matches) && sameSet(a.ancestors, b.ancestors);
}

function sameSet(a: ReadonlySet<number>, b: ReadonlySet<number>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/**
 * The search runner as a component that draws nothing: it follows the keys, the query and the model, and
 * as a hook in App it made App (and with it every panel) render again on each delta and keystroke.
 */
export function SearchRunner(): null {
  useSearchRunner();
  return null;
}

export function useSearchRunner(): void {
  const model = useShownModel();
  useEffect(() => (model ? warmSearchIndex(model) : undefined), [model]);
  const query = useKb((s) => s.query);
  const keys = useKb((s) => s.keys);
  const processOnly = useKb((s) => s.processOnly);
  useEffect(() => {
    if (!query.trim()) {
      if (useKb.getState().search) useKb.getState().setSearch(null);
      return;
    }
    const t = setTimeout(runSearchNow, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [query, keys, processOnly]);
}
