// The scanner: one complete Snapshot of every key this process can see, at a cost linear in the number
// of keys (README "Performance": the kernel's own per-key possession search grows with keys × keyrings).
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
import type { QuotaInfo, ScanScope, Snapshot } from '../../shared/snapshot';
import { UserViewThread, type UserView } from '../threads/userViewThread';
import { assertScopeAllowed } from './scope';
import { mergeUserViews, type SeenBy } from './userViews';
import type { ProcessAnchors } from './anchors';
import { isVanishedCode } from './keyctl';
import { KeyTable } from './keyTable';
import { parseKeyUsers, withUserNames } from './keyUsers';
import { readUserNames } from './userNames';
import { NameCache } from './nameCache';
import { readPinEnvironmentAsync } from './pinEnvironment';
import { annotatePins } from './pins';
import { inThreadPossessingSide, type PossessingOps } from './possessingSide';
import { PossessingProcKeys } from './possessingProc';
import { descriptionFromRest, nameFromText } from './descriptions';
import { parseProcKeysInto } from './procKeys';
import {
  anchorsOf,
  memberRowsByRow,
  newScanContext,
  possessedRows,
  reachableRows,
  recordMemberLists,
  settleMemberLists,
  type ScanContext,
  type ScanStatsDetail,
} from './scanContext';
import { snapshotOf, type ScanState } from './scanState';
import type { PossessingSide, ProcReader, ReadResult } from './sides';
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
  /** What to look at (default: this process's view). Other scopes need root (scope.ts). */
  scope?: ScanScope;
}

export type { ScanStatsDetail } from './scanContext';

function defaultProcRoot(): string {
  return process.env.KEYRING_BROWSER_PROC_ROOT || '/proc';
}

export class Scanner {
  private readonly procRoot: string;
  private readonly reader: ProcReader;
  private readonly possessing: PossessingSide;
  private readonly now: () => number;
  private readonly names: NameCache;
  private readonly possessingProc: PossessingProcKeys;
  lastStats: ScanStatsDetail = { describedByReader: 0, possessorOnly: 0, keyringsRead: 0 };
  /** Reads as other uids, for scopes other than 'process' (started with the first such scan). */
  private userViews: UserViewThread | null = null;
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
    await Promise.all([this.reader.close(), this.possessing.close(), this.userViews?.close()]);
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

  /** What one scan finds, before it becomes a Snapshot (scanState.ts): its phases, in order. */
  async scanState(): Promise<ScanState> {
    const takenAt = this.now();
    // Read off this thread while the scan runs (pins need it only at the end).
    const pinEnvironment = readPinEnvironmentAsync(takenAt, this.procRoot);
    const trace = tracer();
    const scope = this.options.scope ?? { kind: 'process' };
    const views = this.startUserViews(scope);
    const ctx = await this.readKeys(trace, views === null ? [] : await views.helperKeyIds);
    const processAnchors = await this.processAnchors(ctx.hidden);
    const reread = await this.walkKeyrings(ctx, processAnchors);
    trace(`walk (${ctx.unviewable.size} unviewable, ${ctx.possessorOnly.size} possessor-only, re-read: ${reread})`);
    await this.addPossessorOnlyRows(ctx);
    // Other users' views: their keys join the table, their keyrings' member lists fill the ones this process
    // could not read, and each key records which views list it.
    let seenBy: SeenBy | null = null;
    if (views !== null) {
      const from = ctx.table.length;
      seenBy = mergeUserViews(ctx.table, ctx.members, await views.read, ctx.hidden);
      ctx.stats.describedByReader += await this.resolveNames(ctx.table, from);
      trace('user views');
    }
    settleMemberLists(ctx);

    const who = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, groups: process.getgroups?.() ?? [] };
    const byRow = memberRowsByRow(ctx);
    const possessed = possessedRows(ctx, byRow, who, processAnchors);
    trace('possession');
    const anchors = anchorsOf(ctx, who.uid, processAnchors);
    const reachable = reachableRows(ctx, byRow, anchors);
    trace('orphans');

    this.names.retainOnly(ctx.table);
    this.lastStats = ctx.stats;
    return {
      takenAt,
      uid: who.uid,
      gid: who.gid,
      groups: who.groups,
      anchors,
      quotas: ctx.quotas,
      table: ctx.table,
      order: ctx.table.rowsInSerialOrder(),
      members: ctx.members,
      possessed,
      reachable,
      pinEnvironment,
      ...(scope.kind === 'process' ? {} : { scope }),
      ...(seenBy === null ? {} : { seenBy }),
    };
  }

  /**
   * For scopes other than 'process': starts reading every uid's view on the user-view thread, which runs while
   * this thread scans the process's own view. Refuses (ScopeRefusedError) without the privileges it needs.
   */
  private startUserViews(scope: ScanScope): { helperKeyIds: Promise<number[]>; read: Promise<UserView[]> } | null {
    if (scope.kind === 'process') return null;
    assertScopeAllowed(scope, this.procRoot);
    this.userViews ??= new UserViewThread();
    const read = this.userViews.views(this.procRoot, scope);
    read.catch(() => undefined); // awaited after the walk
    return { helperKeyIds: this.userViews.helperKeyIds(), read };
  }

  /** The reader's /proc/keys as a table (without the hidden serials), named; its /proc/key-users as quotas. */
  private async readKeys(trace: (label: string) => void, moreHidden: readonly number[]): Promise<ScanContext & { quotas: QuotaInfo[] }> {
    const hidden = new Set<number>([...(await this.reader.helperKeyIds()), ...moreHidden, ...(this.options.hiddenIds ?? [])]);
    const first = await this.reader.read(this.procRoot);
    trace('read');
    const table = new KeyTable(0);
    parseProcKeysInto(table, this.textOf(first), first.readAt, (id) => !hidden.has(id));
    trace('parse');
    const ctx = { ...newScanContext(table, hidden), quotas: withUserNames(parseQuotas(first), readUserNames(this.options.passwdPath)) };
    ctx.stats.describedByReader += await this.resolveNames(table, 0);
    trace('names');
    return ctx;
  }

  /**
   * Reads every keyring the scan knows of (from the possessing side), and finds the members the reader could
   * not see: keys added since its read (one fresh read picks them all up) and keys only a possessor may view
   * (described by the possessing side). Returns whether the reader read again.
   */
  private async walkKeyrings(ctx: ScanContext, processAnchors: ProcessAnchors): Promise<boolean> {
    const { table } = ctx;
    let queue: number[] = [];
    for (let row = 0; row < table.length; row++) if (table.isKeyring(row)) queue.push(table.id[row] as number);
    let unknown = new Set<number>();
    for (const a of Object.values(processAnchors)) if (a !== null && !table.has(a)) unknown.add(a);
    let reread = false;
    while (queue.length > 0 || unknown.size > 0) {
      while (queue.length > 0) {
        const batch = [...new Set(queue)].filter((ring) => !ctx.members.has(ring));
        queue = [];
        if (batch.length > 0) for (const m of recordMemberLists(ctx, await this.possessing.readMembers(batch))) unknown.add(m);
      }
      if (unknown.size === 0) break;
      const ids = [...unknown];
      unknown = new Set();
      if (!reread && (await this.readerSeesAny(ids))) {
        reread = true;
        queue.push(...(await this.addNewKeys(ctx, ids)));
      }
      // What is left is visible (if at all) only through possession: ask from that side.
      queue.push(...(await this.describePossessorOnly(ctx, ids.filter((id) => !table.has(id)))));
    }
    return reread;
  }

  /**
   * Whether the reader may view any of `ids` (a cheap DESCRIBE), so a fresh read would find them: asking first
   * keeps members it may not view (e.g. other users' keyrings in .user_reg) from costing a read on every poll.
   */
  private async readerSeesAny(ids: readonly number[]): Promise<boolean> {
    return (await this.reader.describe(ids)).some((o) => 'description' in o || o.code === 'EKEYREVOKED' || o.code === 'EKEYEXPIRED');
  }

  /** Reads /proc/keys again and adds the rows of `ids` it now has; returns the new keyrings, to walk. */
  private async addNewKeys(ctx: ScanContext, ids: readonly number[]): Promise<number[]> {
    const { table, hidden } = ctx;
    const again = await this.reader.read(this.procRoot);
    const wanted = new Set(ids);
    const fresh = new KeyTable(0);
    parseProcKeysInto(fresh, this.textOf(again), again.readAt, (id) => wanted.has(id) && !hidden.has(id) && !table.has(id));
    const from = table.length;
    for (let row = 0; row < fresh.length; row++) table.copyRow(fresh, row);
    ctx.stats.describedByReader += await this.resolveNames(table, from);
    const keyrings: number[] = [];
    for (let row = from; row < table.length; row++) if (table.isKeyring(row)) keyrings.push(table.id[row] as number);
    return keyrings;
  }

  /** DESCRIBEs `ids` from the possessing side: possessor-only keys, unviewable ones, vanished ones. Returns the keyrings found, to walk. */
  private async describePossessorOnly(ctx: ScanContext, ids: readonly number[]): Promise<number[]> {
    const keyrings: number[] = [];
    for (const outcome of await this.possessing.describe(ids)) {
      if ('description' in outcome) {
        ctx.possessorOnly.set(outcome.id, outcome.description);
        if (outcome.description.type === 'keyring') keyrings.push(outcome.id);
      } else if (outcome.code === 'EACCES') {
        ctx.unviewable.add(outcome.id);
      } else if (isVanishedCode(outcome.code)) {
        ctx.vanished.add(outcome.id);
      } else {
        throw new Error(`KEYCTL_DESCRIBE on key ${outcome.id} failed: ${outcome.code}`);
      }
    }
    return keyrings;
  }

  /** Rows for the possessor-only keys: flags, usage and timeout from the possessing side's /proc/keys. */
  private async addPossessorOnlyRows(ctx: ScanContext): Promise<void> {
    if (ctx.possessorOnly.size === 0) return;
    const lines = await this.possessingProc.linesFor([...ctx.possessorOnly.keys()]);
    for (const [id, d] of ctx.possessorOnly) {
      const line = lines.get(id);
      if (!line) {
        ctx.vanished.add(id);
        continue;
      }
      const row = ctx.table.addFields(line, line.readAt);
      ctx.table.setName(row, d.type, d.description);
      ctx.stats.possessorOnly++;
    }
  }

  private async processAnchors(hidden: ReadonlySet<number>): Promise<ProcessAnchors> {
    const a = { ...(await this.possessing.anchors()) };
    if (this.options.threadKeyring !== undefined) a.thread = this.options.threadKeyring;
    if (a.thread !== null && hidden.has(a.thread)) a.thread = null;
    return a;
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
