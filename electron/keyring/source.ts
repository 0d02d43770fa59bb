import type { ScannerRestarts, ScanStats } from '../../shared/api';
import type { Snapshot } from '../../shared/snapshot';

/** Takes snapshots off the caller's thread (a worker); the service polls it. */
export interface SnapshotSource {
  scan(): Promise<Snapshot>;
  close(): Promise<void>;
  /** For a source whose scan thread can die and be replaced: how often that happened; null when never. */
  restarts?(): ScannerRestarts | null;
}

/** A poll as a source that polls on its own clock reports it (SelfPollingSource). */
export interface PollReport {
  snapshot: Snapshot;
  /** Wall ms of the scan, where it ran. */
  durationMs: number;
  /**
   * The last poll before this one that the source kept to itself, as its snapshot (the keys as before this one's
   * changes, taken then); null when there was none. An idle poll's read is what the service's expiry tracker reads
   * keys' timeout columns at: the last one before a column rolls over pins the expiry.
   */
  quiet: Snapshot | null;
}

/**
 * A source that polls on its own clock (the scan thread's timer: threads/scanWorker.ts) and reports only the polls the
 * caller must hear of, so an idle poll costs the caller's thread nothing. The poller (service/poller.ts) uses it when
 * a source offers it, and its own timer around scan() otherwise.
 */
export interface SelfPollingSource extends SnapshotSource {
  /** Scans now and reports it, whatever it found. */
  scanReport(): Promise<PollReport>;
  /**
   * Polls every `everyMs`, the first `everyMs` from now, and resolves with the first poll to report: one that changed
   * something, the first after a failure (a failure rejects), or one that started at or after `wakeAt` (epoch ms).
   * Null once stopPolling() ended it before such a poll. One at a time.
   */
  pollUntilReport(everyMs: number, wakeAt: number): Promise<PollReport | null>;
  /** Ends pollUntilReport's polling; a poll already running still reports what it found. */
  stopPolling(): void;
  /** The last poll's figures, reported or not; null before the first. */
  lastPoll(): ScanStats | null;
}

export function pollsItself(source: SnapshotSource): source is SelfPollingSource {
  return typeof (source as Partial<SelfPollingSource>).pollUntilReport === 'function';
}
