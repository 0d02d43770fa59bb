// Turns a delta into what a person sees happen: change-log lines, row highlights and "ghost" rows
// for links that just went away. Never payloads (the snapshot has none) and never field values
// beyond names, flags and ids.
import type { KeyFieldChanges, SnapshotDelta } from '../../../shared/api';
import { BADGE_LABELS, stateBadges } from '../../../shared/flags';
import type { KeyInfo } from '../../../shared/snapshot';
import { counted, formatCount } from '../../../shared/text';
import { hexId } from '../util/format';

export type LogKind = 'added' | 'removed' | 'changed' | 'revoked' | 'expired' | 'linked' | 'unlinked' | 'resync' | 'summary';

/** The change log's kind filter: what a person asks for, each naming the kinds it shows. */
export const LOG_FILTERS = {
  added: ['added'],
  removed: ['removed'],
  changed: ['changed', 'linked', 'unlinked'],
  'revoked or expired': ['revoked', 'expired'],
} as const satisfies Record<string, readonly LogKind[]>;
export type LogFilter = keyof typeof LOG_FILTERS;

export interface LogEntry {
  /** Unique, increasing: React key and order. */
  n: number;
  at: number;
  kind: LogKind;
  keyId: number | null;
  /** `type "description"` of the key concerned, or the summary sentence. */
  subject: string;
  detail: string;
  /** Whether it concerns a key reachable from this process (a summary: any of its keys); the log's scope filter. */
  thisProcess: boolean;
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

/** Beyond this many lines of one kind (added, changed, links) in one delta, one summary line instead of thousands. */
export const LOG_DETAIL_LIMIT = 200;
/** Beyond this many keys added in one place (or removed) in one delta, they get one line ("400 keyrings and 20,000 keys added"). */
export const LOG_BURST = 10;
/** The log keeps this many entries, dropping other processes' oldest first (appendToLog). */
export const LOG_MAX_ENTRIES = 1000;

/**
 * Appends entries, keeping at most LOG_MAX_ENTRIES: the oldest about other processes' keys go first, so
 * a busy neighbour (a daemon changing hundreds of its keys a second) never pushes this process's changes
 * out of the log in seconds.
 */
export function appendToLog(log: readonly LogEntry[], entries: readonly LogEntry[]): LogEntry[] {
  const all = [...log, ...entries];
  let excess = all.length - LOG_MAX_ENTRIES;
  if (excess <= 0) return all;
  const kept = all.filter((e) => e.thisProcess || excess-- <= 0);
  return kept.length > LOG_MAX_ENTRIES ? kept.slice(kept.length - LOG_MAX_ENTRIES) : kept;
}
export const HIGHLIGHT_MS = 1600;

export const subjectOf = (k: KeyInfo | undefined, id: number): string =>
  k ? `${k.type} “${k.description}” (${hexId(id)})` : `key ${hexId(id)}`;

/**
 * The fields whose change is not news: the usage count follows every process that takes or drops a
 * reference (`_uid.N` changes with each process the user starts), pins are derived from it and from
 * links, and the expiry window narrows as polling watches the timeout column. Links are logged as
 * linked/unlinked lines; seenBy follows other users' views.
 */
const QUIET_FIELDS: ReadonlySet<string> = new Set(['usage', 'pins', 'doomed', 'expiry', 'links', 'seenBy']);

/** A timeout that only counted down (`50s` → `49s`, `2h` → `1h`) is the clock, not a change. */
function countedDown(before: string, after: string): boolean {
  const a = timeoutSeconds(before);
  const b = timeoutSeconds(after);
  return a !== null && b !== null && b <= a;
}

/** The lower bound, in seconds, of a /proc/keys timeout column (`perm`/`expd`/unreadable: null). */
function timeoutSeconds(column: string): number | null {
  const m = /^(\d+)([smhdw])$/.exec(column);
  if (!m) return null;
  const unit = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[m[2] as 's' | 'm' | 'h' | 'd' | 'w'];
  return Number(m[1]) * unit;
}

/** The fields of a change worth a line, in the order they are told; [] when it is all noise. */
export function newsworthyFields(changes: KeyFieldChanges, before: KeyInfo | undefined): string[] {
  const revokedNow = stateBadges(changes.flags ?? before?.flags ?? '', changes.timeout ?? before?.timeout ?? '').includes('revoked');
  return Object.keys(changes).filter((f) => {
    if (QUIET_FIELDS.has(f)) return false;
    // A keyring's payload is its member list: the linked/unlinked lines tell it.
    if (f === 'payloadLength' && (before?.type ?? 'keyring') === 'keyring') return false;
    if (f === 'timeout' && before && countedDown(before.timeout, String(changes.timeout))) return false;
    // Revoking sets the expiry to that moment: `expd` is part of the revocation, not a second event.
    if (f === 'timeout' && changes.timeout === 'expd' && revokedNow) return false;
    return true;
  });
}

export function logEntriesFor(
  delta: SnapshotDelta,
  before: ReadonlyMap<number, KeyInfo>,
  after: ReadonlyMap<number, KeyInfo>,
  nextN: () => number,
): LogEntry[] {
  const at = delta.takenAt;
  const out: LogEntry[] = [];
  const ours = (k: KeyInfo | undefined) => !!k && !k.orphan;
  const push = (kind: LogKind, id: number, k: KeyInfo | undefined, detail: string) =>
    out.push({ n: nextN(), at, kind, keyId: id, subject: subjectOf(k, id), detail, thisProcess: ours(k) });
  const summary = (subject: string, detail: string, thisProcess: boolean) =>
    out.push({ n: nextN(), at, kind: 'summary', keyId: null, subject, detail, thisProcess });

  const changedAll = delta.changed
    .map((c) => ({ c, was: before.get(c.id), now: after.get(c.id) ?? before.get(c.id) }))
    .map((x) => ({ ...x, fields: newsworthyFields(x.c.changes, x.was) }))
    .filter((x) => x.fields.length > 0);

  // Where a new key landed is part of its "added" line rather than a separate "linked" line.
  const addedIds = new Set(delta.added.map((k) => k.id));
  const landedIn = new Map<number, number[]>();
  for (const [ring, member] of delta.linksAdded) {
    if (addedIds.has(member)) landedIn.set(member, [...(landedIn.get(member) ?? []), ring]);
  }
  const inWords = (rings: readonly number[]) => `in ${rings.map((r) => subjectOf(after.get(r), r)).join(', ')}`;
  const destination = destinationOf(landedIn, addedIds);
  const removedSet = new Set(delta.removed);

  // This process's keys and the others' are told apart (the log's scope filter), each summed up on its own:
  // another session's burst never swallows a line about this process's keys, nor they its.
  for (const thisProcess of [true, false]) {
    const here = (k: KeyInfo | undefined) => ours(k) === thisProcess;
    const added = delta.added.filter(here);
    const removed = delta.removed.filter((id) => here(before.get(id)));
    const changed = changedAll.filter((x) => here(x.now));

    // A burst is summed up per place it landed (a keyring that was there, or the new keyring atop it), so
    // a few keys added elsewhere at the same moment keep their own lines.
    const groups = new Map<number, KeyInfo[]>();
    for (const k of added) {
      const root = destination(k.id);
      const group = groups.get(root);
      if (group) group.push(k);
      else groups.set(root, [k]);
    }
    for (const [root, keys] of groups) {
      if (keys.length > LOG_BURST) summary(`${countKeys(keys)} added`, keys.some((k) => k.id === root) ? '' : inWords([root]), thisProcess);
    }
    const single = added.filter((k) => groups.get(destination(k.id))!.length <= LOG_BURST);
    if (single.length > LOG_DETAIL_LIMIT) summary(`${countKeys(single)} added`, '', thisProcess);
    else {
      for (const k of single) {
        const where = landedIn.get(k.id);
        push('added', k.id, k, where ? inWords(where) : `permissions ${hexId(k.perm)}, owner uid ${k.uid}`);
      }
    }
    if (removed.length > LOG_BURST) summary(`${countKeys(removed.map((id) => before.get(id)))} removed`, '', thisProcess);
    else for (const id of removed) push('removed', id, before.get(id), '');
    if (changed.length > LOG_DETAIL_LIMIT) summary(`${countKeys(changed.map((x) => x.now))} changed`, '', thisProcess);
    else {
      for (const { c, was, now, fields } of changed) {
        push(changeKind(c.changes, was), c.id, now, fields.map((f) => describeChange(f, c.changes, was)).join(', '));
      }
    }

    const linked = delta.linksAdded.filter(([ring, member]) => !addedIds.has(ring) && !addedIds.has(member) && here(after.get(member) ?? before.get(member)));
    // A removal line says it all.
    const unlinked = delta.linksRemoved.filter(([ring, member]) => !removedSet.has(ring) && !removedSet.has(member) && here(before.get(member) ?? after.get(member)));
    if (linked.length + unlinked.length > LOG_DETAIL_LIMIT) {
      summary(`${counted(linked.length + unlinked.length, 'link')} changed`, `${formatCount(linked.length)} made, ${formatCount(unlinked.length)} broken`, thisProcess);
      continue;
    }
    for (const [ring, member] of linked) push('linked', member, after.get(member) ?? before.get(member), `into ${subjectOf(after.get(ring), ring)}`);
    for (const [ring, member] of unlinked) {
      push('unlinked', member, before.get(member) ?? after.get(member), `from ${subjectOf(before.get(ring) ?? after.get(ring), ring)}`);
    }
  }
  return out;
}

/**
 * Where an added key landed, for summing up bursts: the keyring it was linked into, followed up through
 * keyrings added at the same moment to the first that was already there (or the topmost new one); a key
 * linked nowhere is its own place.
 */
function destinationOf(landedIn: ReadonlyMap<number, number[]>, addedIds: ReadonlySet<number>): (id: number) => number {
  const memo = new Map<number, number>();
  return (id) => {
    const path = new Set<number>();
    let at = id;
    let root: number;
    for (;;) {
      const known = memo.get(at);
      if (known !== undefined) {
        root = known;
        break;
      }
      path.add(at);
      const up = landedIn.get(at)?.[0];
      if (up === undefined || path.has(up)) {
        root = at;
        break;
      }
      if (!addedIds.has(up)) {
        root = up;
        break;
      }
      at = up;
    }
    for (const x of path) memo.set(x, root);
    return root;
  };
}

/** "400 keyrings and 20,000 keys", "1 key", "3 keyrings". */
function countKeys(keys: readonly (KeyInfo | undefined)[]): string {
  const rings = keys.filter((k) => k?.type === 'keyring').length;
  const others = keys.length - rings;
  if (!rings) return counted(others, 'key');
  if (!others) return counted(rings, 'keyring');
  return `${counted(rings, 'keyring')} and ${counted(others, 'key')}`;
}

/** A change that revoked the key or let it expire gets its own kind (the log's "revoked or expired" filter). */
function changeKind(changes: KeyFieldChanges, was: KeyInfo | undefined): LogKind {
  const flags = changes.flags ?? was?.flags ?? '';
  const timeout = changes.timeout ?? was?.timeout ?? '';
  const now = stateBadges(flags, timeout);
  const then = was ? stateBadges(was.flags, was.timeout) : [];
  if (now.includes('revoked') && !then.includes('revoked')) return 'revoked';
  if (now.includes('expired') && !then.includes('expired')) return 'expired';
  return 'changed';
}

/** One changed field in plain words, old value first where it is known. */
function describeChange(field: string, changes: KeyFieldChanges, was: KeyInfo | undefined): string {
  const from = <T,>(v: T | undefined, show: (x: T) => string) => (v === undefined ? '' : `${show(v)} → `);
  switch (field) {
    case 'flags': {
      const timeout = changes.timeout ?? was?.timeout ?? 'perm';
      const states = stateBadges(String(changes.flags), timeout).map((b) => BADGE_LABELS[b]);
      return states.length ? `now ${states.join(', ')} (flags ${String(changes.flags)})` : `flags ${from(was?.flags, String)}${String(changes.flags)}`;
    }
    case 'timeout': {
      const to = String(changes.timeout);
      if (to === 'perm') return 'no longer expires';
      if (to === 'expd') return 'expired';
      if (!was || was.timeout === 'perm') return `expires in ${to}`;
      return `expiry renewed: ${was.timeout} → ${to}`;
    }
    case 'uid':
      return `owner uid ${from(was?.uid, String)}${String(changes.uid)}`;
    case 'gid':
      return `group gid ${from(was?.gid, String)}${String(changes.gid)}`;
    case 'perm':
      return `permissions ${from(was?.perm, hexId)}${hexId(Number(changes.perm))}`;
    case 'possessed':
      return changes.possessed ? 'now possessed by this process' : 'no longer possessed by this process';
    case 'possessionUnknown':
      return changes.possessionUnknown === true
        ? 'possession now unknown: a keyring this process possesses links one it may not view'
        : 'possession known again';
    case 'orphan':
      return changes.orphan
        ? ('possessionUnknown' in changes ? changes.possessionUnknown === true : was?.possessionUnknown === true)
          ? 'no path from this process it can see now (possession unknown)'
          : 'no longer reachable from this process'
        : 'reachable from this process again';
    case 'description':
      return `description now “${String(changes.description)}”`;
    case 'payloadLength':
      return changes.payloadLength === null || changes.payloadLength === undefined
        ? 'payload length no longer shown'
        : `payload ${from(was?.payloadLength, String)}${String(changes.payloadLength)} bytes`;
    default:
      return `${field} changed`;
  }
}
