// Stepping through search matches (Enter/F3 forward, Shift+Enter/Shift+F3 back) in the order the tree
// draws them: each matched key once, at its first row, so a key linked from three keyrings is one stop.
import type { FlatRow } from './flatten';

export type KeyRow = Extract<FlatRow, { kind: 'key' }>;

const orders = new WeakMap<readonly FlatRow[], KeyRow[]>();

/** The matched keys' first rows, top to bottom (once per rows array: the tree asks again on every focus move). */
export function matchOrder(rows: readonly FlatRow[]): readonly KeyRow[] {
  let order = orders.get(rows);
  if (order === undefined) orders.set(rows, (order = findMatchOrder(rows)));
  return order;
}

/**
 * Records the match order of `rows`, worked out by whoever made them (flattenTree does it as it goes: a broad
 * search's 11k rows are then walked once, not once more here).
 */
export function rememberMatchOrder(rows: readonly FlatRow[], order: KeyRow[]): void {
  orders.set(rows, order);
}

function findMatchOrder(rows: readonly FlatRow[]): KeyRow[] {
  const seen = new Set<number>();
  const out: KeyRow[] = [];
  for (const r of rows) {
    if (r.kind === 'key' && r.match && !seen.has(r.key.id)) {
      seen.add(r.key.id);
      out.push(r);
    }
  }
  return out;
}

/** Which stop is current: the selected key if it matched, else the focused row's key; -1 for neither. */
export function currentMatch(order: readonly KeyRow[], selectedId: number | null, focusedKeyId: number | null): number {
  const at = (id: number | null) => (id == null ? -1 : order.findIndex((r) => r.key.id === id));
  const selected = at(selectedId);
  return selected >= 0 ? selected : at(focusedKeyId);
}

/** The next (dir 1) or previous (dir -1) stop, wrapping; from nowhere, the first or the last. */
export function stepMatch(count: number, current: number, dir: 1 | -1): number {
  if (count === 0) return -1;
  if (current < 0) return dir > 0 ? 0 : count - 1;
  return (current + dir + count) % count;
}
