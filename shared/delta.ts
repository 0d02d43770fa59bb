// Snapshot deltas: what the poller sends after the first snapshot, and how clients apply it.
// Invariant: applyDelta(prev, diffSnapshots(prev, next, seq)) equals next, up to expiresAt estimates
// that both still agree with the kernel's rounded timeout column (see sameExpiry).
import type { KeyChange, KeyFields, Link, SnapshotDelta } from './api';
import type { Anchors, KeyInfo, QuotaInfo, Snapshot } from './snapshot';

/** Compared field by field; `links` and `expiresAt` have rules of their own below. */
const SCALAR_FIELDS = ['description', 'uid', 'gid', 'perm', 'flags', 'usage', 'timeout', 'possessed', 'orphan'] as const;

const TIMEOUT_UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * The kernel prints timeouts rounded down (`5m` means 5 to 6 minutes left), so each scan's expiresAt is an estimate.
 * A previous estimate that still fits the new column is kept: otherwise every poll would "change" every expiring key.
 * While the column itself has not changed the kernel has said nothing new, and an earlier estimate may lag the
 * sliding lower bound (now + N units) by up to one unit.
 */
export function sameExpiry(prev: { expiresAt: number | null; timeout: string }, next: KeyInfo, takenAt: number): boolean {
  if (prev.expiresAt === next.expiresAt) return true;
  if (prev.expiresAt === null || next.expiresAt === null) return false;
  if (next.timeout === 'expd') return prev.expiresAt <= takenAt;
  const m = /^(\d+)([smhdw])$/.exec(next.timeout);
  if (!m) return false;
  const unit = TIMEOUT_UNIT_MS[m[2]!]!;
  const low = takenAt + Number(m[1]) * unit;
  const slack = prev.timeout === next.timeout ? unit : 0;
  return prev.expiresAt >= low - slack - 1000 && prev.expiresAt < low + unit + 1000;
}

/**
 * Keeps, in place, each key's previous expiry estimate while it still fits the kernel's rounded column, so
 * successive scans agree on it (and pins, change logs and diffs do not see a change every poll).
 */
export function keepExpiryEstimates(prev: Snapshot | null, next: Snapshot): void {
  if (!prev) return;
  const before = new Map<number, KeyInfo>();
  for (const k of prev.keys) if (k.expiresAt !== null) before.set(k.id, k);
  for (const k of next.keys) {
    if (k.expiresAt === null) continue;
    const old = before.get(k.id);
    if (old !== undefined && old.expiresAt !== k.expiresAt && sameExpiry(old, k, next.takenAt)) k.expiresAt = old.expiresAt;
  }
}

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

function keyChanges(prev: KeyInfo, next: KeyInfo, takenAt: number): Partial<KeyFields> | null {
  let changes: Partial<KeyFields> | null = null;
  for (const f of SCALAR_FIELDS) {
    if (prev[f] !== next[f]) (changes ??= {})[f] = next[f] as never;
  }
  if (!sameExpiry(prev, next, takenAt)) (changes ??= {}).expiresAt = next.expiresAt;
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
    const changes = keyChanges(old, k, next.takenAt);
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
