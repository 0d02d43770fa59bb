import { useKb } from '../store';
import { sectionOfRowId } from './flatten';
import { findRowPath } from './model';
import { selectTreeModel } from './useTreeRows';

/** Selects key `id`, opens the keyrings above its first place in the tree and scrolls to it. */
export function revealKey(id: number): boolean {
  const s = useKb.getState();
  const model = selectTreeModel(s);
  const path = model && findRowPath(model, id);
  if (!path?.length) {
    s.select(id, null);
    return false;
  }
  s.revealPath(path, sectionOfRowId(path[0]!), id);
  return true;
}
