// Snapshot deltas: what the poller sends after the first snapshot, and how clients apply it.
// Invariant: applyDelta(prev, diffSnapshots(prev, next, seq)) equals next.
import type { KeyChange, KeyFields, Link, SnapshotDelta } from './api';
import { sameExpiry } from './expiry';
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

function keyChanges(prev: KeyInfo, next: KeyInfo): Partial<KeyFields> | null {
  let changes: Partial<KeyFields> | null = null;
  for (const f of SCALAR_FIELDS) {
    if (prev[f] !== next[f]) (changes ??= {})[f] = next[f] as never;
  }
  if (!sameExpiry(prev.expiry, next.expiry)) (changes ??= {}).expiry = next.expiry;
  if (('links' in prev || 'links' in next) && !sameLinks(prev.links, next.links)) (changes ??= {}).links = next.links ?? null;
  // Pins and doom are small nested values: compare them as JSON (their shapes are fixed in shared/snapshot.ts).
  if (JSON.stringify(prev.pins) !== JSON.stringify(next.pins)) (changes ??= {}).pins = next.pins ?? [];
  if (JSON.stringify(prev.doomed ?? null) !== JSON.stringify(next.doomed ?? null)) (changes ??= {}).doomed = next.doomed ?? null;
  if (('seenBy' in prev || 'seenBy' in next) && !sameLabels(prev.seenBy, next.seenBy)) (changes ??= {}).seenBy = next.seenBy ?? [];
  return changes;
}

/** What changed from prev to next, as the delta that produces snapshot number `seq`; null when nothing did. */
export function diffSnapshots(prev: Snapshot, next: Snapshot, seq: number): SnapshotDelta | null {
  const before = new Map<number, KeyInfo>();
  for (const k of prev.keys) before.set(k.id, k);
  const added: KeyInfo[] = [];
  const changed: KeyChange[] = [];
  const linksAdded: Link[] = [];
  const linksRemoved: Link[] = [];
  const seen = new Set<number>();
  for (const k of next.keys) {
    seen.add(k.id);
    let old = before.get(k.id);
    // A type never changes: a different type under the same serial is a new key that reused a freed serial.
    if (old && old.type !== k.type) {
      before.delete(k.id);
      old = undefined;
    }
    if (!old) {
      added.push(k);
      if (k.links) for (const m of k.links) linksAdded.push([k.id, m]);
      continue;
    }
    const changes = keyChanges(old, k);
    if (!changes) continue;
    changed.push({ id: k.id, changes });
    if ('links' in changes) {
      const d = linkDiff(k.id, old.links, k.links);
      linksAdded.push(...d.added);
      linksRemoved.push(...d.removed);
    }
  }
  const removed: number[] = [];
  for (const k of prev.keys) {
    if (seen.has(k.id) && before.has(k.id)) continue;
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
    out.set(c.id, { ...old, ...c.changes });
  }
  return { keys: out, unknown };
}

/** Applies a delta to a snapshot; keys stay in ascending id order, as /proc/keys lists them. */
export function applyDelta(snapshot: Snapshot, delta: SnapshotDelta): Snapshot {
  const { keys } = applyDeltaToMap(new Map(snapshot.keys.map((k) => [k.id, k])), delta);
  return {
    ...snapshot,
    takenAt: delta.takenAt,
    anchors: delta.anchors ?? snapshot.anchors,
    quotas: delta.quotas ?? snapshot.quotas,
    keys: [...keys.values()].sort((a, b) => a.id - b.id),
  };
}
