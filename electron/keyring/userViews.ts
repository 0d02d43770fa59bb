// Merging other users' views (threads/userViewWorker.ts) into a scan of the process's own view: keys
// only they can see join the table, their keyrings' member lists stand in for the ones this process may
// not read (a keyring's members are the same whoever reads them), and each key records which views list
// it. Merged by serial: a key several views list is one row. A view that found nothing (its uid's last key
// was collected mid-scan, or /proc/keys refused it) adds nothing: not an error. A view that is the reader's own
// text (`asReader`: the uid this process runs as) lists exactly the rows the reader found.
import { parseProcKeysInto } from './procKeys';
import type { KeyTable } from './keyTable';
import type { ReaderView, UserView } from '../threads/userViewWorker';

export interface SeenBy {
  /** Rows below this were found by the process's own view. */
  processRows: number;
  /** serial → uids whose view lists it, in view order. */
  uids: Map<number, number[]>;
}

/** `readerRows`: the table's rows below this are the reader's (what an `asReader` view lists). */
export function mergeUserViews(
  table: KeyTable,
  members: Map<number, number[] | null>,
  views: readonly (UserView | ReaderView)[],
  hidden: ReadonlySet<number>,
  readerRows: number,
): SeenBy {
  const seen: SeenBy = { processRows: table.length, uids: new Map() };
  for (const view of views) {
    if ('asReader' in view) {
      for (let row = 0; row < readerRows; row++) {
        const id = table.id[row] as number;
        const list = seen.uids.get(id);
        if (list === undefined) seen.uids.set(id, [view.uid]);
        else list.push(view.uid);
      }
      continue;
    }
    if (view.keys.text === undefined) continue;
    parseProcKeysInto(table, view.keys.text, view.readAt, (id) => {
      if (hidden.has(id)) return false;
      const list = seen.uids.get(id);
      if (list === undefined) seen.uids.set(id, [view.uid]);
      else list.push(view.uid);
      return !table.has(id);
    });
    for (const [ring, list] of view.members) {
      if (typeof list === 'string' || hidden.has(ring)) continue;
      if ((members.get(ring) ?? null) === null) members.set(ring, list);
    }
  }
  return seen;
}

/** ['process', 'uid 0', 'uid 1000'] for one row. */
export function seenByLabels(seen: SeenBy, row: number, id: number): string[] {
  const labels = row < seen.processRows ? ['process'] : [];
  for (const uid of seen.uids.get(id) ?? []) labels.push(`uid ${uid}`);
  return labels;
}
