// Snapshot deltas: what the poller sends after the first snapshot, and how clients apply it.
// Invariant: applyDelta(prev, diffSnapshots(prev, next, seq)) equals next.
import type { KeyChange, KeyFieldChanges, Link, SnapshotDelta } from './api';
import { sameExpiry } from './expiry';
import { idsThatMayDiffer, isSortedById } from './keyLineage';
import { headOf, KeyRows, rowsOf, snapshotOfRows } from './keyRows';

export { indexById } from './keyLineage';
import type { Anchors, KeyInfo, QuotaInfo, Snapshot } from './snapshot';

/** Compared field by field; `links` and `expiry` (objects) have rules of their own below. */
const SCALAR_FIELDS = ['description', 'uid', 'gid', 'perm', 'flags', 'usage', 'timeout', 'possessed', 'orphan'] as const;

function sameLinks(a: readonly number[] | null | undefined, b: readonly number[] | null | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameLabels(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  return a.every((s, i) => s === b[i]);
}

/**
 * Whether two JSON values (pins, doom) are equal: what comparing their JSON.stringify would say, without making
 * two strings per key per poll. Undefined members count as absent, as in JSON.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((v, i) => sameValue(v, other[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keysX = Object.keys(x).filter((k) => x[k] !== undefined);
  const keysY = Object.keys(y).filter((k) => y[k] !== undefined);
  return keysX.length === keysY.length && keysX.every((k, i) => k === keysY[i] && sameValue(x[k], y[k]));
}

function linkDiff(keyring: number, before: readonly number[] | null | undefined, after: readonly number[] | null | undefined) {
  const was = new Set(before ?? []);
  const now = new Set(after ?? []);
  const added: Link[] = [];
  const removed: Link[] = [];
  for (const m of now) if (!was.has(m)) added.push([keyring, m]);
  for (const m of was) if (!now.has(m)) removed.push([keyring, m]);
  return { added, removed };
}

function sameAnchors(a: Anchors, b: Anchors): boolean {
  return (Object.keys(a) as (keyof Anchors)[]).every((k) => a[k] === b[k]);
}

function sameQuotas(a: readonly QuotaInfo[], b: readonly QuotaInfo[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((q, i) => {
    const r = b[i]!;
    return (Object.keys(q) as (keyof QuotaInfo)[]).every((k) => q[k] === r[k]);
  });
}

/** The fields of `next` that differ from `prev`'s, or null when none does. */
export function keyChanges(prev: KeyInfo, next: KeyInfo): KeyFieldChanges | null {
  let changes: KeyFieldChanges | null = null;
  for (const f of SCALAR_FIELDS) {
    if (prev[f] !== next[f]) (changes ??= {})[f] = next[f] as never;
  }
  if (!sameExpiry(prev.expiry, next.expiry)) (changes ??= {}).expiry = next.expiry;
  if (prev.payloadLength !== next.payloadLength) (changes ??= {}).payloadLength = next.payloadLength ?? null;
  if (prev.possessionUnknown !== next.possessionUnknown) (changes ??= {}).possessionUnknown = next.possessionUnknown ?? null;
  if (('links' in prev || 'links' in next) && !sameLinks(prev.links, next.links)) (changes ??= {}).links = next.links ?? null;
  // Pins and doom are small nested values (their shapes are fixed in shared/snapshot.ts).
  if (!sameValue(prev.pins, next.pins)) (changes ??= {}).pins = next.pins ?? [];
  if (!sameValue(prev.doomed ?? null, next.doomed ?? null)) (changes ??= {}).doomed = next.doomed ?? null;
  if (('seenBy' in prev || 'seenBy' in next) && !sameLabels(prev.seenBy, next.seenBy)) (changes ??= {}).seenBy = next.seenBy ?? [];
  return changes;
}

/** `key` with `changes` applied (a new object): `payloadLength: null` and `possessionUnknown: null` remove the field. */
export function withChanges(key: KeyInfo, changes: KeyFieldChanges): KeyInfo {
  const { payloadLength, possessionUnknown, ...rest } = changes;
  const out: KeyInfo = { ...key, ...rest };
  if (payloadLength === null) delete out.payloadLength;
  else if (payloadLength !== undefined) out.payloadLength = payloadLength;
  if (possessionUnknown === null) delete out.possessionUnknown;
  else if (possessionUnknown !== undefined) out.possessionUnknown = possessionUnknown;
  return out;
}

/**
 * What changed from prev to next, as the delta that produces snapshot number `seq`; null when nothing did.
 * A key object present in both is unchanged (keys are never modified in place: a poll's snapshot shares its
 * unchanged keys with the last one), so at 40k keys an unchanged poll costs one walk over both lists.
 */
export function diffSnapshots(prev: Snapshot, next: Snapshot, seq: number): SnapshotDelta | null {
  const added: KeyInfo[] = [];
  const changed: KeyChange[] = [];
  const linksAdded: Link[] = [];
  const linksRemoved: Link[] = [];
  const gone: KeyInfo[] = [];
  const add = (k: KeyInfo): void => {
    added.push(k);
    if (k.links) for (const m of k.links) linksAdded.push([k.id, m]);
  };
  const compare = (old: KeyInfo, k: KeyInfo): void => {
    if (old === k) return;
    // A type never changes: a different type under the same serial is a new key that reused a freed serial.
    if (old.type !== k.type) {
      gone.push(old);
      add(k);
      return;
    }
    const changes = keyChanges(old, k);
    if (!changes) return;
    changed.push({ id: k.id, changes });
    if ('links' in changes) {
      const d = linkDiff(k.id, old.links, k.links);
      linksAdded.push(...d.added);
      linksRemoved.push(...d.removed);
    }
  };
  // Rows that share a base (shared/keyRows.ts: a delta applied, windows narrowed) say which ids may differ without
  // making either array; so do arrays made from one another (keyLineage.ts).
  const before = rowsOf(prev);
  const after = rowsOf(next);
  const mayDiffer = before !== null && after !== null ? KeyRows.idsThatMayDiffer(before, after) : prev.keys === next.keys ? [] : idsThatMayDiffer(prev.keys, next.keys);
  if (mayDiffer !== null) {
    // The same keys (an idle poll's usual case: no walk at all), or made from the other (or both from a third) by
    // replacing, adding or removing the keys of a few ids: only those are looked at, in id order.
    const was = before ?? KeyRows.of(prev.keys);
    const is = after ?? KeyRows.of(next.keys);
    for (const id of mayDiffer) {
      const old = was.get(id);
      const k = is.get(id);
      if (old !== undefined && k !== undefined) compare(old, k);
      else if (old !== undefined) gone.push(old);
      else if (k !== undefined) add(k);
    }
  } else if (isSortedById(prev.keys) && isSortedById(next.keys)) {
    // Both in id order (as scans make them): one merge walk.
    const a = prev.keys;
    const b = next.keys;
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      const old = a[i];
      const k = b[j];
      if (k === undefined || (old !== undefined && old.id < k.id)) {
        gone.push(old as KeyInfo);
        i++;
      } else if (old === undefined || k.id < old.id) {
        add(k);
        j++;
      } else {
        compare(old, k);
        i++;
        j++;
      }
    }
  } else {
    const before = new Map<number, KeyInfo>();
    for (const k of prev.keys) before.set(k.id, k);
    const seen = new Set<number>();
    for (const k of next.keys) {
      seen.add(k.id);
      const old = before.get(k.id);
      if (old) compare(old, k);
      else add(k);
    }
    // So far `gone` holds the keys whose serial a new key took; removals go in prev's order.
    const replaced = new Set(gone.map((k) => k.id));
    gone.length = 0;
    for (const k of prev.keys) if (!seen.has(k.id) || replaced.has(k.id)) gone.push(k);
  }
  const removed: number[] = [];
  for (const k of gone) {
    removed.push(k.id);
    if (k.links) for (const m of k.links) linksRemoved.push([k.id, m]);
  }
  const anchorsChanged = !sameAnchors(prev.anchors, next.anchors);
  const quotasChanged = !sameQuotas(prev.quotas, next.quotas);
  if (!added.length && !removed.length && !changed.length && !anchorsChanged && !quotasChanged) return null;
  const delta: SnapshotDelta = { seq, takenAt: next.takenAt, added, removed, changed, linksAdded, linksRemoved };
  if (anchorsChanged) delta.anchors = next.anchors;
  if (quotasChanged) delta.quotas = next.quotas;
  return delta;
}

/**
 * Applies a delta to a map of keys by id, returning a NEW map (the old one is left untouched, so stores can
 * compare by reference). Idempotent: removing an absent key or re-adding a present one is harmless; a change
 * for a key the map does not hold is ignored (the caller should resync: it missed the key's addition).
 * Returns the ids of changes that could not be applied.
 */
export function applyDeltaToMap(
  keys: ReadonlyMap<number, KeyInfo>,
  delta: SnapshotDelta,
): { keys: Map<number, KeyInfo>; unknown: number[] } {
  const out = new Map(keys);
  const unknown: number[] = [];
  for (const id of delta.removed) out.delete(id);
  for (const k of delta.added) out.set(k.id, k);
  for (const c of delta.changed) {
    const old = out.get(c.id);
    if (!old) {
      unknown.push(c.id);
      continue;
    }
    out.set(c.id, withChanges(old, c.changes));
  }
  return { keys: out, unknown };
}

/**
 * Applies a delta to a snapshot; keys stay in ascending id order, as /proc/keys lists them. Unchanged keys stay the
 * same objects. The result's keys are rows over the snapshot's (shared/keyRows.ts): a poll's delta touches a few keys
 * of thousands, and the array of all of them is made only if something reads it.
 */
export function applyDelta(snapshot: Snapshot, delta: SnapshotDelta): Snapshot {
  const head = {
    ...headOf(snapshot),
    takenAt: delta.takenAt,
    anchors: delta.anchors ?? snapshot.anchors,
    quotas: delta.quotas ?? snapshot.quotas,
  };
  const prev = rowsOf(snapshot);
  if (prev === null) {
    const { keys } = applyDeltaToMap(new Map(snapshot.keys.map((k) => [k.id, k])), delta);
    return { ...head, keys: [...keys.values()].sort((a, b) => a.id - b.id) };
  }
  // What applyDeltaToMap does (removals, then additions, then changes), by id.
  const changes = new Map<number, KeyFieldChanges>();
  for (const c of delta.changed) changes.set(c.id, c.changes);
  const byId = new Map<number, KeyInfo>();
  for (const k of delta.added) byId.set(k.id, k);
  const put: KeyInfo[] = [];
  // An added key under a serial the snapshot holds takes its place (removed first or not).
  for (const k of byId.values()) {
    const c = changes.get(k.id);
    put.push(c === undefined ? k : withChanges(k, c));
  }
  const dropped = new Set(delta.removed);
  for (const [id, c] of changes) {
    if (byId.has(id) || dropped.has(id)) continue;
    const old = prev.get(id);
    if (old !== undefined) put.push(withChanges(old, c));
  }
  const remove = delta.removed.filter((id) => !byId.has(id));
  return snapshotOfRows(head, prev.with(put, remove));
}
