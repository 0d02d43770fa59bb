// Worker body: the app's and `serve`'s scans (scanThread.ts), on a thread of their own so a scan never
// blocks the Electron main process or the serve event loop. It keeps its Scanner (its reader thread and
// name cache) between polls.
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
import type { ScanScope, Snapshot } from '../../shared/snapshot';
import { Scanner, type ScanStatsDetail } from '../keyring/scanner';
import { ownThreadKeyring } from './credentials';
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
}

let scanner: Scanner | null = null;
/** The snapshot the creator holds (sent whole, or as the deltas since): what the next answer is relative to. */
let sent: Snapshot | null = null;

/**
 * A scan's answer: the first is the whole snapshot; after that only what changed since the last answer (null:
 * nothing did but the time), so a poll moves a few keys across threads rather than cloning all of them.
 */
export type ScanAnswer = ({ snapshot: Snapshot } | { delta: SnapshotDelta | null; takenAt: number }) & { stats: ScanStatsDetail };

async function scan(): Promise<ScanAnswer> {
  const s = scanner as Scanner;
  const dieAfterThis = takeFault((workerData as ScanData).exitMidScanFile);
  const snapshot = await s.scan();
  if (dieAfterThis) process.exit(70); // in a worker, ends this thread only
  const before = sent;
  sent = snapshot;
  if (before === null) return { snapshot, stats: s.lastStats };
  return { delta: diffSnapshots(before, snapshot, 0), takenAt: snapshot.takenAt, stats: s.lastStats };
}

/** True once per appearance of the fault file (removed, so the next thread lives). */
function takeFault(file: string | undefined): boolean {
  if (!file || !existsSync(file)) return false;
  rmSync(file, { force: true });
  return true;
}

const ops = { scan };
export type ScanOps = typeof ops;

serveThread(
  () => {
    const data = workerData as ScanData;
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
