// createWorkerSnapshotSource(): the SnapshotSource the app and `serve` poll. The scans run on a worker
// thread (scanWorker.ts) that keeps its Scanner between polls, so the event loop only receives finished
// snapshots: the first whole, then what changed (the source applies it; unchanged keys stay the same objects,
// which the service's diff then skips). The thread polls on its own timer (SelfPollingSource) and answers only a
// poll that found something to tell; every poll's figures are in a PollCell both threads share. A scan thread that
// dies (a crash in the engine, a killed reader) is replaced by a fresh one at the next scan; the source counts it,
// and the service's status says so (PollerStatus.restarts).
import type { ScannerRestarts } from '../../shared/api';
import { applyDelta } from '../../shared/delta';
import { withHead } from '../../shared/keyRows';
import type { ScanScope, Snapshot } from '../../shared/snapshot';
import { KeyringsUnavailableError, type ScanStatsDetail } from '../keyring/scanner';
import type { PollReport, SelfPollingSource } from '../keyring/source';
import { ScopeRefusedError } from '../keyring/scope';
import { ownThreadKeyring } from './credentials';
import { threadEntryPath } from './entry';
import { shareRepeatedStrings } from './repeatedStrings';
import { ThreadError, ThreadClient } from './rpc';
import { PollCell } from './pollCell';
import type { ScanAnswer, ScanData, ScanOps } from './scanWorker';

export interface WorkerSourceOptions {
  /** Where /proc lives (tests). */
  procRoot?: string;
  /** What to scan (default: the process's own view); other scopes need root. */
  scope?: ScanScope;
  /** Fault injection for tests and the soak (ScanData.exitMidScanFile): never set by the app itself. */
  exitMidScanFile?: string;
  /** How long closing waits for the scan thread's close hook before terminating it (ThreadClientOptions; tests). */
  closeWaitMs?: number;
}

export interface WorkerSnapshotSource extends SelfPollingSource {
  /** What the last reported scan had to do beyond reading /proc/keys (for the bench and diagnostics). */
  lastStats(): ScanStatsDetail | null;
  /** How often a dead scan thread was replaced, the last time and why; null when never. */
  restarts(): ScannerRestarts | null;
  /** Every poll's figures as the scan thread wrote them (the bench counts polls and their CPU there). */
  readonly polls: PollCell;
}

export function createWorkerSnapshotSource(options: WorkerSourceOptions = {}): WorkerSnapshotSource {
  const polls = new PollCell();
  // This thread's keyring, asked here: the scan thread cannot see it (it gets a fresh one).
  const data: ScanData = {
    threadKeyring: ownThreadKeyring(),
    cell: polls.buffer,
    ...(options.procRoot ? { procRoot: options.procRoot } : {}),
    ...(options.scope ? { scope: options.scope } : {}),
    ...(options.exitMidScanFile ? { exitMidScanFile: options.exitMidScanFile } : {}),
  };
  const start = (): ThreadClient<null, ScanOps> => {
    const client = new ThreadClient<null, ScanOps>(threadEntryPath('scanWorker'), {
      label: 'scan',
      data,
      ...(options.closeWaitMs !== undefined ? { closeWaitMs: options.closeWaitMs } : {}),
    });
    client.onDeath((err) => (death = err));
    return client;
  };
  let death: Error | null = null;
  let closed = false;
  let restarts: ScannerRestarts | null = null;
  let stats: ScanStatsDetail | null = null;
  /** The scan thread's snapshot, kept here from its first answer and the deltas since. */
  let current: Snapshot | null = null;
  let thread = start();

  /** The scan thread, a fresh one in place of one that died. */
  const live = (): ThreadClient<null, ScanOps> => {
    if (closed) throw new Error('the snapshot source is closed');
    if (death) {
      const reason = death;
      death = null;
      restarts = { count: (restarts?.count ?? 0) + 1, lastAt: Date.now(), lastReason: reason.message };
      void thread.close();
      thread = start();
      current = null; // a new thread answers with a whole snapshot first
    }
    return thread;
  };
  /**
   * An answer applied to the snapshot kept here. Chained straight onto the thread's answer (no await between), so the
   * answers are applied in the order the thread sent them, whichever call each answers.
   */
  const apply = (r: ScanAnswer): PollReport => {
    stats = r.stats;
    const before = current;
    if ('snapshot' in r) {
      shareRepeatedStrings(r.snapshot.keys); // the clone is this thread's alone until returned below
      current = r.snapshot;
    } else if (before === null) throw new Error('the scan thread sent a delta before any snapshot');
    else current = r.delta === null ? withHead(before, { takenAt: r.takenAt }) : applyDelta(before, r.delta);
    const quiet = r.quietAt === undefined || before === null || 'snapshot' in r ? null : withHead(before, { takenAt: r.quietAt });
    return { snapshot: current, durationMs: r.durationMs, quiet };
  };
  const named = (err: unknown): never => {
    if (err instanceof ThreadError && err.name === 'KeyringsUnavailableError') throw new KeyringsUnavailableError(err.message);
    if (err instanceof ThreadError && err.name === 'ScopeRefusedError') throw new ScopeRefusedError(err.message);
    throw err;
  };
  const scanReport = (): Promise<PollReport> => {
    try {
      return live().call('scan').then(apply, named);
    } catch (err) {
      return Promise.reject(err as Error);
    }
  };

  return {
    scanReport,
    async scan(): Promise<Snapshot> {
      return (await scanReport()).snapshot;
    },
    pollUntilReport(everyMs: number, wakeAt: number): Promise<PollReport | null> {
      try {
        return live()
          .callInBackground('watch', everyMs, wakeAt)
          .then((r) => (r === null ? null : apply(r)), named);
      } catch (err) {
        return Promise.reject(err as Error);
      }
    },
    stopPolling(): void {
      // A request that keeps the process alive until the watch has answered (a poller stopping awaits that answer).
      if (!closed && !thread.dead) thread.call('unwatch').catch(() => undefined);
    },
    lastPoll: () => polls.lastScan(),
    polls,
    lastStats: () => stats,
    restarts: () => restarts,
    async close(): Promise<void> {
      closed = true;
      await thread.close();
    },
  };
}
