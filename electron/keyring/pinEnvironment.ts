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

export interface ProcessesByUid {
  /** Live processes (not threads: /proc lists thread-group leaders only) per real uid, the first `Uid:` field. */
  counts: Map<number, number>;
  /** The first PROCESS_LIST_LIMIT of them by pid, with their command (`Name:`). */
  lists: Map<number, ProcessRef[]>;
}

/** Live processes per real uid: counts, and the first few by pid. */
export function processesByRealUid(procRoot = '/proc'): ProcessesByUid {
  let entries: string[];
  try {
    entries = readdirSync(procRoot);
  } catch {
    entries = [];
  }
  const pids = entries.filter(isPid);
  const counts = new Map<number, number>();
  const lists = new Map<number, ProcessRef[]>();
  // Concatenated, not path.join: normalizing ~100 paths a poll cost more than the rest of the JavaScript here.
  const dir = procRoot.endsWith('/') ? procRoot : `${procRoot}/`;
  for (const i of byPid(pids)) {
    const pid = pids[i] as string;
    const length = statusHead(`${dir}${pid}/status`);
    if (length < 0) continue;
    // Parsed from the bytes: decoding each status whole (1-2 KB) made a string per process on every poll, garbage
    // for the collector; the kernel's making of the file is most of the CPU either way.
    const uid = realUidFromStatusBytes(statusBuffer, length);
    if (uid === null) continue;
    tallyOne(counts, lists, uid, () => ({ pid: Number(pid), command: commandFromStatusBytes(statusBuffer, length) }));
  }
  return { counts, lists };
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
  /** `PPid:` (2 for the kernel's threads: kthreadd's children). */
  ppid: number;
  /** `State:` is Z or X: the process is gone but not yet reaped, which no event will say. */
  dead: boolean;
}

/**
 * One process's status, or null when there is none to count: it is gone (or unreadable), or `pid` is a thread
 * that does not lead its group (/proc answers for any tid, but lists only the leaders).
 */
export function readProcessStatus(dir: string, pid: number): ProcessStatus | null {
  return processStatusOf(pid, statusHead(`${dir}${pid}/status`));
}

/**
 * The command `Name:` in /proc/PID/status would show, through a descriptor of /proc/PID/comm kept open: the kernel
 * makes the file again for each read from its start, and the open and close (the path's lookup) were most of a
 * status read's cost, the rest its other lines. A descriptor stays with the process it was opened for: once that
 * is gone its reads fail (null), whoever has the pid since.
 */
export function readCommandFrom(fd: number): string | null {
  let length: number;
  try {
    length = readSync(fd, commBuffer, 0, commBuffer.length, 0);
  } catch {
    return null;
  }
  return commandFromCommBytes(commBuffer, length);
}

/** A comm file holds up to 64 bytes of name and a line break. */
const commBuffer = Buffer.allocUnsafe(128);

/**
 * /proc/PID/comm's bytes as `Name:` shows them: the same name (proc_task_name), without the file's line break, with
 * `\n` and `\\` escaped as the status file escapes them (and only those).
 */
export function commandFromCommBytes(buf: Buffer, length: number): string {
  const end = length > 0 && buf[length - 1] === NEWLINE ? length - 1 : length;
  const name = buf.toString('latin1', 0, end);
  return name.includes('\\') || name.includes('\n') ? name.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\')) : name;
}

function processStatusOf(pid: number, length: number): ProcessStatus | null {
  if (length < 0) return null;
  const uid = realUidFromStatusBytes(statusBuffer, length);
  if (uid === null || numberAfter(statusBuffer, length, TGID_LINE) !== pid) return null;
  const state = statusBuffer.indexOf(STATE_LINE);
  const stateLetter = state < 0 || state + STATE_LINE.length >= length ? 0 : statusBuffer[state + STATE_LINE.length];
  return {
    uid,
    command: commandFromStatusBytes(statusBuffer, length),
    ppid: numberAfter(statusBuffer, length, PPID_LINE) ?? -1,
    dead: stateLetter === Z || stateLetter === X,
  };
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
  const statuses = await Promise.all(pids.map((pid) => readFile(join(procRoot, pid, 'status'), 'latin1').catch(() => null))); // null: exited meanwhile
  return tally(pids, statuses);
}

/** Counts per real uid; the lists keep the lowest pids. */
function tally(pids: readonly string[], statuses: readonly (string | null)[]): ProcessesByUid {
  const counts = new Map<number, number>();
  const lists = new Map<number, ProcessRef[]>();
  for (const i of byPid(pids)) {
    const status = statuses[i];
    const uid = status == null ? null : realUidFromStatus(status);
    if (uid !== null) tallyOne(counts, lists, uid, () => ({ pid: Number(pids[i]), command: commandFromStatus(status as string) }));
  }
  return { counts, lists };
}

/** The indices of `pids` in ascending pid order. */
function byPid(pids: readonly string[]): number[] {
  return pids.map((_, i) => i).sort((a, b) => Number(pids[a]) - Number(pids[b]));
}

/**
 * Counts one process of `uid` (fed in ascending pid order), and lists what `listed` makes of it while its uid's list
 * is not full: asked only then, so a command is read for listed processes only (processWatch.ts lists pids, and
 * takes their commands once it has read its listed kernel threads again).
 */
export function tallyOne<T>(counts: Map<number, number>, lists: Map<number, T[]>, uid: number, listed: () => T): void {
  counts.set(uid, (counts.get(uid) ?? 0) + 1);
  let list = lists.get(uid);
  if (list === undefined) lists.set(uid, (list = []));
  if (list.length < PROCESS_LIST_LIMIT) list.push(listed());
}

/** Live processes per real uid (see processesByRealUid). */
export function countProcessesByRealUid(procRoot = '/proc'): Map<number, number> {
  return processesByRealUid(procRoot).counts;
}

/** `Uid:\t<real>\t<effective>\t<saved>\t<fs>` -> real. */
export function realUidFromStatus(status: string): number | null {
  const m = /^Uid:\s+(\d+)/m.exec(status);
  return m === null ? null : Number(m[1]);
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
const STATE_LINE = Buffer.from('\nState:\t', 'latin1');
const [TAB, SPACE, NEWLINE, ZERO, NINE, X, Z] = [9, 32, 10, 48, 57, 88, 90] as const;

/**
 * realUidFromStatus on the first `length` bytes of `buf`, without decoding them (what follows them in the buffer is
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
