// What changed between two snapshots, in the change log's words: `keyring-browser diff A B` and the
// app's "Compare with…". Unlike a delta (shared/delta.ts, for machines that replay), this is for a
// person: a key whose type changed is a different key, fields the engine derives (pins, doom) are left
// out (their causes are listed), an expiry is compared as the window the kernel's rounding allows, and
// a link that comes with an added or removed key is said on that key's line.
// Pure: nothing here imports Node, Electron or the DOM.
import { BADGE_LABELS, stateBadges } from './flags';
import { formatPermHex, permLetters, PERM_CLASSES, classBits } from './perm';
import { ANCHOR_ORDER, type AnchorName, type Expiry, type KeyInfo, type QuotaInfo, type Snapshot } from './snapshot';

export interface KeyRef {
  id: number;
  type: string;
  description: string;
}

export interface FieldChange {
  field: 'description' | 'flags' | 'perm' | 'owner' | 'group' | 'usage' | 'expiry' | 'possessed' | 'orphan';
  before: unknown;
  after: unknown;
  /** The change in words: "revoked", "perm 3f010000 → 3f030000 (user: ------ → --s-rv)". */
  words: string;
}

export interface QuotaChange {
  field: (typeof QUOTA_FIELDS)[number];
  before: number;
  after: number;
}

export type Difference =
  | { kind: 'added'; key: KeyRef; keyrings: KeyRef[] }
  | { kind: 'removed'; key: KeyRef; keyrings: KeyRef[] }
  | { kind: 'changed'; key: KeyRef; changes: FieldChange[] }
  | { kind: 'linked'; keyring: KeyRef; member: KeyRef }
  | { kind: 'unlinked'; keyring: KeyRef; member: KeyRef }
  | { kind: 'quota'; uid: number; name: string | null; change: 'added' | 'removed' | 'changed'; changes: QuotaChange[] }
  | { kind: 'anchor'; anchor: AnchorName; before: KeyRef | null; after: KeyRef | null };

/** Differences from `a` to `b`, in a stable order: anchors, keys by id, links, quotas by uid. */
export function compareSnapshots(a: Snapshot, b: Snapshot): Difference[] {
  const before = byId(a);
  const after = byId(b);
  const ref = (id: number, prefer: Map<number, KeyInfo> = after): KeyRef => refOf(id, prefer.get(id) ?? before.get(id) ?? after.get(id));
  const out: Difference[] = [];

  for (const name of ANCHOR_ORDER) {
    const x = a.anchors[name];
    const y = b.anchors[name];
    if (x !== y) out.push({ kind: 'anchor', anchor: name, before: x === null ? null : ref(x, before), after: y === null ? null : ref(y) });
  }

  // A key whose type changed is a new key under a reused serial (serials are recycled).
  const same = (id: number): boolean => before.has(id) && after.has(id) && before.get(id)!.type === after.get(id)!.type;
  const keyDiffs: Difference[] = [];
  const holdersA = holders(a);
  const holdersB = holders(b);
  for (const k of a.keys) {
    if (!same(k.id)) keyDiffs.push({ kind: 'removed', key: refOf(k.id, k), keyrings: (holdersA.get(k.id) ?? []).map((r) => ref(r, before)) });
  }
  for (const k of b.keys) {
    if (!same(k.id)) {
      keyDiffs.push({ kind: 'added', key: refOf(k.id, k), keyrings: (holdersB.get(k.id) ?? []).map((r) => ref(r)) });
      continue;
    }
    const changes = fieldChanges(before.get(k.id)!, k);
    if (changes.length) keyDiffs.push({ kind: 'changed', key: refOf(k.id, k), changes });
  }
  keyDiffs.sort((x, y) => keyIdOf(x) - keyIdOf(y));
  out.push(...keyDiffs);

  // Links of keyrings present on both sides; an added or removed key's links are on its own line.
  for (const k of b.keys) {
    if (!same(k.id)) continue;
    const was = new Set(before.get(k.id)!.links ?? []);
    const now = new Set(k.links ?? []);
    for (const m of now) if (!was.has(m) && same(m)) out.push({ kind: 'linked', keyring: ref(k.id), member: ref(m) });
    for (const m of was) if (!now.has(m) && same(m)) out.push({ kind: 'unlinked', keyring: ref(k.id), member: ref(m) });
  }

  out.push(...quotaDifferences(a.quotas, b.quotas));
  return out;
}

function byId(s: Snapshot): Map<number, KeyInfo> {
  return new Map(s.keys.map((k) => [k.id, k]));
}

function refOf(id: number, k: KeyInfo | undefined): KeyRef {
  return k ? { id, type: k.type, description: k.description } : { id, type: '?', description: '' };
}

function keyIdOf(d: Difference): number {
  return 'key' in d ? d.key.id : 0;
}

/** Member id → the keyrings that link it in `s`. */
function holders(s: Snapshot): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const k of s.keys) for (const m of k.links ?? []) out.set(m, [...(out.get(m) ?? []), k.id]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Fields

/** When the key expires as far as the snapshot knows (shared/expiry.ts), or that it has expired. */
type ExpiryState = Expiry | 'expired';

function expiryState(k: KeyInfo): ExpiryState {
  return k.timeout === 'expd' ? 'expired' : k.expiry;
}

/** Two readings of one deadline give overlapping windows: only windows that cannot both hold are a change. */
function sameExpiry(x: ExpiryState, y: ExpiryState): boolean {
  if (x === null || y === null || typeof x === 'string' || typeof y === 'string') return x === y;
  return x.from <= y.to && y.from <= x.to;
}

export function describeExpiry(w: ExpiryState): string {
  if (w === null) return 'never expires';
  if (w === 'expired') return 'expired';
  if (w === 'unknown') return 'expiry unknown';
  const when = w.from === w.to ? `expires ${clock(w.from)} UTC` : `expires ${clock(w.from)}–${clock(w.to)} UTC`;
  return w.since === undefined ? when : `${when} if its timeout was not reset since ${clock(w.since)} UTC`;
}

function clock(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
}

/** Whether the snapshot says the key is possessed: yes, no, or that it cannot tell (KeyInfo.possessionUnknown). */
function possession(k: KeyInfo): boolean | 'unknown' {
  return k.possessionUnknown === true ? 'unknown' : k.possessed;
}

function fieldChanges(x: KeyInfo, y: KeyInfo): FieldChange[] {
  const out: FieldChange[] = [];
  if (x.description !== y.description) {
    out.push({ field: 'description', before: x.description, after: y.description, words: `description “${x.description}” → “${y.description}”` });
  }
  if (x.flags !== y.flags || (x.timeout === 'expd') !== (y.timeout === 'expd')) {
    const words = flagWordsChange(x, y);
    if (words) out.push({ field: 'flags', before: x.flags, after: y.flags, words });
  }
  if (x.perm !== y.perm) out.push({ field: 'perm', before: x.perm, after: y.perm, words: permChangeWords(x.perm, y.perm) });
  if (x.uid !== y.uid) out.push({ field: 'owner', before: x.uid, after: y.uid, words: `owner uid ${x.uid} → ${y.uid}` });
  if (x.gid !== y.gid) out.push({ field: 'group', before: x.gid, after: y.gid, words: `group gid ${x.gid} → ${y.gid}` });
  const wx = expiryState(x);
  const wy = expiryState(y);
  // An expiry that ran out is said with the flags ("expired").
  if (!sameExpiry(wx, wy) && !(wy === 'expired' && out.some((c) => c.field === 'flags'))) {
    out.push({ field: 'expiry', before: wx, after: wy, words: `expiry window: ${describeExpiry(wx)} → ${describeExpiry(wy)}` });
  }
  if (x.usage !== y.usage) out.push({ field: 'usage', before: x.usage, after: y.usage, words: `usage ${x.usage} → ${y.usage}` });
  if (x.possessed !== y.possessed || (x.possessionUnknown === true) !== (y.possessionUnknown === true)) {
    const words = y.possessionUnknown === true ? 'possession now unknown' : x.possessionUnknown === true && !y.possessed ? 'possession known again: not possessed' : y.possessed ? 'now possessed' : 'no longer possessed';
    out.push({ field: 'possessed', before: possession(x), after: possession(y), words });
  }
  if (x.orphan !== y.orphan) {
    // With possession unknown, no path we see is not "unreachable": it may be reached through a keyring we may not view.
    const words = y.orphan ? (y.possessionUnknown === true ? 'no visible path now (possession unknown)' : 'now unreachable') : 'reachable again';
    out.push({ field: 'orphan', before: x.orphan, after: y.orphan, words });
  }
  return out;
}

/** "revoked", "no longer negative", "instantiated": the states a person acts on, from the flag letters. */
function flagWordsChange(x: KeyInfo, y: KeyInfo): string {
  const was = new Set(stateBadges(x.flags, x.timeout));
  const now = new Set(stateBadges(y.flags, y.timeout));
  const words = [...now].filter((b) => !was.has(b)).map((b) => BADGE_LABELS[b]);
  words.push(...[...was].filter((b) => !now.has(b)).map((b) => `no longer ${BADGE_LABELS[b]}`));
  // Flags without a badge (instantiated, quota) are said by their letters.
  if (!words.length && x.flags !== y.flags) words.push(`flags ${x.flags} → ${y.flags}`);
  return words.join(', ');
}

function permChangeWords(x: number, y: number): string {
  const classes = PERM_CLASSES.filter((c) => classBits(x, c) !== classBits(y, c)).map(
    (c) => `${c}: ${permLetters(classBits(x, c))} → ${permLetters(classBits(y, c))}`,
  );
  return `permissions ${formatPermHex(x)} → ${formatPermHex(y)}${classes.length ? ` (${classes.join('; ')})` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Quotas

const QUOTA_FIELDS = ['nkeys', 'nikeys', 'qnkeys', 'maxkeys', 'qnbytes', 'maxbytes', 'usage'] as const;

function quotaDifferences(a: readonly QuotaInfo[], b: readonly QuotaInfo[]): Difference[] {
  const was = new Map(a.map((q) => [q.uid, q]));
  const now = new Map(b.map((q) => [q.uid, q]));
  const uids = [...new Set([...was.keys(), ...now.keys()])].sort((x, y) => x - y);
  const out: Difference[] = [];
  for (const uid of uids) {
    const x = was.get(uid);
    const y = now.get(uid);
    const zero = { uid, name: null, usage: 0, nkeys: 0, nikeys: 0, qnkeys: 0, maxkeys: 0, qnbytes: 0, maxbytes: 0 };
    const changes = QUOTA_FIELDS.filter((f) => (x ?? zero)[f] !== (y ?? zero)[f]).map((f) => ({ field: f, before: (x ?? zero)[f], after: (y ?? zero)[f] }));
    const name = y?.name ?? x?.name ?? null;
    if (!x || !y) out.push({ kind: 'quota', uid, name, change: x ? 'removed' : 'added', changes });
    else if (changes.length) out.push({ kind: 'quota', uid, name, change: 'changed', changes });
  }
  return out;
}

const QUOTA_WORDS: Record<QuotaChange['field'], string> = {
  usage: 'users of the record',
  nkeys: 'keys',
  nikeys: 'instantiated keys',
  qnkeys: 'keys counted against the quota',
  maxkeys: 'key quota',
  qnbytes: 'bytes counted against the quota',
  maxbytes: 'byte quota',
};

// ---------------------------------------------------------------------------------------------
// Words

export function keyWords(k: KeyRef): string {
  return `${k.type} “${k.description}” (${formatPermHex(k.id)})`;
}

/** One line per difference, as the change log says it: the kind in a column, then what changed. */
export function describeDifference(d: Difference): string {
  return `${d.kind.padEnd(10)}${differenceText(d)}`;
}

/** What changed, in words, without the kind ("user “x” (0000002a) in keyring “_ses” (…)"). */
export function differenceText(d: Difference): string {
  switch (d.kind) {
    case 'added':
      return `${keyWords(d.key)}${d.keyrings.length ? ` in ${d.keyrings.map(keyWords).join(', ')}` : ''}`;
    case 'removed':
      return `${keyWords(d.key)}${d.keyrings.length ? ` from ${d.keyrings.map(keyWords).join(', ')}` : ''}`;
    case 'changed':
      return `${keyWords(d.key)}: ${d.changes.map((c) => c.words).join('; ')}`;
    case 'linked':
      return `${keyWords(d.member)} into ${keyWords(d.keyring)}`;
    case 'unlinked':
      return `${keyWords(d.member)} from ${keyWords(d.keyring)}`;
    case 'quota': {
      const what = d.changes.map((c) => `${QUOTA_WORDS[c.field]} ${c.before} → ${c.after}`).join(', ');
      const lead = d.change === 'added' ? 'now has keys' : d.change === 'removed' ? 'no longer has keys' : 'changed';
      return `uid ${d.uid}${d.name ? ` (${d.name})` : ''} ${lead}${what ? `: ${what}` : ''}`;
    }
    case 'anchor':
      return `${d.anchor} keyring: ${d.before ? keyWords(d.before) : 'none'} → ${d.after ? keyWords(d.after) : 'none'}`;
  }
}

/** The whole comparison as text: a line per difference, or a sentence saying there is none. */
export function describeComparison(diffs: readonly Difference[]): string {
  if (!diffs.length) return 'No differences.\n';
  return diffs.map((d) => describeDifference(d) + '\n').join('');
}
