// Whether the changes of other users' views (the system view) can be applied as changes, like the reader's own.
// A merged key's row is one record that every view listing it lists alike (their /proc/keys lines of a key are the
// same bytes: no column depends on who reads, but the timeout, which is rounded from the read's time). So a poll in
// which some views changed may apply only the changes where, for every changed key, each view that listed it at the
// last poll (its `seenBy`) now lists the same new record, the reader's changes included where the reader lists it:
// the key stays listed by the same views, and its row is that record. Anything else (a key that appeared in or left
// a view, a view's member lists that changed, two views that disagree, a view that cannot be compared) is for a
// full scan, which merges every view again. Pure: records in, an answer out.
import type { KeyInfo } from '../../shared/snapshot';
import type { ProcKeysChanges } from './procKeysChanges';

/** One view that changed since the last poll: its uid's label (`uid N`), what changed in it, its lists then and now. */
export interface ChangedView {
  label: string;
  /**
   * The records of /proc/keys as read as the uid that changed since the last poll's read (decoded), as the user-view
   * thread compared the two reads; null when the comparison could not tell.
   */
  changes: ProcKeysChanges | null;
  /** The view's keyrings' member lists (or errno names), last poll and now. */
  membersBefore: ReadonlyArray<readonly [number, readonly number[] | string]>;
  membersNow: ReadonlyArray<readonly [number, readonly number[] | string]>;
  /** Epoch ms of this read (its timeouts are relative to it). */
  readAt: number;
}

export interface AgreeingViewChanges {
  /** Keys other views list whose change every view listing them carries alike: changedKeys may apply them. */
  agreed: Set<number>;
  /** The records of agreed keys the reader does not list (decoded text, whole lines), with their read's time. */
  viewOnly: { text: string; readAt: number }[];
}

/**
 * The views' changes, when they can be applied as changes (see above); else why not, in words.
 * `readerText`: the records the reader's read changed or added (decoded), `readerLabels`: the labels that stand for
 * the reader's view (`process`, and a uid whose view is the reader's text), `prev`: the last poll's keys.
 */
export function agreeingViewChanges(
  changed: readonly ChangedView[],
  readerText: string,
  readerLabels: readonly string[],
  prev: (id: number) => KeyInfo | undefined,
  hidden: ReadonlySet<number>,
): AgreeingViewChanges | string {
  const reader = recordsBySerial(readerText);
  if (reader === null) return "the reader's changed records could not be told apart";
  /** Each key a view changed: its new record (decoded), the labels of the views that carry it, and a read's time. */
  const byKey = new Map<number, { record: string; labels: Set<string>; readAt: number }>();
  for (const view of changed) {
    if (!sameMemberLists(view.membersBefore, view.membersNow)) return `the member lists ${view.label} sees changed`;
    const changes = view.changes;
    if (changes === null) return `what changed in the view of ${view.label} could not be told`;
    if (changes.removed.some((id) => !hidden.has(id))) return `a key left the view of ${view.label}`;
    // procKeysChanges decodes the records it gives (UTF-8), as the reader's are.
    const records = recordsBySerial(changes.text);
    if (records === null) return `the changed records of ${view.label} could not be told apart`;
    for (const [id, record] of records) {
      if (hidden.has(id)) continue;
      if (prev(id)?.seenBy?.includes(view.label) !== true) return `a key appeared in the view of ${view.label}`;
      const seen = byKey.get(id);
      if (seen === undefined) byKey.set(id, { record, labels: new Set([view.label]), readAt: view.readAt });
      else if (seen.record !== record) return `two views list key ${id} differently`;
      else seen.labels.add(view.label);
    }
  }
  const agreed = new Set<number>();
  const viewOnly: { text: string; readAt: number }[] = [];
  for (const [id, { record, labels, readAt }] of byKey) {
    const seenBy = (prev(id) as KeyInfo).seenBy as readonly string[];
    const byReader = reader.get(id);
    for (const label of seenBy) {
      const carried = readerLabels.includes(label) ? byReader === record : labels.has(label);
      if (!carried) return `key ${id} changed in one view and not alike in another`;
    }
    // The reader lists it now where it did not: it came into this process's own view.
    if (byReader !== undefined && !seenBy.some((label) => readerLabels.includes(label))) return `key ${id} came into this process's view`;
    agreed.add(id);
    if (byReader === undefined) viewOnly.push({ text: record, readAt });
  }
  return { agreed, viewOnly };
}

/** Serial -> whole record (its line, and any continuation lines of a description holding '\n'); null: not records. */
export function recordsBySerial(text: string): Map<number, string> | null {
  const records = new Map<number, string>();
  let id = -1;
  let start = 0;
  for (let at = 0; at < text.length; ) {
    const end = text.indexOf('\n', at);
    const next = end < 0 ? text.length : end + 1;
    const serial = /^[0-9a-f]{8} /.test(text.slice(at, at + 9)) ? parseInt(text.slice(at, at + 8), 16) : -1;
    if (serial >= 0) {
      if (id >= 0) records.set(id, text.slice(start, at));
      id = serial;
      start = at;
    } else if (id < 0) {
      return null; // a continuation before any record
    }
    at = next;
  }
  if (id >= 0) records.set(id, text.slice(start));
  return records;
}

/** Whether two reads of a view's member lists (keyring, members or errno name; in the view's order) are the same. */
export function sameMemberLists(a: ChangedView['membersBefore'], b: ChangedView['membersNow']): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const [ringA, listA] = a[i]!;
    const [ringB, listB] = b[i]!;
    if (ringA !== ringB) return false;
    if (typeof listA === 'string' || typeof listB === 'string') {
      if (listA !== listB) return false;
      continue;
    }
    if (listA.length !== listB.length || listA.some((m, k) => m !== listB[k])) return false;
  }
  return true;
}
