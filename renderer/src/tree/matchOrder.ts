// Stepping through search matches (Enter/F3 forward, Shift+Enter/Shift+F3 back) in the order the tree
// draws them: each matched key once, at its first row, so a key linked from three keyrings is one stop.
// The tree's rows collect it as they are walked (flatten.ts TreeRows.matches), as row indices: a broad
// search's 11k matches are never made into rows for it.
import type { FlatRow } from './flatten';

export interface MatchOrder {
  /** The index of each stop's row, top to bottom. */
  rowIndex: Int32Array;
  /** Each stop's key id (key ids are positive int32s). */
  keyId: Int32Array;
}

/** The match order of a whole list of rows, by walking it (what TreeRows.matches holds for the rows it would make). */
export function matchOrderOf(rows: readonly FlatRow[]): MatchOrder {
  const seen = new Set<number>();
  const rowIndex: number[] = [];
  const keyId: number[] = [];
  rows.forEach((r, i) => {
    if (r.kind === 'key' && r.match && !seen.has(r.key.id)) {
      seen.add(r.key.id);
      rowIndex.push(i);
      keyId.push(r.key.id);
    }
  });
  return { rowIndex: Int32Array.from(rowIndex), keyId: Int32Array.from(keyId) };
}

/** Which stop is current: the selected key if it matched, else the focused row's key; -1 for neither. */
export function currentMatch(order: MatchOrder, selectedId: number | null, focusedKeyId: number | null): number {
  const at = (id: number | null) => (id == null ? -1 : order.keyId.indexOf(id));
  const selected = at(selectedId);
  return selected >= 0 ? selected : at(focusedKeyId);
}

/** The next (dir 1) or previous (dir -1) stop, wrapping; from nowhere, the first or the last. */
export function stepMatch(count: number, current: number, dir: 1 | -1): number {
  if (count === 0) return -1;
  if (current < 0) return dir > 0 ? 0 : count - 1;
  return (current + dir + count) % count;
}
