// In-browser measurements for `npm run bench` (only with `?fake=N&bench=1`): time to the first
// drawn tree, and one programmatic search timed until its rows are drawn. The result lands in
// `window.__kbBench = { firstRenderMs, searchMs, keyCount, rowCount }`.
import { useKb } from './store';
import type { FlatRow } from './tree/flatten';

type Waiter = (rows: FlatRow[]) => boolean;
let waiters: Waiter[] = [];

/** Called by the tree after each commit of new rows. */
export function notifyRowsDrawn(rows: FlatRow[]): void {
  if (waiters.length) waiters = waiters.filter((w) => !w(rows));
}

/** Resolves after the next paint following a commit whose rows satisfy `test`. */
export function waitForRows(test: (rows: FlatRow[]) => boolean): Promise<FlatRow[]> {
  return new Promise((resolve) => {
    waiters.push((rows) => {
      if (!test(rows)) return false;
      requestAnimationFrame(() => setTimeout(() => resolve(rows), 0));
      return true;
    });
  });
}

export interface BenchResult {
  firstRenderMs: number;
  pageLoadMs: number;
  searchMs: number;
  keyCount: number;
  searchQuery: string;
  searchRowCount: number;
}

declare global {
  interface Window {
    __kbBench?: BenchResult;
  }
}

/** Runs once after startup in bench mode. */
export async function runBench(keyCount: number, search: (query: string) => void): Promise<BenchResult> {
  // firstRenderMs: from the snapshot reaching the store to the first paint of its rows (the
  // renderer's own cost); pageLoadMs: from navigation start (includes script load and, in fake
  // mode, generating the keys).
  let snapshotAt = performance.now();
  const unsubscribe = useKb.subscribe((s, prev) => {
    if (s.seq >= 0 && prev.seq < 0) snapshotAt = performance.now();
  });
  await waitForRows((rows) => rows.some((r) => r.kind === 'key'));
  unsubscribe();
  const painted = performance.now();
  const firstRenderMs = painted - snapshotAt;
  const searchQuery = 'bench:3';
  const t0 = performance.now();
  const drawn = waitForRows((rows) => rows.some((r) => r.kind === 'key' && r.match));
  search(searchQuery);
  const rows = await drawn;
  const result: BenchResult = {
    firstRenderMs: Math.round(firstRenderMs),
    pageLoadMs: Math.round(painted),
    searchMs: Math.round(performance.now() - t0),
    keyCount,
    searchQuery,
    searchRowCount: rows.length,
  };
  window.__kbBench = result;
  return result;
}
