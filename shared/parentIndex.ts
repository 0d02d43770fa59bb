// Who links a key, the other way round from the member lists: member id → the ids of the keyrings that link it,
// for every key of a snapshot at once. Built without a Map entry and an array per key: each link becomes one
// number, the member's id × 2^21 plus the link's place in the walk over the keyrings, in a Float64Array that
// is sorted natively, so that each member's links lie side by side in the order the walk met them; a lookup is
// a binary search. A typed array's contents live outside V8's heap, so the collector never copies them: the
// app builds this for every snapshot it shows, and at 40k keys a Map keyed by ids above 2^30 (heap numbers,
// not small integers) holding 40k one-element arrays cost its first render more than anything else, much of it
// scavenges copying what was just made.
//
// Pure: no Node, Electron or DOM.

import { lowerBound } from './keyPositions';

/** The links' places fit below this (2M links): with an id below 2^32 the code stays below 2^53, exact in a double. */
const PLACES = 2 ** 21;
const MAX_ID = 2 ** 32;

/** What the index needs of a key. */
interface Linking {
  id: number;
  links?: readonly number[] | null;
}

/**
 * member id → ids of the keys in `keys` that link it, each keyring once (a keyring cannot link a key twice, but a
 * repeated member is tolerated), in the order `keys` iterates them; or null when the links cannot be coded as
 * above (an id that is not an integer in [0, 2^32), or over 2M links): then build a Map instead.
 */
export function parentIndex(keys: ReadonlyMap<number, Linking>): ReadonlyMap<number, readonly number[]> | null {
  let total = 0;
  keys.forEach((k) => {
    if (k.links) total += k.links.length;
  });
  if (total >= PLACES) return null;
  const codes = new Float64Array(total);
  const ringAt = new Float64Array(total);
  let place = 0;
  let fits = true;
  keys.forEach((k) => {
    const links = k.links;
    if (!links) return;
    for (let i = 0; i < links.length; i++) {
      const m = links[i]!;
      if (!(m >= 0 && m < MAX_ID && Math.floor(m) === m)) fits = false;
      codes[place] = m * PLACES + place;
      ringAt[place] = k.id;
      place++;
    }
  });
  if (!fits) return null;
  codes.sort();
  const members = new Float64Array(total);
  const rings = new Float64Array(total);
  let distinct = 0;
  for (let i = 0; i < total; i++) {
    const code = codes[i]!;
    const member = Math.floor(code / PLACES);
    members[i] = member;
    rings[i] = ringAt[code - member * PLACES]!;
    if (i === 0 || members[i - 1] !== member) distinct++;
  }
  return new ParentIndex(members, rings, distinct);
}

/**
 * Whether a keyring in `set` links `id`: `parents.get(id)?.some((p) => set.has(p))` without the array a
 * ParentIndex makes for each get() (passes over every key call this once per key: 30k arrays at 40k keys).
 */
export function anyParentIn(parents: ReadonlyMap<number, readonly number[]>, id: number, set: { has(id: number): boolean }): boolean {
  if (parents instanceof ParentIndex) return parents.anyIn(id, set);
  const list = parents.get(id);
  if (list === undefined) return false;
  for (let i = 0; i < list.length; i++) if (set.has(list[i]!)) return true;
  return false;
}

/** How many keyrings link `id`: `parents.get(id)?.length ?? 0` without the array a ParentIndex makes. */
export function parentCount(parents: ReadonlyMap<number, readonly number[]>, id: number): number {
  return parents instanceof ParentIndex ? parents.count(id) : (parents.get(id)?.length ?? 0);
}

/** Calls `f` with each keyring linking `id`, in `parents.get(id)`'s order, without the array a ParentIndex makes. */
export function forEachParent(parents: ReadonlyMap<number, readonly number[]>, id: number, f: (ring: number) => void): void {
  if (parents instanceof ParentIndex) return parents.eachOf(id, f);
  const list = parents.get(id);
  if (list !== undefined) for (let i = 0; i < list.length; i++) f(list[i]!);
}

/** The sorted links: `members[i]` is linked by `rings[i]`; a member's links are side by side, in the walk's order. */
class ParentIndex implements ReadonlyMap<number, readonly number[]> {
  constructor(
    private readonly members: Float64Array,
    private readonly rings: Float64Array,
    readonly size: number,
  ) {}

  /** The first place whose member is not below `id`. */
  private firstAt(id: number): number {
    return lowerBound(this.members, id);
  }

  /** The keyrings linking the member whose links start at `from`, a keyring repeated next to itself once. */
  private run(from: number): number[] {
    const { members, rings } = this;
    const id = members[from]!;
    const out = [rings[from]!];
    for (let i = from + 1; i < members.length && members[i] === id; i++) {
      if (rings[i] !== out[out.length - 1]) out.push(rings[i]!);
    }
    return out;
  }

  get(id: number): readonly number[] | undefined {
    const at = this.firstAt(id);
    return at < this.members.length && this.members[at] === id ? this.run(at) : undefined;
  }

  has(id: number): boolean {
    const at = this.firstAt(id);
    return at < this.members.length && this.members[at] === id;
  }

  /** anyParentIn, without the array get() makes. */
  anyIn(id: number, set: { has(id: number): boolean }): boolean {
    const { members, rings } = this;
    for (let i = this.firstAt(id); i < members.length && members[i] === id; i++) if (set.has(rings[i]!)) return true;
    return false;
  }

  /** forEachParent: get(id)'s keyrings in its order (a keyring repeated next to itself once), without its array. */
  eachOf(id: number, f: (ring: number) => void): void {
    const { members, rings } = this;
    for (let i = this.firstAt(id); i < members.length && members[i] === id; i++) if (i === 0 || members[i - 1] !== id || rings[i] !== rings[i - 1]) f(rings[i]!);
  }

  /** parentCount, without the array get() makes. */
  count(id: number): number {
    const { members, rings } = this;
    let n = 0;
    for (let i = this.firstAt(id); i < members.length && members[i] === id; i++) if (n === 0 || rings[i] !== rings[i - 1]) n++;
    return n;
  }

  /** By member id. */
  forEach(cb: (value: readonly number[], key: number, map: ReadonlyMap<number, readonly number[]>) => void, thisArg?: unknown): void {
    const { members } = this;
    for (let i = 0; i < members.length; i++) {
      if (i === 0 || members[i - 1] !== members[i]) cb.call(thisArg, this.run(i), members[i]!, this);
    }
  }

  *entries(): MapIterator<[number, readonly number[]]> {
    const { members } = this;
    for (let i = 0; i < members.length; i++) {
      if (i === 0 || members[i - 1] !== members[i]) yield [members[i]!, this.run(i)];
    }
  }

  *keys(): MapIterator<number> {
    for (const [id] of this.entries()) yield id;
  }

  *values(): MapIterator<readonly number[]> {
    for (const [, list] of this.entries()) yield list;
  }

  [Symbol.iterator](): MapIterator<[number, readonly number[]]> {
    return this.entries();
  }
}
