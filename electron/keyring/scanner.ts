// The scanner: one complete Snapshot of every key this process can see, at a cost linear in the number
// of keys (DESIGN.md "Performance: the trap and the way out").
//
// Two sides, because the kernel charges every per-key lookup with a search of the caller's keyrings:
//  - the non-possessing reader (a worker thread in its own empty session keyring, nonPossessingReader.ts)
//    reads /proc/keys and /proc/key-users and DESCRIBEs the few keys whose names /proc/keys leaves
//    ambiguous: cheap, since it possesses nothing to search;
//  - the possessing side (the thread that calls scan(), with the app's real credentials) only KEYCTL_READs
//    keyrings (few) and DESCRIBEs the few members the reader could not see (possessor-only view); for
//    those alone it needs its own /proc/keys (possessingProc.ts, throttled).
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
import { keepExpiryEstimates } from '../../shared/delta';
import type { Anchors, KeyInfo, Pin, QuotaInfo, Snapshot } from '../../shared/snapshot';
import { findUserAnchors, isKernelKeyring, readProcessAnchors, type ProcessAnchors } from './anchors';
import * as keyctl from './keyctl';
import { isVanished, KeyctlError, type KeyDescription } from './keyctl';
import { parseKeyUsers } from './keyUsers';
import { NameCache, type KeyName } from './nameCache';
import { NonPossessingReader, type DescribeOutcome, type ReadResult } from './nonPossessingReader';
import { readPinEnvironment } from './pinEnvironment';
import { annotatePins } from './pins';
import { computePossession, reachableFrom } from './possession';
import { PossessingProcKeys } from './possessingProc';
import { descriptionFromRest, expiresAtFromTimeout, parseProcKeys, type ProcKeyLine } from './procKeys';
import { fullTypeName } from './typeNames';

/** The kernel has no key management, or /proc/keys is missing: said in a sentence. */
export class KeyringsUnavailableError extends Error {
  override readonly name = 'KeyringsUnavailableError';
}

/** The non-possessing side, as the scanner uses it (tests may substitute it). */
export interface ProcReader {
  helperKeyIds(): Promise<number[]>;
  read(procRoot: string): Promise<ReadResult>;
  describe(ids: readonly number[]): Promise<DescribeOutcome[]>;
  close(): Promise<void>;
}

/** The possessing side's kernel calls (the calling thread's credentials). */
export interface PossessingOps {
  readKeyringMembers(id: number): number[];
  describe(id: number): KeyDescription;
  getKeyringId(id: number, create?: boolean): number;
}

export interface ScannerOptions {
  /** Where /proc lives (tests point it elsewhere). Default '/proc' or $KEYRING_BROWSER_PROC_ROOT. */
  procRoot?: string;
  reader?: ProcReader;
  ops?: PossessingOps;
  /** Override the thread anchor (a scanning worker passes its creator's thread keyring). */
  threadKeyring?: number | null;
  /** More keyrings to hide (a scanning worker's own thread keyring). */
  hiddenIds?: readonly number[];
  now?: () => number;
  /** Remember names between polls (default true; a one-shot scan turns it off). */
  cacheNames?: boolean;
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

/** One visible key while a scan runs: its /proc/keys line (not copied: 40k keys per poll), and its name. */
interface Entry {
  line: ProcKeyLine;
  readAt: number;
  name: KeyName | null;
}

const DEFAULT_OPS: PossessingOps = {
  readKeyringMembers: keyctl.readKeyringMembers,
  describe: keyctl.describe,
  getKeyringId: keyctl.getKeyringId,
};

const NO_PINS: Pin[] = [];

export class Scanner {
  private readonly procRoot: string;
  private readonly reader: ProcReader;
  private readonly ops: PossessingOps;
  private readonly now: () => number;
  private readonly names: NameCache;
  private readonly possessingProc: PossessingProcKeys;
  lastStats: ScanStatsDetail = { describedByReader: 0, possessorOnly: 0, keyringsRead: 0 };
  /** The last snapshot, whose expiry estimates and doom bounds the next scan keeps where they still hold. */
  private previous: Snapshot | null = null;

  constructor(private readonly options: ScannerOptions = {}) {
    this.procRoot = options.procRoot ?? defaultProcRoot();
    this.reader = options.reader ?? new NonPossessingReader();
    this.ops = options.ops ?? DEFAULT_OPS;
    this.now = options.now ?? Date.now;
    this.names = new NameCache(options.cacheNames ?? true);
    this.possessingProc = new PossessingProcKeys(this.procRoot, this.now);
  }

  async close(): Promise<void> {
    await this.reader.close();
  }

  async scan(): Promise<Snapshot> {
    const takenAt = this.now();
    const hidden = new Set<number>([...(await this.reader.helperKeyIds()), ...(this.options.hiddenIds ?? [])]);
    const stats: ScanStatsDetail = { describedByReader: 0, possessorOnly: 0, keyringsRead: 0 };

    const trace = process.env.KEYRING_BROWSER_TRACE ? (label: string): void => void process.stderr.write(`${label} ${(performance.now() - t0).toFixed(1)}\n`) : (): void => {};
    const t0 = performance.now();
    const first = await this.reader.read(this.procRoot);
    trace('read');
    const entries = new Map<number, Entry>();
    this.ingest(first, entries, hidden, null);
    const quotas = parseQuotas(first);
    stats.describedByReader += await this.resolveNames(entries.values());

    trace('names');
    const processAnchors = this.processAnchors(hidden);
    trace('anchors');

    // Walk every keyring we know of, discovering members the reader could not see.
    const members = new Map<number, number[] | null>();
    const extra = new Map<number, KeyDescription>(); // possessor-only keys, described by the possessing side
    const unviewable = new Set<number>(); // members we may not even view (kept in `links`)
    const vanished = new Set<number>();
    const queue: number[] = [];
    for (const e of entries.values()) if (e.name?.type === 'keyring') queue.push(e.line.id);
    let unknown = new Set<number>();
    for (const a of Object.values(processAnchors)) if (a !== null && !entries.has(a)) unknown.add(a);
    let reread = false;

    while (queue.length > 0 || unknown.size > 0) {
      while (queue.length > 0) {
        const ring = queue.pop() as number;
        if (members.has(ring)) continue;
        const list = this.readMembers(ring);
        stats.keyringsRead++;
        members.set(ring, list);
        for (const m of list ?? []) {
          if (!entries.has(m) && !extra.has(m) && !unviewable.has(m) && !vanished.has(m) && !hidden.has(m)) unknown.add(m);
        }
      }
      if (unknown.size === 0) break;
      const ids = [...unknown];
      unknown = new Set();
      // Keys added since the first read are visible to the reader: one fresh read picks them all up. Ask the
      // reader first (a cheap DESCRIBE) so members it may not view (e.g. other users' keyrings in
      // .user_reg) do not cost a re-read on every poll.
      const readerSees = (await this.reader.describe(ids)).filter((o) => 'description' in o || o.code === 'EKEYREVOKED' || o.code === 'EKEYEXPIRED').map((o) => o.id);
      if (!reread && readerSees.length > 0) {
        reread = true;
        const again = await this.reader.read(this.procRoot);
        const found = this.ingest(again, entries, hidden, new Set(ids));
        stats.describedByReader += await this.resolveNames(found);
        for (const e of found) if (e.name?.type === 'keyring') queue.push(e.line.id);
      }
      // What is left is visible (if at all) only through possession: ask from this side.
      for (const id of ids) {
        if (entries.has(id)) continue;
        try {
          const d = this.ops.describe(id);
          extra.set(id, d);
          if (d.type === 'keyring') queue.push(id);
        } catch (err) {
          if (err instanceof KeyctlError && err.code === 'EACCES') unviewable.add(id);
          else if (isVanished(err)) vanished.add(id);
          else throw err;
        }
      }
    }

    trace('walk');
    // Flags, usage and timeout of possessor-only keys come from the possessing side's /proc/keys.
    const extraLines = extra.size > 0 ? this.possessingProc.linesFor([...extra.keys()]) : new Map();
    for (const [id, d] of extra) {
      const line = extraLines.get(id);
      if (!line) {
        vanished.add(id);
        continue;
      }
      entries.set(id, { line, readAt: line.readAt, name: { type: d.type, description: d.description } });
      stats.possessorOnly++;
    }

    // Member lists as the snapshot shows them: without vanished keys and the helper's keyrings.
    for (const [ring, list] of members) {
      if (list) members.set(ring, list.filter((m) => !vanished.has(m) && !hidden.has(m)));
    }

    const who = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, groups: process.getgroups?.() ?? [] };
    const possessed = computePossession({
      roots: [processAnchors.thread, processAnchors.process, processAnchors.session],
      facts: (id) => entries.get(id)?.line,
      members,
      who,
    });

    trace('possession');
    const named: { id: number; type: string; description: string; uid: number; gid: number }[] = [];
    for (const e of entries.values()) {
      if (e.name?.type === 'keyring') {
        named.push({ id: e.line.id, type: e.name.type, description: e.name.description, uid: e.line.uid, gid: e.line.gid });
      }
    }
    const userAnchors = findUserAnchors(named, who.uid, (id) => members.get(id));
    const anchors: Anchors = { ...processAnchors, ...userAnchors };
    for (const [k, v] of Object.entries(anchors) as [keyof Anchors, number | null][]) {
      if (v !== null && !entries.has(v)) anchors[k] = null; // not visible: say so rather than point nowhere
    }

    // Orphans: reachable neither from an anchor nor from a kernel-held keyring (those are roots of their own).
    const roots: number[] = Object.values(anchors).filter((v): v is number => v !== null);
    for (const k of named) if (isKernelKeyring(k)) roots.push(k.id);
    const reachable = reachableFrom(roots, members);

    const keys: KeyInfo[] = [];
    let sorted = true;
    for (const e of entries.values()) {
      const l = e.line;
      const name = e.name ?? { type: l.typeCut, description: l.rest };
      const info: KeyInfo = {
        id: l.id,
        type: name.type,
        description: name.description,
        uid: l.uid,
        gid: l.gid,
        perm: l.perm,
        flags: l.flags,
        usage: l.usage,
        timeout: l.timeout,
        expiresAt: l.timeout === 'perm' ? null : expiresAtFromTimeout(l.timeout, e.readAt),
        possessed: possessed.has(l.id),
        orphan: !reachable.has(l.id),
        // Filled by annotatePins below; declared here so every key keeps one object shape (faster at 40k keys).
        pins: NO_PINS,
        doomed: null,
      };
      if (name.type === 'keyring') info.links = members.get(l.id) ?? null;
      if (keys.length > 0 && (keys[keys.length - 1] as KeyInfo).id > l.id) sorted = false;
      keys.push(info);
    }
    // /proc/keys lists keys by serial; only keys found later (re-read, possessor-only) break the order.
    if (!sorted) keys.sort((a, b) => a.id - b.id);
    trace('keys');
    this.names.retainOnly(new Set(entries.keys()));
    this.lastStats = stats;
    const snapshot: Snapshot = { takenAt, uid: who.uid, gid: who.gid, groups: who.groups, anchors, keys, quotas };
    // Steady the rounded-timeout estimates against the last scan, then say what keeps each key alive.
    keepExpiryEstimates(this.previous, snapshot);
    annotatePins(snapshot, readPinEnvironment(takenAt, this.procRoot), this.previous ?? undefined);
    trace('pins');
    this.previous = snapshot;
    return snapshot;
  }

  private processAnchors(hidden: ReadonlySet<number>): ProcessAnchors {
    const a = readProcessAnchors(this.ops.getKeyringId);
    if (this.options.threadKeyring !== undefined) a.thread = this.options.threadKeyring;
    if (a.thread !== null && hidden.has(a.thread)) a.thread = null;
    return a;
  }

  /** Adds the lines of one /proc/keys read (only `only` ids when given); returns the entries added. */
  private ingest(read: ReadResult, into: Map<number, Entry>, hidden: ReadonlySet<number>, only: ReadonlySet<number> | null): Entry[] {
    if (read.keys.text === undefined) throw unavailable(this.procRoot, read.keys.code, read.keys.message);
    const added: Entry[] = [];
    for (const line of parseProcKeys(read.keys.text).lines) {
      if (hidden.has(line.id) || (only !== null && !only.has(line.id)) || into.has(line.id)) continue;
      const entry: Entry = { line, readAt: read.readAt, name: this.names.get(line) };
      into.set(line.id, entry);
      added.push(entry);
    }
    return added;
  }

  /** Fills in full type names and descriptions; DESCRIBEs (from the reader) only what /proc/keys leaves ambiguous. */
  private async resolveNames(entries: Iterable<Entry>): Promise<number> {
    const ambiguous: Entry[] = [];
    for (const e of entries) {
      if (e.name) continue;
      const l = e.line;
      const type = fullTypeName(l.typeCut);
      const description = type === null || l.rest.includes('\n') ? null : descriptionFromRest(type, l.rest, l.flags);
      if (type !== null && description !== null) {
        e.name = { type, description };
        this.names.set(l, e.name);
      } else {
        ambiguous.push(e);
      }
    }
    if (ambiguous.length === 0) return 0;
    const byId = new Map(ambiguous.map((e) => [e.line.id, e]));
    for (const outcome of await this.reader.describe(ambiguous.map((e) => e.line.id))) {
      const e = byId.get(outcome.id);
      if (!e) continue;
      const l = e.line;
      if ('description' in outcome) {
        e.name = { type: outcome.description.type, description: outcome.description.description };
        this.names.set(l, e.name);
      } else {
        // DESCRIBE refuses revoked keys (and the key may just have gone): say what /proc/keys says.
        const type = fullTypeName(l.typeCut) ?? l.typeCut;
        e.name = { type, description: descriptionFromRest(type, l.rest, l.flags) ?? l.rest };
        if (decodeFlags(l.flags).revoked) this.names.set(l, e.name); // settled: it will never describe again
      }
    }
    return ambiguous.length;
  }

  /** KEYCTL_READ of a keyring from the possessing side; null where we may not read it. */
  private readMembers(ring: number): number[] | null {
    try {
      return this.ops.readKeyringMembers(ring);
    } catch (err) {
      if (err instanceof KeyctlError && err.code === 'EKEYREVOKED') return []; // revoking a keyring clears it
      if (isVanished(err) || (err instanceof KeyctlError && (err.code === 'EACCES' || err.code === 'ENOTDIR' || err.code === 'EOPNOTSUPP'))) {
        return null;
      }
      throw err;
    }
  }
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
  const reader = options.reader ?? new NonPossessingReader(options.procRoot ?? defaultProcRoot());
  const scanner = new Scanner({ cacheNames: false, ...options, reader });
  try {
    return await scanner.scan();
  } finally {
    await scanner.close();
  }
}
