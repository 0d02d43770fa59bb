// Worker body: the app's and `serve`'s scans (scanThread.ts), on a thread of their own so a scan never
// blocks the Electron main process or the serve event loop. It keeps its Scanner (its reader thread and
// name cache) between polls. It polls on its own timer (watch) and wakes its creator only for a poll that found
// something to tell: an idle poll costs the creator's thread no message, no timer and no work.
//
// This thread is the *possessing* side: a new thread starts with its creator's credentials (session and
// process keyrings), so it possesses what the app possesses. Caveat, the thread keyring: a new thread never
// shares its creator's thread keyring (Linux gives it a fresh empty one if the creator had one), so the
// creator passes its own thread keyring id as the thread anchor, this thread's own is hidden, and keys
// reachable only through the creator's thread keyring are seen only as far as their permissions allow
// without possession.
import { existsSync, rmSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import type { SnapshotDelta } from '../../shared/api';
import { diffSnapshots } from '../../shared/delta';
import { keyCount } from '../../shared/keyRows';
import type { ScanScope, Snapshot } from '../../shared/snapshot';
import { Scanner, type ScanStatsDetail } from '../keyring/scanner';
import { ownThreadKeyring } from './credentials';
import { PollCell } from './pollCell';
import { serveThread } from './rpc';

export interface ScanData {
  /** The creating thread's thread keyring (this thread cannot have it). */
  threadKeyring: number | null;
  /** Where /proc lives (tests). */
  procRoot?: string;
  /** What to scan (default: the process's own view). */
  scope?: ScanScope;
  /**
   * Fault injection (the scan-thread tests and `npm run soak`; KB_TEST_SCAN_THREAD_EXIT_FILE for serve):
   * when this file exists as a scan starts, the thread removes it, reads /proc/keys, and exits before
   * answering: a thread killed mid-scan, which nothing outside the process can do to one thread for real.
   */
  exitMidScanFile?: string;
  /** The creator's PollCell (pollCell.ts): every poll's figures, for its status and the bench. */
  cell?: SharedArrayBuffer;
}

let scanner: Scanner | null = null;
/** The snapshot the creator holds (sent whole, or as the deltas since): what the next answer is relative to. */
let sent: Snapshot | null = null;
/** Where every poll's figures go, reported or not (pollCell.ts). */
let cell: PollCell | null = null;
/** The last poll failed: the next one that succeeds is reported, so the creator hears of the recovery. */
let failedLast = false;
/** When the last poll the creator was not told of (nothing changed) started; null when it was told of every one. */
let quietAt: number | null = null;
/** The polls, one at a time: a scan asked for waits for the one this thread's timer started. */
let polling: Promise<unknown> = Promise.resolve();
/** The current watch(), if any: stops it; settles once it has answered. */
let stopWatch: (() => Promise<void>) | null = null;

/**
 * A poll's answer: the first is the whole snapshot; after that only what changed since the last answer (null:
 * nothing did but the time), so a poll moves a few keys across threads rather than cloning all of them. `quietAt`:
 * the start of the last poll since the previous answer that this thread kept to itself (watch), when there was one:
 * the keys as before, read then (the service's expiry tracker reads the keys' timeout columns at that time).
 */
export type ScanAnswer = ({ snapshot: Snapshot } | { delta: SnapshotDelta | null; takenAt: number }) & {
  stats: ScanStatsDetail;
  /** Wall ms of the scan, on this thread. */
  durationMs: number;
  quietAt?: number;
};

/** Polls now, and answers whatever it found. */
function scan(): Promise<ScanAnswer> {
  return exclusive(() => poll(Number.NEGATIVE_INFINITY)) as Promise<ScanAnswer>;
}

/**
 * Polls every `everyMs` (the first `everyMs` from now) on this thread's timer, and answers the first poll the creator
 * must hear of: one that changed something or failed, the first after a failure, or one that started at or after
 * `wakeAt` (epoch ms: the creator's expiry tracker learns from a read then, ExpiryTracker.firstContradictingRead).
 * The others wake no other thread. Null once unwatch() stopped it before such a poll; a poll running then is still
 * answered if it found something. One watch at a time: a new one stops the last.
 */
function watch(everyMs: number, wakeAt: number): Promise<ScanAnswer | null> {
  void stopWatch?.();
  return new Promise<ScanAnswer | null>((resolve, reject) => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let answered: () => void = () => undefined;
    const ended = new Promise<void>((done) => (answered = done));
    const tick = (): void => {
      timer = null;
      exclusive(() => poll(wakeAt)).then((answer) => {
        if (answer !== null || stopped) return end(() => resolve(answer));
        timer = setTimeout(tick, everyMs);
      }, (err: unknown) => end(() => reject(err)));
    };
    const end = (settle: () => void): void => {
      if (stopWatch === stop) stopWatch = null;
      settle();
      // Once the answer is posted (the microtasks that post it have run): unwatch answers after it.
      setImmediate(answered);
    };
    const stop = (): Promise<void> => {
      stopped = true;
      if (timer !== null) {
        clearTimeout(timer);
        timer = null;
        end(() => resolve(null));
      }
      return ended;
    };
    stopWatch = stop;
    timer = setTimeout(tick, everyMs);
  });
}

/**
 * Stops the watch, and answers once the watch has answered (what its running poll found, or null): the creator asks
 * this as a request that keeps its process alive, the watch's answer is in the background.
 */
async function unwatch(): Promise<null> {
  await stopWatch?.();
  return null;
}

function exclusive<T>(run: () => Promise<T>): Promise<T> {
  const next = polling.then(run, run);
  polling = next.catch(() => undefined);
  return next;
}

/** One poll: its answer, or null when it need not be told (nothing changed, nothing else to report). */
async function poll(wakeAt: number): Promise<ScanAnswer | null> {
  const s = scanner as Scanner;
  const dieAfterThis = takeFault((workerData as ScanData).exitMidScanFile);
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  let snapshot: Snapshot;
  try {
    snapshot = await s.scan();
  } catch (err) {
    failedLast = true;
    throw err;
  }
  if (dieAfterThis) process.exit(70); // in a worker, ends this thread only
  const durationMs = performance.now() - started;
  const before = sent;
  sent = snapshot;
  const delta = before === null ? null : diffSnapshots(before, snapshot, 0);
  const report = before === null || delta !== null || failedLast || snapshot.takenAt >= wakeAt;
  failedLast = false;
  const used = process.cpuUsage(cpu0);
  cell?.wrote({ takenAt: snapshot.takenAt, durationMs, keyCount: keyCount(snapshot) }, (used.user + used.system) / 1000, s.lastStats.changesOnly === true, report);
  if (!report) {
    quietAt = snapshot.takenAt;
    return null;
  }
  const quiet = quietAt === null ? {} : { quietAt };
  quietAt = null;
  if (before === null) return { snapshot, stats: s.lastStats, durationMs, ...quiet };
  return { delta, takenAt: snapshot.takenAt, stats: s.lastStats, durationMs, ...quiet };
}

/** True once per appearance of the fault file (removed, so the next thread lives). */
function takeFault(file: string | undefined): boolean {
  if (!file || !existsSync(file)) return false;
  rmSync(file, { force: true });
  return true;
}

const ops = { scan, watch, unwatch };
export type ScanOps = typeof ops;

serveThread(
  () => {
    const data = workerData as ScanData;
    if (data.cell) cell = new PollCell(data.cell);
    const mine = ownThreadKeyring();
    scanner = new Scanner({
      threadKeyring: data.threadKeyring,
      hiddenIds: mine !== null && mine !== data.threadKeyring ? [mine] : [],
      watchProcesses: true,
      ...(data.procRoot ? { procRoot: data.procRoot } : {}),
      ...(data.scope ? { scope: data.scope } : {}),
    });
    return null;
  },
  ops,
  () => scanner?.close(),
);
