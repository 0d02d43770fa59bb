// The facts pin analysis needs that are not in /proc/keys: processes per user, the collector's delay,
// the persistent keyring's renewal period, and whether this kernel keeps user keyrings in `.user_reg`.
// Each read is cheap (one small file, or one `status` per process) and tolerates a missing file:
// processes come and go while we read, and a test may point procRoot at a fake tree.
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { release } from 'node:os';
import { join } from 'node:path';
import type { ProcessRef } from '../../shared/snapshot';
import type { PinEnvironment } from './pins';

/** Kernel defaults (security/keys/gc.c key_gc_delay, persistent.c persistent_keyring_expiry). */
export const DEFAULT_GC_DELAY_SECONDS = 5 * 60;
export const DEFAULT_PERSISTENT_EXPIRY_SECONDS = 3 * 24 * 3600;

/** The pin environment; `processes` when the caller has them (processWatch.ts), else read here. */
export function readPinEnvironment(now: number = Date.now(), procRoot = '/proc', processes?: ProcessesByUid): PinEnvironment {
  return pinEnvironmentWith(now, procRoot, processes ?? processesByRealUid(procRoot));
}

/**
 * readPinEnvironment, with the per-process reads done off this thread (libuv's pool): a scan starts it first
 * and awaits it last.
 */
export async function readPinEnvironmentAsync(now: number = Date.now(), procRoot = '/proc'): Promise<PinEnvironment> {
  return pinEnvironmentWith(now, procRoot, await processesByRealUidAsync(procRoot));
}

function pinEnvironmentWith(now: number, procRoot: string, processes: ProcessesByUid): PinEnvironment {
  return {
    now,
    processesByUid: processes.counts,
    processListByUid: processes.lists,
    kernelThreadsByUid: processes.kernelThreads,
    gcDelaySeconds: readSeconds(join(procRoot, 'sys/kernel/keys/gc_delay'), DEFAULT_GC_DELAY_SECONDS),
    persistentExpirySeconds: readSeconds(
      join(procRoot, 'sys/kernel/keys/persistent_keyring_expiry'),
      DEFAULT_PERSISTENT_EXPIRY_SECONDS,
    ),
    userRegistryKeepsUserKeyrings: kernelAtLeast(kernelRelease(procRoot), 5, 3),
  };
}

/** How many processes the pins of `_uid.N` name (the lowest pids); the count covers them all. */
export const PROCESS_LIST_LIMIT = 20;

/** Live processes per real uid, as pins name them (ProcessTally). */
export type ProcessesByUid = ProcessTally<ProcessRef>;

/** Live processes per real uid: counts, and the first few by pid. */
export function processesByRealUid(procRoot = '/proc'): ProcessesByUid {
  let entries: string[];
  try {
    entries = readdirSync(procRoot);
  } catch {
    entries = [];
  }
  const pids = entries.filter(isPid);
  const tally = newTally<ProcessRef>();
  // Concatenated, not path.join: normalizing ~100 paths a poll cost more than the rest of the JavaScript here.
  const dir = procRoot.endsWith('/') ? procRoot : `${procRoot}/`;
  for (const i of byPid(pids)) {
    const pid = Number(pids[i]);
    const length = statusHead(`${dir}${pid}/status`);
    if (length < 0) continue;
    // Parsed from the bytes: decoding each status whole (1-2 KB) made a string per process on every poll, garbage
    // for the collector; the kernel's making of the file is most of the CPU either way.
    tallyStatus(tally, pid, statusBuffer, length);
  }
  return tally;
}

/** Counts (and lists) one process from its status bytes; nothing when they hold no `Uid:`. */
function tallyStatus(tally: ProcessesByUid, pid: number, buf: Buffer, length: number): void {
  const uid = realUidFromStatusBytes(buf, length);
  if (uid === null) return;
  tallyOne(tally, uid, isKernelThreadStatus(buf, length, pid), () => ({ pid, command: commandFromStatusBytes(buf, length) }));
}

/** One buffer for every status read: a poll reads one per process, and readFileSync's own cost was most of it. */
const statusBuffer = Buffer.allocUnsafe(4096);

/**
 * Reads the start of /proc/PID/status (which holds `Name:` and `Uid:`, in its first lines) into statusBuffer: how
 * many bytes, or -1 when the process exited meanwhile.
 */
function statusHead(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return -1; // exited between readdir and read
  }
  try {
    return readSync(fd, statusBuffer, 0, statusBuffer.length, null);
  } catch {
    return -1;
  } finally {
    closeSync(fd);
  }
}

/** What processWatch.ts keeps of one process's status. */
export interface ProcessStatus {
  /** The real uid (the first `Uid:` field). */
  uid: number;
  /** `Name:`. */
  command: string;
  /** A kernel thread (isKernelThreadStatus): counted, not listed. */
  kernelThread: boolean;
  /** `State:` is Z or X: the process is gone but not yet reaped, which no event will say. */
  dead: boolean;
}

/**
 * One process's status, or null when there is none to count: it is gone (or unreadable), or `pid` is a thread
 * that does not lead its group (/proc answers for any tid, but lists only the leaders).
 */
export function readProcessStatus(dir: string, pid: number): ProcessStatus | null {
  const length = statusHead(`${dir}${pid}/status`);
  if (length < 0) return null;
  const uid = realUidFromStatusBytes(statusBuffer, length);
  if (uid === null || numberAfter(statusBuffer, length, TGID_LINE) !== pid) return null;
  const state = statusBuffer.indexOf(STATE_LINE);
  const stateLetter = state < 0 || state + STATE_LINE.length >= length ? 0 : statusBuffer[state + STATE_LINE.length];
  return {
    uid,
    command: commandFromStatusBytes(statusBuffer, length),
    kernelThread: isKernelThreadStatus(statusBuffer, length, pid),
    dead: stateLetter === Z || stateLetter === X,
  };
}

/** kthreadd's pid in the initial pid namespace: the parent of every other kernel thread. */
const KTHREADD = 2;

/**
 * Whether a status is a kernel thread's: its `Kthread:` line (PF_KTHREAD) where the kernel prints one (6.18 here does);
 * else kthreadd and its children. Only kthreadd makes kernel threads, and a kernel thread's user-mode helper (what
 * runs /sbin/request-key) is no child of kthreadd: measured here, its parent is the workqueue worker that started it.
 */
export function isKernelThreadStatus(buf: Buffer, length: number, pid: number): boolean {
  const flag = numberAfter(buf, length, KTHREAD_LINE);
  if (flag !== null) return flag === 1;
  return pid === KTHREADD || numberAfter(buf, length, PPID_LINE) === KTHREADD;
}

/** processesByRealUid, reading asynchronously. */
export async function processesByRealUidAsync(procRoot = '/proc'): Promise<ProcessesByUid> {
  // Loaded here: the one-shot CLI reads synchronously, and node:fs/promises (Node's streams and readline) costs
  // ~8 ms of CPU to load.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { readdir, readFile } = require('node:fs/promises') as typeof FsPromises;
  let entries: string[];
  try {
    entries = await readdir(procRoot);
  } catch {
    entries = [];
  }
  const pids = entries.filter(isPid);
  const statuses = await Promise.all(pids.map((pid) => readFile(join(procRoot, pid, 'status')).catch(() => null))); // null: exited meanwhile
  const tally = newTally<ProcessRef>();
  for (const i of byPid(pids)) {
    const status = statuses[i];
    if (status != null) tallyStatus(tally, Number(pids[i]), status, status.length);
  }
  return tally;
}

/** The indices of `pids` in ascending pid order. */
function byPid(pids: readonly string[]): number[] {
  return pids.map((_, i) => i).sort((a, b) => Number(pids[a]) - Number(pids[b]));
}

/**
 * Live processes per real uid. Kernel threads are counted (their credentials are the kernel's, real uid 0) but not
 * listed: no user runs them, and their names change with no process changing (a workqueue worker's `Name:` ends with
 * the work it last ran, e.g. `kworker/0:1-mm_percpu_wq` then `kworker/0:1-events_power_efficient`), which listed
 * made root's user keyring "change" on most polls of an idle machine.
 */
export interface ProcessTally<T> {
  /** Live processes (not threads: /proc lists thread-group leaders only) per real uid, the first `Uid:` field. */
  counts: Map<number, number>;
  /** The first PROCESS_LIST_LIMIT of them by pid that are not kernel threads (pins list their pid and `Name:`). */
  lists: Map<number, T[]>;
  /** How many of `counts` are kernel threads (uids with none: absent). */
  kernelThreads: Map<number, number>;
}

export function newTally<T>(): ProcessTally<T> {
  return { counts: new Map(), lists: new Map(), kernelThreads: new Map() };
}

/**
 * Counts one process of `uid` (fed in ascending pid order), and lists what `listed` makes of it while its uid's list
 * is not full and it is no kernel thread: asked only then, so a command is made for listed processes only.
 */
export function tallyOne<T>(tally: ProcessTally<T>, uid: number, kernelThread: boolean, listed: () => T): void {
  tally.counts.set(uid, (tally.counts.get(uid) ?? 0) + 1);
  let list = tally.lists.get(uid);
  if (list === undefined) tally.lists.set(uid, (list = []));
  if (kernelThread) tally.kernelThreads.set(uid, (tally.kernelThreads.get(uid) ?? 0) + 1);
  else if (list.length < PROCESS_LIST_LIMIT) list.push(listed());
}

/** `Name:\t<comm>` -> comm ('' when missing). The kernel escapes newlines in it, so one line is all of it. */
export function commandFromStatus(status: string): string {
  const m = /^Name:\t(.*)$/m.exec(status);
  return m === null ? '' : (m[1] as string);
}

const NAME_LINE = Buffer.from('Name:\t', 'latin1');
const UID_LINE = Buffer.from('\nUid:', 'latin1');
const TGID_LINE = Buffer.from('\nTgid:', 'latin1');
const PPID_LINE = Buffer.from('\nPPid:', 'latin1');
const KTHREAD_LINE = Buffer.from('\nKthread:', 'latin1');
const STATE_LINE = Buffer.from('\nState:\t', 'latin1');
const [TAB, SPACE, NEWLINE, ZERO, NINE, X, Z] = [9, 32, 10, 48, 57, 88, 90] as const;

/**
 * The real uid from the first `length` bytes of `buf`, without decoding them (what follows them in the buffer is
 * another file's): the first line after the first that is `Uid:`, tabs or spaces, digits. The kernel writes one such
 * line, after `Name:` (and escapes line breaks in the command there).
 */
export function realUidFromStatusBytes(buf: Buffer, length: number): number | null {
  return numberAfter(buf, length, UID_LINE);
}

/** The number that starts the first line after the first that is `line` (`\nName:`), tabs or spaces, digits. */
function numberAfter(buf: Buffer, length: number, line: Buffer): number | null {
  for (let at = buf.indexOf(line); at >= 0 && at + line.length < length; at = buf.indexOf(line, at + 1)) {
    let i = at + line.length;
    const blanks = i;
    while (i < length && (buf[i] === TAB || buf[i] === SPACE)) i++;
    if (i === blanks || i === length || !isDigit(buf[i] as number)) continue;
    let value = 0;
    for (; i < length && isDigit(buf[i] as number); i++) value = value * 10 + (buf[i] as number) - ZERO;
    return value;
  }
  return null;
}

function isDigit(byte: number): boolean {
  return byte >= ZERO && byte <= NINE;
}

/** commandFromStatus on the first `length` bytes of `buf` (decoded as latin1, as the whole text was). */
export function commandFromStatusBytes(buf: Buffer, length: number): string {
  if (length < NAME_LINE.length || buf.compare(NAME_LINE, 0, NAME_LINE.length, 0, NAME_LINE.length) !== 0) {
    return commandFromStatus(buf.toString('latin1', 0, length));
  }
  const end = buf.indexOf(NEWLINE, NAME_LINE.length);
  return buf.toString('latin1', NAME_LINE.length, end < 0 || end > length ? length : end);
}

/** "6.18.44-fc-v782" -> true for (6, 18) >= (5, 3). An unparsable release is taken as modern. */
export function kernelAtLeast(releaseText: string, major: number, minor: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(releaseText);
  if (m === null) return true;
  const [kMajor, kMinor] = [Number(m[1]), Number(m[2])];
  return kMajor > major || (kMajor === major && kMinor >= minor);
}

function kernelRelease(procRoot: string): string {
  try {
    return readFileSync(join(procRoot, 'sys/kernel/osrelease'), 'utf8').trim();
  } catch {
    return release();
  }
}

function readSeconds(path: string, fallback: number): number {
  try {
    const value = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(value) && value >= 0 ? value : fallback;
  } catch {
    return fallback;
  }
}

export function isPid(name: string): boolean {
  const c = name.charCodeAt(0);
  return c >= 48 && c <= 57 && /^\d+$/.test(name);
}
