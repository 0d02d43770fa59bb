// A snapshot's keys numbered 0…n-1 by id, so that a pass over all of them can mark keys in a byte array
// instead of a Set: at 40k keys a Set of ids above 2^30 (heap numbers, not small integers) is 40k insertions
// into a table that grows and is copied as it grows, and all of it for the collector to copy again; the walk from
// the anchors makes one for every snapshot the app shows. A key's number is found by a binary search of the
// sorted ids (a Float64Array: outside V8's heap).
//
// Pure: no Node, Electron or DOM.

/** Ids fit below this and the count below PLACES: id × PLACES + place stays below 2^53, exact in a double. */
const MAX_ID = 2 ** 32;
const PLACES = 2 ** 21;

export class KeyPositions<K> {
  private constructor(
    /** The ids, ascending. */
    readonly ids: Float64Array,
    /** The key with `ids[i]`. */
    readonly keyAt: readonly K[],
  ) {}

  /** `keys` numbered by id; null when an id is not an integer in [0, 2^32) or there are 2M keys or more. */
  static of<K>(keys: ReadonlyMap<number, K>): KeyPositions<K> | null {
    const n = keys.size;
    if (n >= PLACES) return null;
    const ids = new Float64Array(n);
    const keyAt: K[] = new Array<K>(n);
    let i = 0;
    let sorted = true;
    let fits = true;
    keys.forEach((k, id) => {
      if (!(id >= 0 && id < MAX_ID && Math.floor(id) === id)) fits = false;
      if (i > 0 && ids[i - 1]! >= id) sorted = false;
      ids[i] = id;
      keyAt[i] = k;
      i++;
    });
    if (!fits) return null;
    if (sorted) return new KeyPositions(ids, keyAt);
    // The map's own order is not by id (it is, as the kernel lists keys, unless a delta added one): sort the ids
    // with their places coded in (id × 2^21 + place), natively.
    const codes = new Float64Array(n);
    for (let j = 0; j < n; j++) codes[j] = ids[j]! * PLACES + j;
    codes.sort();
    const byId = new Float64Array(n);
    const keysById: K[] = new Array<K>(n);
    for (let j = 0; j < n; j++) {
      const id = Math.floor(codes[j]! / PLACES);
      byId[j] = id;
      keysById[j] = keyAt[codes[j]! - id * PLACES]!;
    }
    return new KeyPositions(byId, keysById);
  }

  get size(): number {
    return this.ids.length;
  }

  /** The number of key `id`, -1 when there is none. */
  find(id: number): number {
    return findId(this.ids, id);
  }
}

/** The first place in the ascending `sorted` whose value is not below `id` (`sorted.length` when none is). */
export function lowerBound(sorted: Float64Array, id: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Where `id` is in the ascending `ids`, -1 when it is not. */
function findId(ids: Float64Array, id: number): number {
  const at = lowerBound(ids, id);
  return at < ids.length && ids[at] === id ? at : -1;
}

/**
 * A set of a KeyPositions' keys: a mark per key, and the ids in the order they were added (a Set's order). It
 * keeps the sorted ids, not the keys: a model that outlives its snapshot (a delta that changes no link keeps it)
 * holds no old key objects through it.
 */
export class KeySet implements ReadonlySet<number> {
  private readonly ids: Float64Array;
  private readonly marks: Uint8Array;
  private readonly order: Float64Array;
  private count = 0;

  constructor(positions: KeyPositions<unknown>) {
    this.ids = positions.ids;
    this.marks = new Uint8Array(positions.size);
    this.order = new Float64Array(positions.size);
  }

  get size(): number {
    return this.count;
  }

  /** Whether key number `at` is in. */
  hasAt(at: number): boolean {
    return this.marks[at] === 1;
  }

  /** Adds key number `at`; false when it was in already. */
  addAt(at: number): boolean {
    if (this.marks[at] === 1) return false;
    this.marks[at] = 1;
    this.order[this.count++] = this.ids[at]!;
    return true;
  }

  has(id: number): boolean {
    const at = findId(this.ids, id);
    return at >= 0 && this.marks[at] === 1;
  }

  /** In the order the ids were added. */
  forEach(cb: (value: number, value2: number, set: ReadonlySet<number>) => void, thisArg?: unknown): void {
    const { order, count } = this;
    for (let i = 0; i < count; i++) cb.call(thisArg, order[i]!, order[i]!, this);
  }

  *values(): SetIterator<number> {
    const { order, count } = this;
    for (let i = 0; i < count; i++) yield order[i]!;
  }

  keys(): SetIterator<number> {
    return this.values();
  }

  *entries(): SetIterator<[number, number]> {
    for (const id of this.values()) yield [id, id];
  }

  [Symbol.iterator](): SetIterator<number> {
    return this.values();
  }
}
