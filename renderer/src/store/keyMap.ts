// The store's map of keys by id, made cheap to change. The store never mutates a map it has handed out
// (components, the tree model and the change log compare maps by reference and keep old ones), so a delta
// used to copy all 40k entries to change one. Here a changed map is a small overlay (the entries replaced,
// added or removed) over a plain base map that is shared, never mutated: a delta costs what it changes. Once
// the overlay grows past a share of the base, the next change flattens both into a new plain map.
//
// A layered map behaves exactly as the plain Map the same edits would have made, iteration order included:
// a replaced entry keeps its place, a new one goes last, and a key deleted from the base and set again goes
// last too (that edit flattens the map, which then orders it as a Map does).
import type { SnapshotDelta } from '../../../shared/api';
import { withChanges } from '../../../shared/delta';
import type { KeyInfo } from '../../../shared/snapshot';

const DELETED: unique symbol = Symbol('deleted');
type Slot = KeyInfo | typeof DELETED;

/** Past this many overlay entries per base entry (and at least MIN_FLATTEN), a change flattens the map. */
const FLATTEN_SHARE = 1 / 16;
const MIN_FLATTEN = 256;

/** A map of keys over a shared base: what applyKeyEdits returns once a map has been edited. */
class LayeredKeyMap implements ReadonlyMap<number, KeyInfo> {
  constructor(
    readonly base: ReadonlyMap<number, KeyInfo>,
    /** Replaced base entries, DELETED base entries, then added keys in the order they were added. */
    readonly overlay: ReadonlyMap<number, Slot>,
    readonly size: number,
  ) {}

  get(id: number): KeyInfo | undefined {
    const o = this.overlay.get(id);
    if (o === undefined) return this.base.get(id);
    return o === DELETED ? undefined : o;
  }

  has(id: number): boolean {
    const o = this.overlay.get(id);
    return o === undefined ? this.base.has(id) : o !== DELETED;
  }

  /** In entries()' order, without a generator: the tree model's passes over every key use forEach. */
  forEach(cb: (value: KeyInfo, key: number, map: ReadonlyMap<number, KeyInfo>) => void, thisArg?: unknown): void {
    const { base, overlay } = this;
    base.forEach((k, id) => {
      const o = overlay.get(id);
      if (o === undefined) cb.call(thisArg, k, id, this);
      else if (o !== DELETED) cb.call(thisArg, o, id, this);
    });
    overlay.forEach((o, id) => {
      if (o !== DELETED && !base.has(id)) cb.call(thisArg, o, id, this);
    });
  }

  *entries(): MapIterator<[number, KeyInfo]> {
    const { base, overlay } = this;
    for (const [id, k] of base) {
      const o = overlay.get(id);
      if (o === undefined) yield [id, k];
      else if (o !== DELETED) yield [id, o];
    }
    for (const [id, o] of overlay) if (o !== DELETED && !base.has(id)) yield [id, o];
  }

  *keys(): MapIterator<number> {
    for (const [id] of this.entries()) yield id;
  }

  *values(): MapIterator<KeyInfo> {
    for (const [, k] of this.entries()) yield k;
  }

  [Symbol.iterator](): MapIterator<[number, KeyInfo]> {
    return this.entries();
  }
}

/** The edits a batch of deltas makes, with Map's own semantics. */
export interface KeyMapDraft {
  get(id: number): KeyInfo | undefined;
  has(id: number): boolean;
  set(id: number, key: KeyInfo): void;
  delete(id: number): void;
}

/**
 * `keys` with `edit`'s changes, as a new map (`keys` is left as it was): the same map when `edit` changed
 * nothing. Costs what the edits touch plus the overlay's size, or one copy of the map when it flattens.
 */
export function applyKeyEdits(
  keys: ReadonlyMap<number, KeyInfo>,
  edit: (draft: KeyMapDraft) => void,
  /** Tests lower it to flatten often. */
  minFlatten = MIN_FLATTEN,
): ReadonlyMap<number, KeyInfo> {
  const base = keys instanceof LayeredKeyMap ? keys.base : keys;
  const inherited: ReadonlyMap<number, Slot> = keys instanceof LayeredKeyMap ? keys.overlay : new Map();
  let overlay: Map<number, Slot> | null = null; // a copy of the inherited overlay, made on the first edit
  let plain: Map<number, KeyInfo> | null = null; // once flattened, edits go straight to a plain copy
  let size = keys.size;
  let changed = false;
  const slots = (): ReadonlyMap<number, Slot> => overlay ?? inherited;
  const writable = (): Map<number, Slot> => (overlay ??= new Map(inherited));
  const flatten = (): Map<number, KeyInfo> => (plain ??= new Map(new LayeredKeyMap(base, slots(), size)));
  const get = (id: number): KeyInfo | undefined => {
    if (plain) return plain.get(id);
    const o = slots().get(id);
    if (o === undefined) return base.get(id);
    return o === DELETED ? undefined : o;
  };
  const draft: KeyMapDraft = {
    get,
    has: (id) => get(id) !== undefined,
    set(id, key) {
      changed = true;
      if (plain) return void plain.set(id, key);
      const o = slots().get(id);
      // Set again after a delete from the base: a Map puts it last, which an overlay cannot say.
      if (o === DELETED) return void flatten().set(id, key);
      if (o === undefined && !base.has(id)) size++;
      const w = writable();
      w.set(id, key);
      if (w.size > Math.max(minFlatten, base.size * FLATTEN_SHARE)) flatten();
    },
    delete(id) {
      if (plain) {
        changed = plain.delete(id) || changed;
        return;
      }
      if (get(id) === undefined) return;
      changed = true;
      size--;
      if (base.has(id)) writable().set(id, DELETED);
      else writable().delete(id);
    },
  };
  edit(draft);
  if (!changed) return keys;
  return plain ?? new LayeredKeyMap(base, slots(), size);
}

/**
 * What shared/delta's applyDeltaToMap does (removals, then additions, then changes; a change for a key the map
 * does not hold is listed in `unknown`), through applyKeyEdits: it costs what the delta changes.
 */
export function applyDeltaToKeys(
  keys: ReadonlyMap<number, KeyInfo>,
  delta: SnapshotDelta,
  minFlatten = MIN_FLATTEN,
): { keys: ReadonlyMap<number, KeyInfo>; unknown: number[] } {
  const unknown: number[] = [];
  const out = applyKeyEdits(keys, (draft) => {
    for (const id of delta.removed) draft.delete(id);
    for (const k of delta.added) draft.set(k.id, k);
    for (const c of delta.changed) {
      const old = draft.get(c.id);
      if (!old) unknown.push(c.id);
      else draft.set(c.id, withChanges(old, c.changes));
    }
  }, minFlatten);
  return { keys: out, unknown };
}

/**
 * The ids whose entries may differ between `a` and `b` (both from the store, one derived from the other by
 * applyKeyEdits), or null when that cannot be told without comparing every entry. Every id not listed maps to
 * the same object in both.
 */
export function keyMapDifference(a: ReadonlyMap<number, KeyInfo>, b: ReadonlyMap<number, KeyInfo>): Iterable<number> | null {
  if (a === b) return [];
  const baseA = a instanceof LayeredKeyMap ? a.base : a;
  const baseB = b instanceof LayeredKeyMap ? b.base : b;
  if (baseA !== baseB) return null;
  const ids = new Set<number>();
  if (a instanceof LayeredKeyMap) for (const id of a.overlay.keys()) ids.add(id);
  if (b instanceof LayeredKeyMap) for (const id of b.overlay.keys()) ids.add(id);
  return ids;
}
