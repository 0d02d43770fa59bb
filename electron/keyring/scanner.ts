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
import type { Observer } from '../../shared/perm';
import { possessionUnknown as unknownPossession } from './possessionUnknown';
import type { QuotaInfo, ScanScope, Snapshot } from '../../shared/snapshot';
import { UserViewThread, type ReaderView, type UserView, type UserViewRequest } from '../threads/userViewThread';
import { assertScopeAllowed } from './scope';
import { mergeUserViews, type SeenBy } from './userViews';
import { agreeingViewChanges, type ChangedView } from './viewChanges';
import type { ProcessAnchors } from './anchors';
import { isVanishedCode } from './keyctl';
import { KeyTable } from './keyTable';
import { parseKeyUsers, withUserNames } from './keyUsers';
import { readUserNames } from './userNames';
import { NameCache } from './nameCache';
import { readPinEnvironment, readPinEnvironmentAsync } from './pinEnvironment';
import type * as ProcessWatchModule from './processWatch';
import { annotateKey, pinContext, type PinEnvironment } from './pins';
import { changedKeys, keyringsToReadAgain, keysOf, quietSnapshot, readableUnpossessed, relinkable, sameAnchors, sameKernelSettings, sameMembers, sameObserver, unseenMembersChanged, type QuietMemo } from './quietPoll';
import { inThreadPossessingSide, type PossessingOps } from './possessingSide';
import { PossessingProcKeys } from './possessingProc';
import { descriptionFromRest, nameFromText } from './descriptions';
import { parseProcKeysInto } from './procKeys';
import { readPossessedFirst } from './refusedReads';
import {
  anchorsOf,
  keyringsOf,
  memberList,
  memberRowsByRow,
  newScanContext,
  possessedRows,
  reachableRows,
  recordMemberLists,
  rowWalksOf,
  settleMemberLists,
  type ScanContext,
  type ScanStatsDetail,
} from './scanContext';
import { snapshotOf, type ScanState } from './scanState';
import type { MembersOutcome, PossessingSide, ProcReader, ReadResult } from './sides';
import { writeSnapshotJson, type JsonWriter } from './snapshotJson';
import { parseProcKeysBytes } from './procKeysBytes';
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
  /** Apply only what changed since the last poll where that is exact (quietPoll.ts; default true). */
  changesOnly?: boolean;
  /**
   * Keep the pins' processes between polls, reading again only the status files of processes the kernel's
   * process events name (processWatch.ts: as root; elsewhere every status file, as without it). Default false:
   * a one-shot scan reads them once.
   */
  watchProcesses?: boolean;
}

export type { ScanStatsDetail } from './scanContext';

/** What a quiet poll read before it found a change: the full scan goes on with it rather than read again. */
interface PreRead {
  /** A whole read (its text), never one of changes only. */
  read?: ReadResult;
  /** The reader's last read is this poll's (its changes read): the scan may take it whole from the reader (lastWhole). */
  readerReadThisPoll?: true;
  env?: Promise<PinEnvironment>;
  /** Other users' views (scopes other than 'process'). */
  views?: Promise<UserViewsRead>;
}

/** Other users' views as a scan merges them, and whether any differs from the last poll's. */
interface UserViewsRead {
  views: (UserView | ReaderView)[];
  changed: boolean;
  /** The views that changed, each with its last answer (null: not every change has one to compare with). */
  changedViews: ChangedView[] | null;
}

/** What a plain scan saw, for the next poll's comparison (the rest of QuietMemo comes after the pins). */
type QuietFacts = Omit<QuietMemo, 'env' | 'pins' | 'snapshot'>;

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
  /** The user-view thread's last answer, whole, by uid: what its `unchanged` views stand for. */
  private heldViews: Map<number, UserView | ReaderView> | null = null;
  /** The last snapshot, whose doom bounds the next scan keeps where they still hold. */
  private previous: Snapshot | null = null;
  /** What the last scan leaves for a quiet poll to compare with (quietPoll.ts); null: the next poll scans in full. */
  private quiet: QuietMemo | null = null;
  /** Whether the reader's last read is the one `quiet`'s snapshot was made from (what its changes are relative to). */
  private readerInSync = false;
  /** The pins' processes kept between polls (options.watchProcesses). */
  private readonly processes: ProcessWatchModule.ProcessWatch | null;

  constructor(private readonly options: ScannerOptions = {}) {
    this.procRoot = options.procRoot ?? defaultProcRoot();
    this.reader = options.reader ?? new ReaderThread();
    this.possessing = inThreadPossessingSide(options.ops);
    this.now = options.now ?? Date.now;
    this.names = new NameCache(options.cacheNames ?? true);
    this.possessingProc = new PossessingProcKeys(this.procRoot, this.now, (root) => this.possessing.readProcKeys(root));
    // Started only here (the one-shot CLI never watches: its bundle keeps the module unstarted).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    this.processes = options.watchProcesses === true ? new (require('./processWatch') as typeof ProcessWatchModule).ProcessWatch(this.procRoot) : null;
  }

  async close(): Promise<void> {
    this.processes?.close();
    await Promise.all([this.reader.close(), this.possessing.close(), this.userViews?.close()]);
  }

  /**
   * One complete snapshot. When the last scan left what a quiet poll needs, only what changed since is read and
   * applied to the last snapshot (quietPoll.ts); anything that poll cannot vouch for makes it a full scan.
   */
  async scan(): Promise<Snapshot> {
    const takenAt = this.now();
    const memo = this.readerInSync && this.options.changesOnly !== false ? this.quiet : null;
    this.quiet = null;
    this.readerInSync = false;
    let pre: PreRead | undefined;
    if (memo !== null) {
      const outcome = await this.quietPoll(memo, takenAt);
      if ('snapshot' in outcome) {
        this.previous = outcome.snapshot;
        this.quiet = { ...memo, snapshot: outcome.snapshot, env: outcome.env, members: outcome.members, pins: outcome.pins };
        this.readerInSync = true;
        this.lastStats = { describedByReader: outcome.described, possessorOnly: 0, keyringsRead: memo.members.size, changesOnly: true };
        return outcome.snapshot;
      }
      pre = outcome;
    }
    const state = await this.scanState(takenAt, pre);
    const snapshot = snapshotOf(state);
    // Each key's expiry is this read's window; the service narrows it across polls (shared/expiry.ts ExpiryTracker).
    const env = await state.pinEnvironment;
    const pins = pinContext(snapshot.keys, snapshot, env, this.previous ?? undefined);
    for (const key of snapshot.keys) annotateKey(key, pins);
    this.previous = snapshot;
    this.quiet = state.quiet === undefined ? null : { ...state.quiet, env, pins, snapshot };
    this.readerInSync = state.quiet !== undefined;
    return snapshot;
  }

  /**
   * Reads what changed since the last scan and checks everything else a scan derives its snapshot from
   * (quietPoll.ts): the new snapshot when the changes are ones it can apply, else what it read, for the full
   * scan to go on with.
   */
  private async quietPoll(
    memo: QuietMemo,
    takenAt: number,
  ): Promise<{ snapshot: Snapshot; env: PinEnvironment; members: QuietMemo['members']; pins: QuietMemo['pins']; described: number } | PreRead> {
    const trace = tracer();
    const scope = this.options.scope ?? { kind: 'process' };
    // Other users' views once asked (below, also.views); a full scan goes on with them, or asks them itself.
    const also: PreRead = {};
    // The keyrings a non-possessor may read go to the reader with its read (readableUnpossessed).
    const read = await this.reader.read(this.procRoot, true, this.reader.readsAsCreator === true ? readableUnpossessed(memo) : []);
    const changes = read.keys.changes;
    // The reader could not tell what changed: go on with the whole text it sent instead.
    if (changes === undefined) return (trace('quiet poll: whole text read, full scan'), { read, ...also });
    // The full scan goes on with this read, whole: reading /proc/keys again cost the reader the kernel's whole walk
    // once more (the most of a poll's CPU), for a text a few milliseconds newer. Keys added since are the walk's to
    // find, as they are after any scan's read (walkKeyrings reads again).
    also.readerReadThisPoll = true;
    const full = (what: string): PreRead => (trace(`quiet poll: ${what}, full scan`), also);
    trace(`quiet poll: read (${changes.removed.length} removed, ${changes.text.length} bytes of records changed or added)`);
    const removed = new Set(changes.removed);
    // The changed records, parsed first: a keyring we could not read is read again only when its record changed.
    const table = new KeyTable(0);
    parseProcKeysInto(table, changes.text, read.readAt, (id) => !memo.hidden.has(id));
    const recorded = new Set(table.id.subarray(0, table.length));
    const rings = keyringsToReadAgain(memo, (id) => recorded.has(id) || removed.has(id));
    // A serial may come back as another keyring: no bytes of one that went may stand for it.
    for (const id of changes.removed) memo.memberBytes.delete(id);
    // The lists the reader read (the same lists: KEYCTL_READ gives a keyring's every member to whoever may read it),
    // compared here as they came; it answers only for keyrings whose bits let it read them.
    const readByReader = new Map<number, MembersOutcome>();
    for (const outcome of read.members ?? []) if ('members' in outcome) readByReader.set(outcome.id, outcome);
    const ownRings = readByReader.size === 0 ? rings : rings.filter((ring) => !readByReader.has(ring));
    // Only the lists whose bytes differ from the last poll's come back (the map is this memo's: a full scan starts
    // another, so what a poll that ends in one read here is never compared with).
    const lists = await this.possessing.readChangedMembers(ownRings, memo.memberBytes);
    for (const ring of rings) {
      const outcome = readByReader.get(ring);
      if (outcome === undefined) continue;
      memo.memberBytes.delete(ring); // read here no more: what its bytes were must not stand for it later
      lists.push(outcome);
    }
    /** Keyrings whose member lists changed where changedKeys may apply that (relinkable), with their lists now. */
    const relisted = new Map<number, readonly number[]>();
    /** Members gained by keyrings whose lists changed only in members nobody here may view (unseenMembersChanged). */
    const unseenGained: number[] = [];
    for (const outcome of lists) {
      const ring = outcome.id;
      // A keyring that went (out of /proc/keys too): changedKeys decides about it.
      if (removed.has(ring) && 'code' in outcome && isVanishedCode(outcome.code)) continue;
      const now = memberList(outcome);
      if (sameMembers(memo.members.get(ring) ?? null, now, memo.hidden)) continue;
      const changed = `the member list of ${ring} changed`;
      if (now === null || removed.has(ring)) return full(changed);
      const shown = now.filter((m) => !memo.hidden.has(m));
      const gained = relinkable(memo, ring) ? [] : unseenMembersChanged(memo, ring, shown);
      if (gained === null) return full(changed);
      unseenGained.push(...gained);
      relisted.set(ring, shown);
    }
    // What a full scan would do with those members: the reader may not view them (else it reads again), and the
    // possessing side may not either (else they are possessor-only keys); gone meanwhile is not "unviewable".
    if (unseenGained.length > 0) {
      const byReader = await this.reader.describe(unseenGained);
      if (byReader.some((o) => 'description' in o || o.code === 'EKEYREVOKED' || o.code === 'EKEYEXPIRED')) return full('a member the reader may view appeared');
      if ((await this.possessing.describe(unseenGained)).some((o) => !('code' in o) || o.code !== 'EACCES')) return full('a member we may view appeared');
    }
    trace('quiet poll: member lists');
    if (memo.unviewable.length > 0 && (await this.possessing.describe(memo.unviewable)).some((o) => !('code' in o) || o.code !== 'EACCES')) {
      return full('an unviewable member changed');
    }
    if (!sameAnchors(await this.processAnchors(memo.hidden), memo.anchors)) return full('an anchor changed');
    if (!sameObserver(observer(), memo.who)) return full('our groups changed');
    // Other users' views only now, once this poll's own reads of keys are done: a /proc/keys read holds the kernel's
    // key_serial_lock while it walks a page's worth of keys, and a view as a uid that sees few keys walks thousands
    // for a page; every KEYCTL_READ (key_lookup) and every other /proc/keys read waits for it, spinning. Read at the
    // same time as the reader's read and this thread's member lists, a third to a half of their CPU was that spin
    // (10k keys in 10 uids, Linux 6.18). The pins' processes below take no key lock: they overlap.
    if (scope.kind !== 'process') {
      also.views = this.readUserViews(scope);
      also.views.catch(() => undefined); // awaited below, or by the full scan
    }
    // Read here synchronously: half the CPU of the asynchronous read, which only pays where it overlaps a scan.
    const env = readPinEnvironment(takenAt, this.procRoot, this.processes?.read());
    if (this.processes !== null) trace(`quiet poll: processes by ${this.processes.lastRead}`);
    if (!sameKernelSettings(env, memo.env)) return { env: Promise.resolve(env), ...also };
    // With other users' views merged in, the changes of this process's view apply only where every view that lists a
    // changed key changed it alike (viewChanges.ts; changedKeys says which keys' labels that leaves alone).
    const readerRows = table.length;
    let agreed: ReadonlySet<number> | undefined;
    if (also.views !== undefined) {
      const { changed, changedViews } = await also.views;
      if (changed) {
        if (changedViews === null) return full("a user's view changed");
        const prev = keysOf(memo);
        const merged = agreeingViewChanges(changedViews, changes.text, memo.readerLabels ?? [], (id) => prev.get(id), memo.hidden);
        if (typeof merged === 'string') return full(merged);
        agreed = merged.agreed;
        for (const part of merged.viewOnly) {
          const record = new KeyTable(0);
          parseProcKeysInto(record, part.text, part.readAt, (id) => !memo.hidden.has(id));
          for (let row = 0; row < record.length; row++) table.copyRow(record, row);
        }
        trace(`quiet poll: ${changedViews.length} views changed alike, ${merged.viewOnly.length} records only they list`);
      }
    }
    const described = await this.resolveNames(table, 0);
    // Keyrings that appeared: whether we may read them decides whether changedKeys may take them (the views' records
    // after `readerRows` are of keys the last poll had).
    const newRings: number[] = [];
    for (let row = 0; row < readerRows; row++) {
      const id = table.id[row] as number;
      if (table.isKeyring(row) && !memo.members.has(id)) newRings.push(id);
    }
    const newLists = new Map<number, number[] | null>();
    if (newRings.length > 0) (await this.possessing.readMembers(newRings)).forEach((o) => newLists.set(o.id, memberList(o)));
    const keys = changedKeys(memo, table, changes.removed, takenAt, newLists, relisted, agreed);
    if (typeof keys === 'string') return full(keys);
    const quotas = withUserNames(parseQuotas(read), readUserNames(this.options.passwdPath));
    const snapshot = quietSnapshot(memo, keys, takenAt, read.readAt, env, quotas);
    trace(`quiet poll: ${keys.fresh.size} keys changed or added, ${keys.removed} removed`);
    return { snapshot, env, described, members: keys.members, pins: keys.pins };
  }

  /**
   * One snapshot written as JSON (exactly JSON.stringify(scan()) + '\n'), a batch of keys at a time: the
   * one-shot CLI's `snapshot --json`. It does not become the `previous` of a next scan.
   */
  async writeJson(write: JsonWriter): Promise<void> {
    const takenAt = this.now();
    // Read on this thread once it waits for the reader's read (setImmediate: after the event loop has handed the
    // reader its next jobs), synchronously: the asynchronous read's hundreds of small jobs would queue on the
    // one-shot reader's one pool thread, and cost about twice the CPU.
    const pinEnvironment = new Promise<PinEnvironment>((resolve, reject) =>
      setImmediate(() => {
        try {
          resolve(readPinEnvironment(takenAt, this.procRoot));
        } catch (err) {
          reject(err as Error);
        }
      }),
    );
    pinEnvironment.catch(() => undefined); // awaited below, through the state
    const state = await this.scanState(takenAt, { env: pinEnvironment });
    const trace = tracer();
    const env = await state.pinEnvironment;
    trace('pin environment');
    writeSnapshotJson(state, env, write);
    trace('json written');
  }

  /** What one scan finds, before it becomes a Snapshot (scanState.ts): its phases, in order. */
  async scanState(takenAt = this.now(), pre?: PreRead): Promise<ScanState & { quiet?: QuietFacts }> {
    // Read off this thread while the scan runs (pins need it only at the end), unless the process events say
    // which few to read.
    const pinEnvironment =
      pre?.env ??
      (this.processes?.usesEvents() === true
        ? Promise.resolve(readPinEnvironment(takenAt, this.procRoot, this.processes.read()))
        : readPinEnvironmentAsync(takenAt, this.procRoot));
    const trace = tracer();
    const scope = this.options.scope ?? { kind: 'process' };
    const views = this.startUserViews(scope, pre?.views);
    const ctx = await this.readKeys(trace, views === null ? [] : await views.helperKeyIds, pre?.read ?? (pre?.readerReadThisPoll ? await this.lastWholeRead() : undefined));
    const processAnchors = await this.processAnchors(ctx.hidden);
    const reread = await this.walkKeyrings(ctx, processAnchors);
    trace(`walk (${ctx.unviewable.size} unviewable, ${ctx.possessorOnly.size} possessor-only, re-read: ${reread})`);
    // Other users' views only now, as a quiet poll asks them: a /proc/keys read as a uid holds the kernel's
    // key_serial_lock while it fills a page, walking thousands of keys for a uid that sees few, and the walk's
    // KEYCTL_READs (key_lookup) spun on it: 5.6-6.3 % of a one-shot --all-users's CPU at 40k keys in 20 uids.
    const viewsRead = views?.read();
    viewsRead?.catch(() => undefined); // awaited below
    const readerRows = ctx.table.length;
    await this.addPossessorOnlyRows(ctx);
    // Other users' views: their keys join the table, their keyrings' member lists fill the ones this process
    // could not read, and each key records which views list it.
    let seenBy: SeenBy | null = null;
    /** The member lists the possessing side read (null: it may not), which a quiet poll re-reads and compares. */
    let ownLists: Map<number, number[] | null> | null = null;
    let viewsWhole = true;
    /** The labels of a key only the reader lists (its own view and the views that are its text). */
    let readerLabels: string[] | undefined;
    if (views !== null) {
      const from = ctx.table.length;
      ownLists = new Map(ctx.members);
      const { views: read } = await (viewsRead as Promise<UserViewsRead>);
      viewsWhole = read.every((v) => 'asReader' in v || v.keys.text !== undefined);
      readerLabels = ['process', ...read.filter((v) => 'asReader' in v).map((v) => `uid ${v.uid}`)];
      seenBy = mergeUserViews(ctx.table, ctx.members, read, ctx.hidden, readerRows);
      ctx.stats.describedByReader += await this.resolveNames(ctx.table, from);
      trace('user views');
    }
    settleMemberLists(ctx);

    const who = observer();
    const byRow = memberRowsByRow(ctx);
    const walks = rowWalksOf(ctx, byRow);
    const possessed = possessedRows(ctx, byRow, who, processAnchors, walks);
    const unviewable = unviewableInPossessedKeyrings(ctx, possessed);
    const allRead = possessedAllRead(ctx, possessed);
    // Nothing we cannot list in a keyring we possess (the usual case): nothing to look for.
    const unknown = unviewable.length === 0 && allRead ? { throughHidden: false } : unknownPossession(ctx, byRow, possessed, who, processAnchors);
    const possessionUnknown = unknown.rows;
    trace('possession');
    const keyrings = keyringsOf(ctx.table);
    const anchors = anchorsOf(ctx, keyrings, who.uid, processAnchors);
    const reachable = reachableRows(ctx, keyrings, byRow, anchors, walks);
    trace('orphans');

    this.names.retainOnly(ctx.table);
    this.lastStats = ctx.stats;
    // A plain scan: the next poll may prove nothing changed (quietPoll.ts); with other users' views merged in,
    // only when each of them was read whole, and then it compares the possessing side's own lists (settled).
    const plain = viewsWhole && !reread && ctx.possessorOnly.size === 0 && ctx.vanished.size === 0;
    const quietMembers =
      ownLists === null ? ctx.members : new Map([...ownLists].map(([ring, list]) => [ring, list === null ? null : (ctx.members.get(ring) ?? null)]));
    const quiet: QuietFacts | undefined = plain
      ? {
          members: quietMembers,
          memberBytes: new Map(),
          unviewable,
          throughHidden: unknown.throughHidden,
          possessedAllRead: allRead,
          hidden: ctx.hidden,
          anchors: processAnchors,
          who,
          ...(readerLabels === undefined ? {} : { readerLabels }),
        }
      : undefined;
    return {
      ...(quiet === undefined ? {} : { quiet }),
      takenAt,
      uid: who.uid,
      gid: who.gid,
      groups: [...who.groups],
      anchors,
      quotas: ctx.quotas,
      table: ctx.table,
      order: ctx.table.rowsInSerialOrder(),
      members: ctx.members,
      memberRows: byRow,
      possessed,
      ...(possessionUnknown === undefined ? {} : { possessionUnknown }),
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
  private startUserViews(scope: ScanScope, pre?: Promise<UserViewsRead>): { helperKeyIds: Promise<number[]>; read: () => Promise<UserViewsRead> } | null {
    if (scope.kind === 'process') return null;
    if (pre !== undefined) return { helperKeyIds: this.userViews?.helperKeyIds() ?? pre.then(() => []), read: () => pre };
    try {
      // The thread starts now (its start takes no key lock); its reads are asked for once the walk is done.
      const thread = this.userViewThread(scope);
      return { helperKeyIds: thread.helperKeyIds(), read: () => this.readUserViews(scope) };
    } catch (err) {
      // Refused (ScopeRefusedError) before a thread started: this scan's answer.
      const refused = Promise.reject(err as Error);
      refused.catch(() => undefined); // awaited by the scan
      return { helperKeyIds: refused, read: () => refused };
    }
  }

  /** The user-view thread, started on first use; throws ScopeRefusedError without the privileges it needs. */
  private userViewThread(scope: UserViewRequest): UserViewThread {
    assertScopeAllowed(scope, this.procRoot);
    return (this.userViews ??= new UserViewThread());
  }

  /**
   * Every asked uid's view from the user-view thread. Views it finds unchanged since its last answer (which this
   * scanner holds whole) come back as that answer's, read again now; `changed` says whether any differs.
   */
  private async readUserViews(scope: UserViewRequest): Promise<UserViewsRead> {
    const thread = this.userViewThread(scope);
    const held = this.heldViews;
    // Until this answer arrives, what is held is no longer the thread's last answer.
    this.heldViews = null;
    const hidden = [...(await this.reader.helperKeyIds()), ...(this.options.hiddenIds ?? [])];
    const answer = await thread.views(this.procRoot, scope, held !== null, hidden, this.reader.readsAsCreator === true);
    const views: (UserView | ReaderView)[] = [];
    let changed = held === null || answer.length !== held.size;
    let changedViews: ChangedView[] | null = changed ? null : [];
    for (const v of answer) {
      if ('asReader' in v) {
        // The reader's text: its changes are this process's view's. It changed only if it was read before.
        views.push(v);
        if (!(held?.get(v.uid) !== undefined && 'asReader' in held.get(v.uid)!)) {
          changed = true;
          changedViews = null;
        }
        continue;
      }
      if (!('unchanged' in v)) {
        views.push(v);
        changed = true;
        const last = held?.get(v.uid);
        // Its changes are against the thread's last read as the uid, which is the view held here but for the records
        // of hidden keyrings (an `unchanged` answer keeps the older text), which agreeingViewChanges leaves aside.
        if (changedViews !== null && last !== undefined && !('asReader' in last) && v.changes !== undefined) {
          changedViews.push({ label: `uid ${v.uid}`, changes: v.changes, membersBefore: last.members, membersNow: v.members, readAt: v.readAt });
        } else changedViews = null;
        continue;
      }
      const last = held?.get(v.uid);
      if (last === undefined) throw new Error(`the user-view thread called uid ${v.uid}'s view unchanged, but its last answer had none`);
      views.push({ ...last, readAt: v.readAt });
    }
    this.heldViews = new Map(views.map((v) => [v.uid, v]));
    return { views, changed, changedViews };
  }

  /** The reader's last read whole, if it keeps it (undefined: read again). */
  private async lastWholeRead(): Promise<ReadResult | undefined> {
    return (await this.reader.lastWhole?.(this.procRoot)) ?? undefined;
  }

  /** The reader's /proc/keys as a table (without the hidden serials), named; its /proc/key-users as quotas. */
  private async readKeys(
    trace: (label: string) => void,
    moreHidden: readonly number[],
    read?: ReadResult,
  ): Promise<ScanContext & { quotas: QuotaInfo[] }> {
    const hidden = new Set<number>([...(await this.reader.helperKeyIds()), ...moreHidden, ...(this.options.hiddenIds ?? [])]);
    trace('ready for the read');
    const first = read ?? (await this.reader.read(this.procRoot));
    trace('read');
    const table = new KeyTable(0);
    const text = this.textOf(first);
    if (first.keys.bytes === true) table.sourceOfBytes(text);
    const raw = first.keys.raw;
    if (raw === undefined || !parseProcKeysBytes(table, text, raw, first.readAt, hidden)) parseProcKeysInto(table, text, first.readAt, (id) => !hidden.has(id));
    trace('parse');
    const ctx = {
      ...newScanContext(table, hidden),
      quotas: withUserNames(parseQuotas(first), readUserNames(this.options.passwdPath)),
    };
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
    // The keyrings we may possess are read first; then those the kernel is sure to refuse are not read at all
    // (refusedReads.ts), but recorded as a refused read is.
    const first = await readPossessedFirst(ctx, processAnchors, observer(), unknown.size === 0 && (await this.mayPredictRefusals()), (ids) =>
      this.possessing.readMembers(ids),
    );
    for (const ring of first.refused) ctx.members.set(ring, null);
    for (const m of first.unknown) unknown.add(m);
    let rereads = 0;
    while (queue.length > 0 || unknown.size > 0) {
      while (queue.length > 0) {
        const batch = [...new Set(queue)].filter((ring) => !ctx.members.has(ring));
        queue = [];
        if (batch.length > 0) for (const m of recordMemberLists(ctx, await this.possessing.readMembers(batch))) unknown.add(m);
      }
      if (unknown.size === 0) break;
      const ids = [...unknown];
      unknown = new Set();
      // Members added after the last read (a keyring being filled while we scan) are ones the reader may view: read
      // again rather than take them for possessor-only keys, whose rows cost the possessing side's /proc/keys read
      // (keys × keyrings in the kernel: 14-16 s at 60k keys, during which no poll reports). Bounded: a keyring
      // filled faster than /proc/keys is read could otherwise keep this loop reading.
      if (rereads < MAX_REREADS && (await this.readerSeesAny(ids))) {
        rereads++;
        queue.push(...(await this.addNewKeys(ctx, ids)));
      }
      // What is left is visible (if at all) only through possession: ask from that side.
      queue.push(...(await this.describePossessorOnly(ctx, ids.filter((id) => !table.has(id)))));
    }
    return rereads > 0;
  }

  /** Whether readPossessedFirst may predict refusals for this scan (refusedReads.ts says when not). */
  private async mayPredictRefusals(): Promise<boolean> {
    if ((this.options.scope ?? { kind: 'process' }).kind !== 'process') return false;
    // A scanning worker's own thread keyring (hidden) is searched by the kernel for this thread's reads, not by our walk.
    if ((this.options.hiddenIds ?? []).length > 0) return false;
    if (process.getuid?.() !== process.geteuid?.() || process.getgid?.() !== process.getegid?.()) return false;
    return !(await this.possessing.holdsInstantiationAuthority());
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
    if (again.keys.bytes === true) fresh.sourceOfBytes(this.textOf(again));
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

/** Fresh /proc/keys reads one scan may make for members that appeared after its read (Scanner.walkKeyrings). */
const MAX_REREADS = 4;

/** KEYRING_BROWSER_TRACE=1: each phase's end on stderr, in ms since the phase's start and since process start. */
function tracer(): (label: string) => void {
  if (!process.env.KEYRING_BROWSER_TRACE) return () => {};
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  return (label) => {
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = ((cpu.user + cpu.system) / 1000).toFixed(1);
    process.stderr.write(`${label} ${(performance.now() - t0).toFixed(1)} ms, process CPU ${cpuMs} ms, ${process.resourceUsage().minorPageFault} page faults (${performance.now().toFixed(0)} ms since start)\n`);
  };
}

/**
 * The members nobody here may view that a possessed keyring lists: only those could become viewable to us
 * through possession alone (a permission change the reader's /proc/keys would not show). The others (another
 * user's keyrings in `.user_reg`, ...) would have to become viewable to the reader first, and then appear there.
 */
function unviewableInPossessedKeyrings(ctx: ScanContext, possessed: Uint8Array): number[] {
  if (ctx.unviewable.size === 0) return [];
  const found = new Set<number>();
  for (const [ring, list] of ctx.members) {
    if (list === null || possessed[ctx.table.rowOf(ring)] !== 1) continue;
    for (const m of list) if (ctx.unviewable.has(m)) found.add(m);
  }
  return [...found];
}

/** Whether every keyring the scan found us possessing was one it could read (keyringsToReadAgain). */
function possessedAllRead(ctx: ScanContext, possessed: Uint8Array): boolean {
  for (const [ring, list] of ctx.members) if (list === null && possessed[ctx.table.rowOf(ring)] === 1) return false;
  return true;
}

/** The credentials possession and permissions are judged by: this thread's. */
function observer(): Observer {
  return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, groups: process.getgroups?.() ?? [] };
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
