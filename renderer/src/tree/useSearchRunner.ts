// Runs the search debounced, off the render path: typing updates `query` at once, the match sets
// are computed after a short pause (and again when the keys change) and stored as `search`.
import { useEffect } from 'react';
import { useKb } from '../store';
import { roleText } from './roles';
import { runSearch } from './search';
import { selectShownModel } from './useTreeRows';
import { drawnParents } from './model';

export const SEARCH_DEBOUNCE_MS = 150;

/** Computes the search for the store's current query and keys now (used by the debounced runner and the bench). */
export function runSearchNow(): void {
  const s = useKb.getState();
  // With "This process only", matches outside this process's keyrings are not counted or stepped to.
  const model = selectShownModel(s);
  s.setSearch(model ? runSearch(model.keys, drawnParents(model), s.query, (id) => roleText(model, id)) : null);
}

export function useSearchRunner(): void {
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
