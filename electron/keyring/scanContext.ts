// One scan's working state (ScanContext) and the phases that run on it once the walk over the keyrings is
// done. The scanner (scanner.ts) runs the phases that talk to the two sides; these ones only compute:
//  1. settleMemberLists: member lists as the snapshot shows them (no vanished keys, no helper keyrings);
//  2. memberRowsByRow: every link's table row, looked up once, for the two walks below;
//  3. possessedRows: what the thread, process and session keyrings lead to (possession.ts);
//  4. anchorsOf: the process anchors plus the user keyrings found by name (keyringsOf: the keyrings, for 4 and 5);
//  5. reachableRows: everything reachable from an anchor or a kernel-held keyring (the rest are orphans).
// Phases 3 and 5 walk by WebAssembly where there is some (rowWalksOf, rowWalks.ts), the same sets as their JavaScript.
import type { Anchors } from '../../shared/snapshot';
import { findUserAnchors, type NamedKey, type ProcessAnchors } from './anchors';
import { PERM_BITS, type Observer } from '../../shared/perm';
import type { KeyDescription } from './keyctl';
import { isVanishedCode } from './keyctlError';
import type { KeyTable } from './keyTable';
import { MAX_SEARCHED_DEPTH, searchableWhenPossessed, walkPossession } from './possession';
import { isKernelHeldKeyring, walkReachable } from '../../shared/reachability';
import { rowWalks, type RowWalks } from './rowWalks';
import type { MembersOutcome } from './sides';

/** What the last scan had to do beyond reading /proc/keys (for the bench and diagnostics). */
export interface ScanStatsDetail {
  /** Keys DESCRIBEd by the reader (ambiguous names) in the last scan. */
  describedByReader: number;
  /** Keys found only by the possessing side (possessor-only view) in the last scan. */
  possessorOnly: number;
  /** Keyrings read in the last scan. */
  keyringsRead: number;
  /** The last scan applied only what changed since the one before it (quietPoll.ts); absent: a full scan. */
  changesOnly?: true;
}

/** Everything one scan learns, extended phase by phase. */
export interface ScanContext {
  /** The keys, one row each: first those the reader saw, then those found while walking. */
  readonly table: KeyTable;
  /** Keyrings that exist only because of the scan's helpers: never shown. */
  readonly hidden: ReadonlySet<number>;
  readonly stats: ScanStatsDetail;
  /** Member lists of the keyrings read, in kernel order (null: we may not read it). */
  readonly members: Map<number, number[] | null>;
  /** The members' table rows, looked up once per link when the list was read (-1: not in the table then). */
  readonly memberRows: Map<number, Int32Array>;
  /** Keys only the possessing side may view, as it described them (their rows are added after the walk). */
  readonly possessorOnly: Map<number, KeyDescription>;
  /** Members nobody here may even view: kept in `links`, absent from the keys. */
  readonly unviewable: Set<number>;
  /** Keys that went away during the scan. */
  readonly vanished: Set<number>;
}

/** Errno names of KEYCTL_READ on a keyring that mean "no member list for us" rather than a failure. */
const UNREADABLE = new Set(['EACCES', 'ENOTDIR', 'EOPNOTSUPP']);

export function newScanContext(table: KeyTable, hidden: ReadonlySet<number>): ScanContext {
  return {
    table,
    hidden,
    stats: { describedByReader: 0, possessorOnly: 0, keyringsRead: 0 },
    members: new Map(),
    memberRows: new Map(),
    possessorOnly: new Map(),
    unviewable: new Set(),
    vanished: new Set(),
  };
}

/**
 * Records member lists the possessing side read; returns the members the scan knows nothing of yet (not in
 * the table, not already described, not vanished, not hidden).
 */
export function recordMemberLists(ctx: ScanContext, outcomes: readonly MembersOutcome[]): number[] {
  const unknown: number[] = [];
  for (const outcome of outcomes) {
    const list = memberList(outcome);
    ctx.stats.keyringsRead++;
    ctx.members.set(outcome.id, list);
    if (list === null) continue;
    const rows = new Int32Array(list.length);
    // Members without a row are few (none, usually): only then is the list gone through again.
    if (ctx.table.rowsOf(list, rows) > 0) {
      for (let i = 0; i < list.length; i++) if ((rows[i] as number) < 0 && isUnknown(ctx, list[i] as number)) unknown.push(list[i] as number);
    }
    ctx.memberRows.set(outcome.id, rows);
  }
  return unknown;
}

/** A key the scan has neither a row for nor any word about. */
export function isUnknown(ctx: ScanContext, id: number): boolean {
  return !ctx.table.has(id) && !ctx.possessorOnly.has(id) && !ctx.unviewable.has(id) && !ctx.vanished.has(id) && !ctx.hidden.has(id);
}

/** A keyring's members from KEYCTL_READ's outcome; null where we may not read it. */
export function memberList(outcome: MembersOutcome): number[] | null {
  if ('members' in outcome) return outcome.members;
  if (outcome.code === 'EKEYREVOKED') return []; // revoking a keyring clears it
  if (isVanishedCode(outcome.code) || UNREADABLE.has(outcome.code)) return null;
  throw new Error(`KEYCTL_READ on keyring ${outcome.id} failed: ${outcome.code}`);
}

/** Phase 1: member lists as the snapshot shows them, without vanished keys and the helpers' keyrings. */
export function settleMemberLists(ctx: ScanContext): void {
  for (const [ring, list] of ctx.members) {
    if (list && list.some((m) => ctx.vanished.has(m) || ctx.hidden.has(m))) {
      ctx.members.set(ring, list.filter((m) => !ctx.vanished.has(m) && !ctx.hidden.has(m)));
      ctx.memberRows.delete(ring);
    }
  }
}

/** By table row: its members' rows (null: may not be read; undefined: not a keyring we read). */
export type MemberRowsByRow = ReadonlyArray<Int32Array | null | undefined>;

/** Phase 2: each link's table row, looked up once here, not once per question of the walks below. */
export function memberRowsByRow(ctx: ScanContext): MemberRowsByRow {
  const { table } = ctx;
  const byRow = new Array<Int32Array | null | undefined>(table.length);
  for (const [ring, list] of ctx.members) {
    const row = table.rowOf(ring);
    if (row < 0) continue;
    if (list === null) {
      byRow[row] = null;
      continue;
    }
    // Rows looked up while walking stay right, but keys added since (possessor-only) need theirs.
    const rows = ctx.memberRows.get(ring) ?? new Int32Array(list.length).fill(-1);
    for (let i = 0; i < list.length; i++) if ((rows[i] as number) < 0) rows[i] = table.rowOf(list[i] as number);
    byRow[row] = rows;
  }
  return byRow;
}

function rowsOf(table: KeyTable, ids: readonly (number | null)[]): number[] {
  return ids.flatMap((id) => (id === null ? [] : [table.rowOf(id)])).filter((row) => row >= 0);
}

/**
 * The walks of phases 3 and 5 over `byRow` by WebAssembly (rowWalks.ts), or null where there is none (they walk in
 * JavaScript then): one layout of the lists for both.
 */
export function rowWalksOf(ctx: ScanContext, byRow: MemberRowsByRow): RowWalks | null {
  const lists: number[] = [];
  for (const ring of ctx.members.keys()) {
    const row = ctx.table.rowOf(ring);
    if (row >= 0 && byRow[row] !== undefined) lists.push(row);
  }
  return rowWalks(ctx.table.length, lists, byRow);
}

/** Phase 3: 1 for each row the observer possesses through its thread, process or session keyring. */
export function possessedRows(ctx: ScanContext, byRow: MemberRowsByRow, who: Observer, anchors: ProcessAnchors, walks: RowWalks | null = null): Uint8Array {
  const { table } = ctx;
  const roots = rowsOf(table, [anchors.thread, anchors.process, anchors.session]);
  const facts = { uid: 0, gid: 0, perm: 0 };
  const byClass = (row: number): boolean => {
    facts.uid = table.uid[row] as number;
    facts.gid = table.gid[row] as number;
    facts.perm = table.perm[row] as number;
    return searchableWhenPossessed(facts, who);
  };
  const walked = walks?.possessed(roots, table.perm, byClass, MAX_SEARCHED_DEPTH);
  if (walked != null) return walked;
  const searchable = new Uint8Array(table.length);
  for (let row = 0; row < table.length; row++) {
    // The possessor byte is OR-ed into whichever class applies: where it grants SEARCH (nearly every key), the
    // answer is yes without the class rule's calls, which ran cold for each of 40k rows in a one-shot process.
    if ((((table.perm[row] as number) >>> 24) & PERM_BITS.search) !== 0) {
      searchable[row] = 1;
      continue;
    }
    if (byClass(row)) searchable[row] = 1;
  }
  const possessed = new Uint8Array(table.length);
  walkPossession(
    roots,
    (row) => byRow[row],
    (row) => row >= 0 && searchable[row] === 1,
    (row) => row >= 0 && byRow[row] !== undefined,
    (row) => void (possessed[row] = 1),
  );
  return possessed;
}

/** The keyrings of the table, as the anchor lookups want them (one pass over the rows for phases 4 and 5). */
export function keyringsOf(table: KeyTable): NamedKey[] {
  const named: NamedKey[] = [];
  for (let row = 0; row < table.length; row++) {
    if (!table.isKeyring(row)) continue;
    named.push({ id: table.id[row] as number, type: 'keyring', description: table.description(row) ?? table.rest(row), uid: table.uid[row] as number, gid: table.gid[row] as number });
  }
  return named;
}

/** Phase 4: the process anchors plus `uid`'s user keyrings found by name; an anchor we cannot see is null. */
export function anchorsOf(ctx: ScanContext, keyrings: readonly NamedKey[], uid: number, processAnchors: ProcessAnchors): Anchors {
  const userAnchors = findUserAnchors(keyrings, uid, (id) => ctx.members.get(id));
  const anchors: Anchors = { ...processAnchors, ...userAnchors };
  for (const [k, v] of Object.entries(anchors) as [keyof Anchors, number | null][]) {
    if (v !== null && !ctx.table.has(v)) anchors[k] = null; // not visible: say so rather than point nowhere
  }
  return anchors;
}

/** Phase 5: 1 for each row reachable from an anchor or a kernel-held keyring (shared/reachability.ts); the rest are orphans. */
export function reachableRows(ctx: ScanContext, keyrings: readonly NamedKey[], byRow: MemberRowsByRow, anchors: Anchors, walks: RowWalks | null = null): Uint8Array {
  const { table } = ctx;
  const roots: number[] = Object.values(anchors).filter((v): v is number => v !== null);
  for (const k of keyrings) if (isKernelHeldKeyring(k)) roots.push(k.id);
  const rootRows = rowsOf(table, roots);
  const walked = walks?.reachable(rootRows);
  if (walked != null) return walked;
  const reachable = new Uint8Array(table.length);
  walkReachable(rootRows, (row) => byRow[row], (row) => row >= 0 && reachable[row] === 0 && (reachable[row] = 1) === 1);
  return reachable;
}
