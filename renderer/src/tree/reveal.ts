import { useKb } from '../store';
import { sectionOfRowId } from './flatten';
import { findRowPath } from './model';
import { selectShownModel, selectTreeModel } from './useTreeRows';

/**
 * Selects key `id`, opens the keyrings above its first place in the tree and scrolls to it. A key that
 * "This process only" hides (a keyring of another session, named in the details panel) is asked for by
 * name: the filter goes off to show it.
 */
export function revealKey(id: number): boolean {
  let s = useKb.getState();
  if (s.processOnly && !selectShownModel(s)?.keys.has(id) && selectTreeModel(s)?.keys.has(id)) {
    s.setProcessOnly(false);
    s = useKb.getState();
  }
  const model = selectShownModel(s);
  const path = model && findRowPath(model, id);
  if (!path?.length) {
    s.select(id, null);
    return false;
  }
  s.revealPath(path, sectionOfRowId(path[0]!), id);
  return true;
}

/**
 * Reveals key `id` as soon as the snapshot has it: a key an action just made (Add key, Get persistent
 * keyring) reaches the view with the next poll. Gives up after `waitMs`, or if the person selects
 * something else meanwhile.
 */
export function revealKeyWhenSeen(id: number, waitMs = 10_000): void {
  if (useKb.getState().keys.has(id)) {
    revealKey(id);
    return;
  }
  const selectedBefore = useKb.getState().selectedId;
  const stop = useKb.subscribe((s) => {
    if (s.selectedId !== selectedBefore) return done();
    if (s.keys.has(id)) {
      done();
      revealKey(id);
    }
  });
  const timer = setTimeout(() => done(), waitMs);
  function done(): void {
    clearTimeout(timer);
    stop();
  }
}
