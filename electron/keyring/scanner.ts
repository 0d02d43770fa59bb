// The scanner: one complete Snapshot of every key this process can see, at a cost linear in the number
// of keys (DESIGN.md "Performance: the trap and the way out").
//
// Two sides (sides.ts), because the kernel charges every per-key lookup with a search of the caller's
// keyrings:
//  - the non-possessing reader (a thread in its own empty session keyring) reads /proc/keys and
//    /proc/key-users and DESCRIBEs the few keys whose names /proc/keys leaves ambiguous: cheap, since it
//    possesses nothing to search;
//  - the possessing side (the credentials the snapshot is for) only KEYCTL_READs keyrings (few) and
//    DESCRIBEs the few members the reader could not see (possessor-only view); for those alone it needs
//    its own /proc/keys (possessingProc.ts, throttled).
// The thread that calls scan() possesses; the reader is a helper thread (a worker in the app, libuv's pool
// thread in the one-shot CLI). Both sides answer in batches.
// The keys live in a KeyTable (columns, not objects) until the end: scan() makes the Snapshot's objects,
// writeJson() writes the same snapshot as JSON a batch at a time (snapshotJson.ts).
// Possession is computed in userland (possession.ts). Keys that vanish mid-scan are dropped (or kept with
// what /proc/keys said), never an error. The helper's own keyrings never appear.
//
// Decisions a consumer must know:
//  - `links` lists members in kernel order, including members this process may not view at all (no view
//    bit even as possessor): such ids have no entry in `keys`. Members that vanished mid-scan are removed.
//  - `orphan`: reachable neither from an anchor nor from a kernel-held keyring (`.user_reg`,
//    `.dns_resolver`, ...: type keyring, name starting with '.', which userspace may not create). Kernel-held
//    keyrings are roots of their own, so they and what hangs off them (`_uid.N` under `.user_reg`,
//    `_persistent.N` under `.persistent_register`) are not orphans.
//  - anchors.session is null when the session keyring denies search: GET_KEYRING_ID(-3) itself answers
//    EACCES, so the kernel will not name it (and nothing is possessed through it). See anchors.ts for what
//    -3 does when there is no session keyring at all.
//  - Possessor-only keys' flags/usage/timeout come from the possessing side's /proc/keys, re-read at most
//    once per 10 × its cost (possessingProc.ts): on a huge tree with such keys they may lag a few polls.
import { decodeFlags } from '../../shared/flags';
import type { Anchors, QuotaInfo, Snapshot } from '../../shared/snapshot';
import { findUserAnchors, isKernelKeyring, type ProcessAnchors } from './anchors';
import { isVanishedCode, type KeyDescription } from './keyctl';
import { KeyTable } from './keyTable';
import { parseKeyUsers, withUserNames } from './keyUsers';
import { readUserNames } from './userNames';
import { NameCache } from './nameCache';
import { readPinEnvironmentAsync } from './pinEnvironment';
import { annotatePins } from './pins';
import { inThreadPossessingSide, type PossessingOps } from './possessingSide';
import { searchableWhenPossessed, walkPossession, walkReachable } from './possession';
import { PossessingProcKeys } from './possessingProc';
import { descriptionFromRest, nameFromText, parseProcKeysInto } from './procKeys';
import { snapshotOf, type ScanState } from './scanState';
import type { MembersOutcome, PossessingSide, ProcReader, ReadResult } from './sides';
import { writeSnapshotJson } from './snapshotJson';
import { ReaderThread } from '../threads/readerThread';
import { fullTypeName } from './typeNames';
import { KeyringsUnavailableError } from './keyringsUnavailable';

export type { ProcReader } from './sides';
export type { PossessingOps } from './possessingSide';

export { KeyringsUnavailableError } from './keyringsUnavailable';

export interface ScannerOptions {
  /** Where /proc lives (tests point it elsewhere). Default '/proc' or $KEYRING_BROWSER_PROC_ROOT. */
  procRoot?: string;
  /** The non-possessing side (default: a helper thread that joins an empty session keyring). */
  reader?: ProcReader;
  /** The calling thread's kernel calls: it is the possessing side (tests spy on them). */
  ops?: PossessingOps;
  /** Override the thread anchor (a scanning worker passes its creator's thread keyring). */
  threadKeyring?: number | null;
  /** More keyrings to hide (a scanning worker's own thread keyring). */
  hiddenIds?: readonly number[];
  now?: () => number;
  /** Remember names between polls (default true; a one-shot scan turns it off). */
  cacheNames?: boolean;
  /** Where user names come from (default /etc/passwd). */
  passwdPath?: string;
}

export interface ScanStatsDetail {
  /** Keys DESCRIBEd by the reader (ambiguous names) in the last scan. */
  describedByReader: number;
  /** Keys found only by the possessing side (possessor-only view) in the last scan. */
  possessorOnly: number;
  /** Keyrings read in the last scan. */
  keyringsRead: number;
}

export function defaultProcRoot(): string {
  return process.env.KEYRING_BROWSER_PROC_ROOT || '/proc';
}

/** Errno names of KEYCTL_READ on a keyring that mean "no member list for us" rather than a failure. */
const UNREADABLE = new Set(['EACCES', 'ENOTDIR', 'EOPNOTSUPP']);

export class Scanner {
  private readonly procRoot: string;
  private readonly reader: ProcReader;
  private readonly possessing: PossessingSide;
  private readonly now: () => number;
  private readonly names: NameCache;
  private readonly possessingProc: PossessingProcKeys;
  lastStats: ScanStatsDetail = { describedByReader: 0, possessorOnly: 0, keyringsRead: 0 };
  /** The last snapshot, whose doom bounds the next scan keeps where they still hold. */
  private previous: Snapshot | null = null;

  constructor(private readonly options: ScannerOptions = {}) {
    this.procRoot = options.procRoot ?? defaultProcRoot();
    this.reader = options.reader ?? new ReaderThread();
    this.possessing = inThreadPossessingSide(options.ops);
    this.now = options.now ?? Date.now;
    this.names = new NameCache(options.cacheNames ?? true);
    this.possessingProc = new PossessingProcKeys(this.procRoot, this.now, (root) => this.possessing.readProcKeys(root));
  }

  async close(): Promise<void> {
    await Promise.all([this.reader.close(), this.possessing.close()]);
  }

  /** One complete snapshot. */
  async scan(): Promise<Snapshot> {
    const state = await this.scanState();
    const snapshot = snapshotOf(state);
    // Each key's expiry is this read's window; the service narrows it across polls (shared/expiry.ts ExpiryTracker).
    annotatePins(snapshot, await state.pinEnvironment, this.previous ?? undefined);
    this.previous = snapshot;
    return snapshot;
  }

  /**
   * One snapshot written as JSON (exactly JSON.stringify(scan()) + '\n'), a batch of keys at a time: the
   * one-shot CLI's `snapshot --json`. It does not become the `previous` of a next scan.
   */
  async writeJson(write: (chunk: string) => void): Promise<void> {
    const state = await this.scanState();
    const trace = tracer();
    const env = await state.pinEnvironment;
    trace('pin environment');
    writeSnapshotJson(state, env, write);
    trace('json written');
  }

  /** What one scan finds, before it becomes a Snapshot (scanState.ts). */
  async scanState(): Promise<ScanState> {
    const takenAt = this.now();
    // Read off this thread while the scan runs (pins need it only at the end).
    const pinEnvironment = readPinEnvironmentAsync(takenAt, this.procRoot);
    const hidden = new Set<number>([...(await this.reader.helperKeyIds()), ...(this.options.hiddenIds ?? [])]);
    const stats: ScanStatsDetail = { describedByReader: 0, possessorOnly: 0, keyringsRead: 0 };

    const trace = tracer();
    const first = await this.reader.read(this.procRoot);
    trace('read');
    const table = this.tableOf(first, hidden);
    trace('parse');
    const quotas = withUserNames(parseQuotas(first), readUserNames(this.options.passwdPath));
    stats.describedByReader += await this.resolveNames(table, 0);
    trace('names');
    const processAnchors = await this.processAnchors(hidden);

    // Walk every keyring we know of, discovering members the reader could not see.
    const members = new Map<number, number[] | null>();
    const extra = new Map<number, KeyDescription>(); // possessor-only keys, described by the possessing side
    const unviewable = new Set<number>(); // members we may not even view (kept in `links`)
    const vanished = new Set<number>();
    let queue: number[] = [];
    for (let row = 0; row < table.length; row++) if (table.isKeyring(row)) queue.push(table.id[row] as number);
    let unknown = new Set<number>();
    for (const a of Object.values(processAnchors)) if (a !== null && !table.has(a)) unknown.add(a);
    // Members' table rows, looked up once per link here (-1: not in the table yet); the walks below use them.
    const memberRows = new Map<number, Int32Array>();
    const isNewOutsideTable = (m: number): boolean => !extra.has(m) && !unviewable.has(m) && !vanished.has(m) && !hidden.has(m);
    const record = (outcomes: MembersOutcome[]): void => {
      for (const outcome of outcomes) {
        const list = memberList(outcome);
        stats.keyringsRead++;
        members.set(outcome.id, list);
        if (list === null) continue;
        const rows = new Int32Array(list.length);
        for (let i = 0; i < list.length; i++) {
          const m = list[i] as number;
          const row = table.rowOf(m);
          rows[i] = row;
          if (row < 0 && isNewOutsideTable(m)) unknown.add(m);
        }
        memberRows.set(outcome.id, rows);
      }
    };
    let reread = false;

    while (queue.length > 0 || unknown.size > 0) {
      while (queue.length > 0) {
        const batch = [...new Set(queue)].filter((ring) => !members.has(ring));
        queue = [];
        if (batch.length > 0) record(await this.possessing.readMembers(batch));
      }
      if (unknown.size === 0) break;
      const ids = [...unknown];
      unknown = new Set();
      // Keys added since the first read are visible to the reader: one fresh read picks them all up. Ask the
      // reader first (a cheap DESCRIBE) so members it may not view (e.g. other users' keyrings in
      // .user_reg) do not cost a re-read on every poll.
      const readerSees = (await this.reader.describe(ids)).filter((o) => 'description' in o || o.code === 'EKEYREVOKED' || o.code === 'EKEYEXPIRED');
      if (!reread && readerSees.length > 0) {
        reread = true;
        const again = await this.reader.read(this.procRoot);
        const wanted = new Set(ids);
        const fresh = new KeyTable(0);
        parseProcKeysInto(fresh, this.textOf(again), again.readAt, (id) => wanted.has(id) && !hidden.has(id) && !table.has(id));
        const from = table.length;
        for (let row = 0; row < fresh.length; row++) table.copyRow(fresh, row);
        stats.describedByReader += await this.resolveNames(table, from);
        for (let row = from; row < table.length; row++) if (table.isKeyring(row)) queue.push(table.id[row] as number);
      }
      // What is left is visible (if at all) only through possession: ask from that side.
      const left = ids.filter((id) => !table.has(id));
      for (const outcome of await this.possessing.describe(left)) {
        if ('description' in outcome) {
          extra.set(outcome.id, outcome.description);
          if (outcome.description.type === 'keyring') queue.push(outcome.id);
        } else if (outcome.code === 'EACCES') {
          unviewable.add(outcome.id);
        } else if (isVanishedCode(outcome.code)) {
          vanished.add(outcome.id);
        } else {
          throw new Error(`KEYCTL_DESCRIBE on key ${outcome.id} failed: ${outcome.code}`);
        }
      }
    }

    trace(`walk (${unviewable.size} unviewable, ${extra.size} possessor-only, re-read: ${reread})`);
    // Flags, usage and timeout of possessor-only keys come from the possessing side's /proc/keys.
    const extraLines = extra.size > 0 ? await this.possessingProc.linesFor([...extra.keys()]) : new Map();
    for (const [id, d] of extra) {
      const line = extraLines.get(id);
      if (!line) {
        vanished.add(id);
        continue;
      }
      const row = table.addFields(line, line.readAt);
      table.setName(row, d.type, d.description);
      stats.possessorOnly++;
    }

    // Member lists as the snapshot shows them: without vanished keys and the helper's keyrings.
    for (const [ring, list] of members) {
      if (list && list.some((m) => vanished.has(m) || hidden.has(m))) {
        members.set(ring, list.filter((m) => !vanished.has(m) && !hidden.has(m)));
        memberRows.delete(ring);
      }
    }

    const who = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, groups: process.getgroups?.() ?? [] };
    // The walks below go by table row (possession.ts walkPossession/walkReachable): each link's serial is
    // looked up once here, not once per question.
    const membersByRow = new Array<Int32Array | null | undefined>(table.length);
    for (const [ring, list] of members) {
      const row = table.rowOf(ring);
      if (row < 0) continue;
      if (list === null) {
        membersByRow[row] = null;
        continue;
      }
      // Rows looked up while walking stay right, but keys added since (possessor-only) need theirs.
      const rows = memberRows.get(ring) ?? new Int32Array(list.length).fill(-1);
      for (let i = 0; i < list.length; i++) if ((rows[i] as number) < 0) rows[i] = table.rowOf(list[i] as number);
      membersByRow[row] = rows;
    }
    const searchableRows = new Uint8Array(table.length);
    const facts = { uid: 0, gid: 0, perm: 0 };
    for (let row = 0; row < table.length; row++) {
      facts.uid = table.uid[row] as number;
      facts.gid = table.gid[row] as number;
      facts.perm = table.perm[row] as number;
      if (searchableWhenPossessed(facts, who)) searchableRows[row] = 1;
    }
    const rowsOf = (ids: readonly (number | null)[]): number[] => ids.flatMap((id) => (id === null ? [] : [table.rowOf(id)])).filter((row) => row >= 0);
    const possessed = new Uint8Array(table.length);
    walkPossession(
      rowsOf([processAnchors.thread, processAnchors.process, processAnchors.session]),
      (row) => membersByRow[row],
      (row) => row >= 0 && searchableRows[row] === 1,
      (row) => row >= 0 && membersByRow[row] !== undefined,
      (row) => void (possessed[row] = 1),
    );
    trace('possession');

    const named: { id: number; type: string; description: string; uid: number; gid: number }[] = [];
    for (let row = 0; row < table.length; row++) {
      if (table.isKeyring(row)) {
        named.push({ id: table.id[row] as number, type: 'keyring', description: table.description(row) ?? table.rest(row), uid: table.uid[row] as number, gid: table.gid[row] as number });
      }
    }
    const userAnchors = findUserAnchors(named, who.uid, (id) => members.get(id));
    const anchors: Anchors = { ...processAnchors, ...userAnchors };
    for (const [k, v] of Object.entries(anchors) as [keyof Anchors, number | null][]) {
      if (v !== null && !table.has(v)) anchors[k] = null; // not visible: say so rather than point nowhere
    }

    // Orphans: reachable neither from an anchor nor from a kernel-held keyring (those are roots of their own).
    const roots: number[] = Object.values(anchors).filter((v): v is number => v !== null);
    for (const k of named) if (isKernelKeyring(k)) roots.push(k.id);
    const reachable = new Uint8Array(table.length);
    walkReachable(rowsOf(roots), (row) => membersByRow[row], (row) => row >= 0 && reachable[row] === 0 && (reachable[row] = 1) === 1);
    trace('orphans');

    this.names.retainOnly(table);
    this.lastStats = stats;
    return {
      takenAt,
      uid: who.uid,
      gid: who.gid,
      groups: who.groups,
      anchors,
      quotas,
      table,
      order: table.rowsInSerialOrder(),
      members,
      possessed,
      reachable,
      pinEnvironment,
    };
  }

  private async processAnchors(hidden: ReadonlySet<number>): Promise<ProcessAnchors> {
    const a = { ...(await this.possessing.anchors()) };
    if (this.options.threadKeyring !== undefined) a.thread = this.options.threadKeyring;
    if (a.thread !== null && hidden.has(a.thread)) a.thread = null;
    return a;
  }

  /** The first read's keys as a table, without the hidden serials. */
  private tableOf(read: ReadResult, hidden: ReadonlySet<number>): KeyTable {
    const table = new KeyTable(0);
    parseProcKeysInto(table, this.textOf(read), read.readAt, (id) => !hidden.has(id));
    return table;
  }

  private textOf(read: ReadResult): string {
    if (read.keys.text === undefined) throw unavailable(this.procRoot, read.keys.code, read.keys.message);
    return read.keys.text;
  }

  /**
   * Fills in full type names and descriptions of rows [from, end); DESCRIBEs (from the reader) only what
   * /proc/keys leaves ambiguous. Returns how many it asked the reader about.
   */
  private async resolveNames(table: KeyTable, from: number): Promise<number> {
    const ambiguous = nameFromText(table, from, this.names);
    if (ambiguous.length === 0) return 0;
    const rowById = new Map(ambiguous.map((row) => [table.id[row] as number, row]));
    for (const outcome of await this.reader.describe([...rowById.keys()])) {
      const row = rowById.get(outcome.id);
      if (row === undefined) continue;
      if ('description' in outcome) {
        table.setName(row, outcome.description.type, outcome.description.description);
        this.names.remember(table, row);
      } else {
        // DESCRIBE refuses revoked keys (and the key may just have gone): say what /proc/keys says.
        const rest = table.rest(row);
        const flags = table.flags(row);
        const type = fullTypeName(table.typeCut(row)) ?? table.typeCut(row);
        const description = descriptionFromRest(type, rest, flags) ?? rest;
        table.setName(row, type, description);
        if (decodeFlags(flags).revoked) this.names.remember(table, row); // settled: it will never describe again
      }
    }
    return ambiguous.length;
  }
}

/** KEYRING_BROWSER_TRACE=1: each phase's end on stderr, in ms since the phase's start and since process start. */
function tracer(): (label: string) => void {
  if (!process.env.KEYRING_BROWSER_TRACE) return () => {};
  const t0 = performance.now();
  return (label) => void process.stderr.write(`${label} ${(performance.now() - t0).toFixed(1)} ms (${performance.now().toFixed(0)} ms since start)\n`);
}

/** A keyring's members from KEYCTL_READ's outcome; null where we may not read it. */
function memberList(outcome: MembersOutcome): number[] | null {
  if ('members' in outcome) return outcome.members;
  if (outcome.code === 'EKEYREVOKED') return []; // revoking a keyring clears it
  if (isVanishedCode(outcome.code) || UNREADABLE.has(outcome.code)) return null;
  throw new Error(`KEYCTL_READ on keyring ${outcome.id} failed: ${outcome.code}`);
}

function parseQuotas(read: ReadResult): QuotaInfo[] {
  const text = read.keyUsers?.text;
  return text === undefined ? [] : parseKeyUsers(text).quotas;
}

function unavailable(procRoot: string, code: string | undefined, message: string | undefined): KeyringsUnavailableError {
  if (code === 'ENOENT') {
    return new KeyringsUnavailableError(
      `${procRoot}/keys does not exist: this kernel has no key management (CONFIG_KEYS) or /proc is not mounted.`,
    );
  }
  return new KeyringsUnavailableError(`cannot read ${procRoot}/keys (${code ?? 'error'}${message ? `: ${message}` : ''}).`);
}

/** One snapshot with a throwaway reader (the CLI's `snapshot`). The calling thread is the possessing side. */
export async function scanSnapshot(options: ScannerOptions = {}): Promise<Snapshot> {
  const reader = options.reader ?? new ReaderThread({ prefetch: options.procRoot ?? defaultProcRoot() });
  const scanner = new Scanner({ cacheNames: false, ...options, reader });
  try {
    return await scanner.scan();
  } finally {
    await scanner.close();
  }
}
