// The poll loop: one scan at a time, the next one `intervalMs` after the previous finished.
// Chained timeouts rather than setInterval, so a slow scan can never overlap the next; the scan
// itself runs in the SnapshotSource's worker, so waiting for it never blocks the event loop.
import type { ScanStats } from '../../shared/api';
import { keyCount } from '../../shared/keyRows';
import type { Snapshot } from '../../shared/snapshot';
import type { SnapshotSource } from '../keyring/source';

export interface PollerOptions {
  source: SnapshotSource;
  intervalMs: number;
  /** Called with every successful scan, before the scan's promise (refresh) resolves. */
  onSnapshot(snapshot: Snapshot, stats: ScanStats): void;
  /** Called when a scan fails; the poller keeps going. */
  onError(error: unknown): void;
  /** Monotonic clock for scan durations (injectable for tests). */
  clock?: () => number;
}

export class Poller {
  private intervalMs: number;
  private paused = false;
  private stopped = true;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight: Promise<void> | null = null;
  /** A scan requested while another ran: it starts when that one ends. Shared by every caller meanwhile. */
  private queued: Promise<void> | null = null;
  private readonly clock: () => number;

  constructor(private readonly options: PollerOptions) {
    this.intervalMs = options.intervalMs;
    this.clock = options.clock ?? (() => performance.now());
  }

  get interval(): number {
    return this.intervalMs;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Starts polling with an immediate first scan (unless paused). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    if (!this.paused) void this.scanNow();
  }

  /** Stops the loop and waits for a scan in flight to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    await this.queued;
    await this.inFlight;
  }

  pause(): void {
    this.paused = true;
    this.clearTimer();
  }

  /** Resumes with a scan right away: whoever resumes wants to see the present. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (!this.stopped) void this.scanNow();
  }

  setInterval(ms: number): void {
    this.intervalMs = ms;
    if (this.timer !== null) {
      this.clearTimer();
      this.schedule();
    }
  }

  /**
   * Scans now (also while paused: a refresh is an explicit request). Resolves once a scan that
   * started after this call has been reported; never runs two scans at once.
   */
  scanNow(): Promise<void> {
    if (this.queued) return this.queued;
    if (this.inFlight) {
      this.queued = this.inFlight.then(() => {
        this.queued = null;
        return this.runScan();
      });
      return this.queued;
    }
    return this.runScan();
  }

  private runScan(): Promise<void> {
    this.clearTimer();
    const scan = (async () => {
      const started = this.clock();
      try {
        const snapshot = await this.options.source.scan();
        const stats: ScanStats = {
          takenAt: snapshot.takenAt,
          durationMs: Math.max(0, this.clock() - started),
          keyCount: keyCount(snapshot),
        };
        this.options.onSnapshot(snapshot, stats);
      } catch (error) {
        this.options.onError(error);
      } finally {
        this.inFlight = null;
        this.schedule();
      }
    })();
    this.inFlight = scan;
    return scan;
  }

  private schedule(): void {
    if (this.stopped || this.paused || this.timer !== null || this.inFlight || this.queued) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.scanNow();
    }, this.intervalMs);
    // A pending poll alone must not keep a CLI process alive.
    this.timer.unref?.();
  }

  private clearTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
