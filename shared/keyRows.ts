// A snapshot's keys as rows that share structure: a flat array in ascending id order (the base) under a small map
// of the ids changed since (the overlay: the key now, or null where it went). A poll changes a few keys of tens of
// thousands; making the next rows copies the overlay, not 40k keys (at 40k a copy of the array is a 320 KB object
// that V8 places in its own fresh pages: 1.4-1.8 ms of CPU each on this VM, and garbage for a mark-compact), and
// two rows that share a base say which ids may differ by their overlays alone. The flat array is made only when
// something asks for a snapshot's `keys` (a new client, a recording's start, an action), once per rows.
//
// Rows, like keys arrays and key objects, are never modified once made.
import { idsThatMayDiffer as arraysMayDiffer, indexById, isSortedById, recordDerived } from './keyLineage';
import type { KeyInfo, Snapshot } from './snapshot';

/**
 * The overlay's size past which `with` makes a flat base again. Each rows copies its overlay, and a flat base costs
 * every key once per this many changes: twice the square root of the keys balances the two (400 at 40k keys; a 16th
 * of the keys cost 4x more a poll over 3,000 one-key polls, as its overlay of up to 2,500 was copied each time).
 */
function overlayLimit(keys: number): number {
  return Math.max(32, 2 * Math.ceil(Math.sqrt(keys)));
}

export class KeyRows {
  private flat: KeyInfo[] | null;

  private constructor(
    /** Ascending ids; held (not weakly): rows of one line share it. */
    readonly base: readonly KeyInfo[],
    /** By id: the key now (replaced or added), or null (a key of base that went). */
    private readonly over: ReadonlyMap<number, KeyInfo | null>,
    readonly length: number,
  ) {
    this.flat = over.size === 0 ? (base as KeyInfo[]) : null;
  }

  /** Rows of a keys array in ascending id order (the same rows for the same array). */
  static of(keys: readonly KeyInfo[]): KeyRows {
    let rows = ofArray.get(keys);
    if (rows === undefined) {
      rows = new KeyRows(keys, new Map(), keys.length);
      ofArray.set(keys, rows);
    }
    return rows;
  }

  /** The key of `id`, or undefined. */
  get(id: number): KeyInfo | undefined {
    const over = this.over.get(id);
    if (over !== undefined) return over ?? undefined;
    return this.inBase(id);
  }

  /** The base's key of `id`, or undefined. */
  private inBase(id: number): KeyInfo | undefined {
    const at = indexById(this.base, id);
    return at < 0 ? undefined : this.base[at];
  }

  /**
   * These rows with `remove`'s ids taken out (ids not here are ignored), then the keys of `put` put in (in place of
   * a key of the same id, or added). Costs the overlay and the changes, not the keys, until the overlay outgrows
   * overlayLimit: then the result is flat.
   */
  with(put: Iterable<KeyInfo>, remove: Iterable<number> = []): KeyRows {
    const over = new Map(this.over);
    let length = this.length;
    for (const id of remove) {
      const now = over.has(id) ? over.get(id) : this.inBase(id);
      if (now === undefined || now === null) continue;
      length--;
      if (this.inBase(id) === undefined) over.delete(id);
      else over.set(id, null);
    }
    for (const key of put) {
      const now = over.has(key.id) ? over.get(key.id) : this.inBase(key.id);
      if (now === undefined || now === null) length++;
      if (this.inBase(key.id) === key) over.delete(key.id);
      else over.set(key.id, key);
    }
    const rows = new KeyRows(this.base, over, length);
    return over.size > overlayLimit(length) ? KeyRows.of(rows.array()) : rows;
  }

  /** The keys as one array in ascending id order (made once; its lineage from the base is recorded: keyLineage.ts). */
  array(): KeyInfo[] {
    if (this.flat !== null) return this.flat;
    const ids = [...this.over.keys()].sort((a, b) => a - b);
    const out: KeyInfo[] = [];
    let j = 0;
    for (const key of this.base) {
      while (j < ids.length && (ids[j] as number) < key.id) this.push(out, ids[j++] as number);
      if (j < ids.length && ids[j] === key.id) this.push(out, ids[j++] as number);
      else out.push(key);
    }
    while (j < ids.length) this.push(out, ids[j++] as number);
    recordDerived(out, this.base, ids);
    this.flat = out;
    return out;
  }

  /** The ids in which `a` and `b` may hold different keys, ascending and each once; null when they cannot say. */
  static idsThatMayDiffer(a: KeyRows, b: KeyRows): number[] | null {
    if (a === b) return [];
    let ids: number[];
    if (a.base === b.base) ids = [];
    else {
      const between = arraysMayDiffer(a.base, b.base);
      if (between === null) return null;
      ids = between;
    }
    for (const [id, key] of a.over) if (b.over.get(id) !== key || a.base !== b.base) ids.push(id);
    for (const id of b.over.keys()) if (!a.over.has(id)) ids.push(id);
    ids.sort((x, y) => x - y);
    return ids.filter((id, i) => i === 0 || ids[i - 1] !== id);
  }

  private push(out: KeyInfo[], id: number): void {
    const key = this.over.get(id);
    if (key !== null && key !== undefined) out.push(key);
  }
}

/** Rows made of an array (KeyRows.of). */
const ofArray = new WeakMap<readonly KeyInfo[], KeyRows>();

/** The rows behind snapshots made with snapshotOfRows. */
const rowsBehind = new WeakMap<Snapshot, KeyRows>();

/**
 * A snapshot whose `keys` are `rows`: the array is made when first read (rowsOf reads the rows without it). Its
 * other fields are `head`'s.
 */
export function snapshotOfRows(head: Omit<Snapshot, 'keys'>, rows: KeyRows): Snapshot {
  const snapshot = { ...head } as Snapshot;
  Object.defineProperty(snapshot, 'keys', { get: () => rows.array(), enumerable: true, configurable: true });
  rowsBehind.set(snapshot, rows);
  return snapshot;
}

/** The snapshot's keys as rows (without making its array), or null when they are not in ascending id order. */
export function rowsOf(snapshot: Snapshot): KeyRows | null {
  const rows = rowsBehind.get(snapshot);
  if (rows !== undefined) return rows;
  return isSortedById(snapshot.keys) ? KeyRows.of(snapshot.keys) : null;
}

/** The snapshot with `fields` changed and the same keys (not made into an array if they were rows). */
export function withHead(snapshot: Snapshot, fields: Partial<Omit<Snapshot, 'keys'>>): Snapshot {
  const rows = rowsBehind.get(snapshot);
  if (rows === undefined) return { ...snapshot, ...fields };
  return snapshotOfRows({ ...headOf(snapshot), ...fields }, rows);
}

/** Every field of the snapshot but `keys` (not read). */
export function headOf(snapshot: Snapshot): Omit<Snapshot, 'keys'> {
  const head: Record<string, unknown> = {};
  for (const field of Object.keys(snapshot)) if (field !== 'keys') head[field] = snapshot[field as keyof Snapshot];
  return head as Omit<Snapshot, 'keys'>;
}

/** How many keys the snapshot holds (without making its array). */
export function keyCount(snapshot: Snapshot): number {
  return rowsBehind.get(snapshot)?.length ?? snapshot.keys.length;
}
