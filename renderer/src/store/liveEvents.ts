// Turns a delta into what a person sees happen: change-log lines, row highlights and "ghost" rows
// for links that just went away. Never payloads (the snapshot has none) and never field values
// beyond names, flags and ids.
import type { SnapshotDelta } from '../../../shared/api';
import { BADGE_LABELS, stateBadges } from '../../../shared/flags';
import type { KeyInfo } from '../../../shared/snapshot';
import { hexId } from '../util/format';

export type LogKind = 'added' | 'removed' | 'changed' | 'linked' | 'unlinked' | 'resync' | 'summary';

export interface LogEntry {
  /** Unique, increasing: React key and order. */
  n: number;
  at: number;
  kind: LogKind;
  keyId: number | null;
  /** `type "description"` of the key concerned, or the summary sentence. */
  subject: string;
  detail: string;
}

export type HighlightKind = 'added' | 'changed';
export interface Highlight {
  kind: HighlightKind;
  /** Epoch ms it started; a new stamp restarts the animation. */
  at: number;
}

export interface GhostLink {
  key: KeyInfo;
  until: number;
}

/** Beyond this many events in one delta, the log gets one summary line instead of thousands. */
export const LOG_DETAIL_LIMIT = 200;
export const LOG_MAX_ENTRIES = 1000;
export const HIGHLIGHT_MS = 1600;

export const subjectOf = (k: KeyInfo | undefined, id: number): string =>
  k ? `${k.type} “${k.description}” (${hexId(id)})` : `key ${hexId(id)}`;

export function logEntriesFor(
  delta: SnapshotDelta,
  before: ReadonlyMap<number, KeyInfo>,
  after: ReadonlyMap<number, KeyInfo>,
  nextN: () => number,
): LogEntry[] {
  const at = delta.takenAt;
  const total = delta.added.length + delta.removed.length + delta.changed.length;
  if (total > LOG_DETAIL_LIMIT) {
    const parts = [
      delta.added.length && `${delta.added.length} added`,
      delta.removed.length && `${delta.removed.length} removed`,
      delta.changed.length && `${delta.changed.length} changed`,
    ].filter(Boolean);
    return [{ n: nextN(), at, kind: 'summary', keyId: null, subject: `${total.toLocaleString()} keys`, detail: parts.join(', ') }];
  }
  const out: LogEntry[] = [];
  const push = (kind: LogKind, id: number, k: KeyInfo | undefined, detail: string) =>
    out.push({ n: nextN(), at, kind, keyId: id, subject: subjectOf(k, id), detail });
  // Where a new key landed is part of its "added" line rather than a separate "linked" line.
  const addedIds = new Set(delta.added.map((k) => k.id));
  const landedIn = new Map<number, string[]>();
  for (const [ring, member] of delta.linksAdded) {
    if (addedIds.has(member)) landedIn.set(member, [...(landedIn.get(member) ?? []), subjectOf(after.get(ring), ring)]);
  }
  for (const k of delta.added) {
    const where = landedIn.get(k.id);
    push('added', k.id, k, where ? `in ${where.join(', ')}` : `perm ${hexId(k.perm)}, uid ${k.uid}`);
  }
  for (const id of delta.removed) push('removed', id, before.get(id), '');
  for (const c of delta.changed) {
    const fields = Object.keys(c.changes).filter((f) => f !== 'links');
    if (!fields.length) continue; // link-only changes are logged as linked/unlinked below
    const k = after.get(c.id) ?? before.get(c.id);
    push('changed', c.id, k, fields.map((f) => describeChange(f, c.changes)).join(', '));
  }
  const removedSet = new Set(delta.removed);
  for (const [ring, member] of delta.linksAdded) {
    if (addedIds.has(ring) || addedIds.has(member)) continue;
    push('linked', member, after.get(member) ?? before.get(member), `into ${subjectOf(after.get(ring), ring)}`);
  }
  for (const [ring, member] of delta.linksRemoved) {
    if (removedSet.has(ring) || removedSet.has(member)) continue; // a removal line says it all
    push('unlinked', member, before.get(member) ?? after.get(member), `from ${subjectOf(before.get(ring) ?? after.get(ring), ring)}`);
  }
  return out;
}

function describeChange(field: string, changes: Record<string, unknown>): string {
  const v = changes[field];
  switch (field) {
    case 'flags': {
      const states = stateBadges(String(v), String(changes.timeout ?? 'perm')).map((b) => BADGE_LABELS[b]);
      return `flags → ${String(v)}${states.length ? ` (${states.join(', ')})` : ''}`;
    }
    case 'timeout':
    case 'usage':
    case 'uid':
    case 'gid':
      return `${field} → ${String(v)}`;
    case 'perm':
      return `perm → ${hexId(Number(v))}`;
    case 'possessed':
      return v ? 'now possessed' : 'no longer possessed';
    case 'orphan':
      return v ? 'now unreachable' : 'reachable again';
    default:
      return field;
  }
}
