// Merging other users' views (threads/userViewWorker.ts) into a scan of the process's own view: keys
// only they can see join the table, their keyrings' member lists stand in for the ones this process may
// not read (a keyring's members are the same whoever reads them), and each key records which views list
// it. Merged by serial: a key several views list is one row. A view that found nothing (its uid's last key
// was collected mid-scan, or /proc/keys refused it) adds nothing: not an error. A view that is the reader's own
// text (`asReader`: the uid this process runs as) lists exactly the rows the reader found.
//
// Which views list a row is kept as one number per row, the index of its list of labels among the distinct lists
// (a few: most keys are listed by the same views), not a list per key: at 40k keys a Map of serials to arrays cost
// the merge more than the parse of every view, and the key records' module (keyRecordsJson.ts) writes a row's
// labels from that index.
import { parseProcKeysInto } from './procKeys';
import { parseProcKeysText } from './procKeysBytes';
import { KeyTable } from './keyTable';
import type { ReaderView, UserView } from '../threads/userViewWorker';

export interface SeenBy {
  /** Per table row: the index in `labels` of the views that list it. */
  listOf: Int32Array;
  /** Each distinct list: 'process' (rows the process's own view found), then 'uid N' in view order. */
  labels: readonly (readonly string[])[];
}

/** `readerRows`: the table's rows below this are the reader's (what an `asReader` view lists). */
export function mergeUserViews(
  table: KeyTable,
  members: Map<number, number[] | null>,
  views: readonly (UserView | ReaderView)[],
  hidden: ReadonlySet<number>,
  readerRows: number,
): SeenBy {
  const processRows = table.length;
  /** The rows each view lists, in its order (null: rows [0, readerRows), the reader's). */
  const listed: { uid: number; rows: Int32Array | null }[] = [];
  for (const view of views) {
    if ('asReader' in view) {
      listed.push({ uid: view.uid, rows: null });
      continue;
    }
    if (view.keys.text === undefined) continue;
    listed.push({ uid: view.uid, rows: viewRows(table, view, hidden) });
    for (const [ring, list] of view.members) {
      if (typeof list === 'string' || hidden.has(ring)) continue;
      if ((members.get(ring) ?? null) === null) members.set(ring, list);
    }
  }
  return labelRows(table.length, processRows, readerRows, listed);
}

/**
 * The table rows of the records `view` lists (not `hidden`), in its order; records the table does not hold yet are
 * added to it, as the view shows them.
 */
function viewRows(table: KeyTable, view: UserView, hidden: ReadonlySet<number>): Int32Array {
  const text = view.keys.text as string;
  const parsed = new KeyTable(0);
  // A view the thread sent as bytes is parsed by the WebAssembly module where it can (procKeysBytes.ts).
  if (view.keys.bytes === true) parsed.sourceOfBytes(text);
  if (view.keys.bytes !== true || !parseProcKeysText(parsed, text, view.readAt, hidden)) {
    parseProcKeysInto(parsed, text, view.readAt, (id) => !hidden.has(id));
  }
  // A view's serials looked up at once (by the serial index's WebAssembly where the table's was built there: at 40k
  // keys in 20 views, 40k lookups one call at a time, cold); the few it has no row for are added.
  const rows = new Int32Array(parsed.length);
  if (table.rowsOf(parsed.id.subarray(0, parsed.length), rows) > 0) {
    for (let r = 0; r < parsed.length; r++) if ((rows[r] as number) < 0) rows[r] = table.copyRow(parsed, r);
  }
  return rows;
}

/** Each row's list of labels: 'process' below `processRows`, then each view's 'uid N' for the rows it lists. */
function labelRows(rows: number, processRows: number, readerRows: number, listed: readonly { uid: number; rows: Int32Array | null }[]): SeenBy {
  const labels: (readonly string[])[] = [[], ['process']];
  const index = new Map<string, number>([
    ['', 0],
    ['process', 1],
  ]);
  const listOf = new Int32Array(rows);
  listOf.fill(1, 0, processRows);
  for (const { uid, rows: viewRows } of listed) {
    const label = `uid ${uid}`;
    /** Per list index: the list with this view's label added (-1: not made yet). */
    const next: number[] = [];
    const add = (row: number): void => {
      const from = listOf[row] as number;
      let to = next[from] ?? -1;
      if (to < 0) {
        const list = [...(labels[from] as readonly string[]), label];
        const key = list.join('\n');
        to = index.get(key) ?? -1;
        if (to < 0) {
          to = labels.length;
          labels.push(list);
          index.set(key, to);
        }
        next[from] = to;
      }
      listOf[row] = to;
    };
    if (viewRows === null) for (let row = 0; row < readerRows; row++) add(row);
    else for (let k = 0; k < viewRows.length; k++) add(viewRows[k] as number);
  }
  return { listOf, labels };
}

/** ['process', 'uid 0', 'uid 1000'] for one row (an array of its own). */
export function seenByLabels(seen: SeenBy, row: number): string[] {
  return [...(seen.labels[seen.listOf[row] as number] as readonly string[])];
}
