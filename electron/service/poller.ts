// The poll loop: one scan at a time, the next one `intervalMs` after the previous finished.
// Chained waits rather than setInterval, so a slow scan can never overlap the next; the scan itself runs in the
// SnapshotSource's worker, so waiting for it never blocks the event loop. A source that polls on its own clock
// (SelfPollingSource: the app's and serve's scan thread) keeps the cadence itself and wakes this thread only for a
// poll to report (a change, a failure, the first after one, an expiry to read at `wakeAt`); any other source is
// scanned on a timer here.
import type { ScanStats } from '../../shared/api';
import { keyCount } from '../../shared/keyRows';
import type { Snapshot } from '../../shared/snapshot';
import { pollsItself, type PollReport, type SelfPollingSource, type SnapshotSource } from '../keyring/source';

export interface PollerOptions {
  source: SnapshotSource;
  intervalMs: number;
  /** Called with every successful scan reported, in order, before the scan's promise (refresh) resolves. */
  onSnapshot(snapshot: Snapshot): void;
  /** Called when a scan fails; the poller keeps going. */
  onError(error: unknown): void;
  /**
   * The earliest start (epoch ms) of a poll that must be reported even if it finds nothing changed (the expiry
   * tracker learns from its read time); asked before each wait. Infinity when none.
   */
  wakeAt?(): number;
  /** Monotonic clock for scan durations (injectable for tests). */
  clock?: () => number;
}

/** The wait for the next poll: a timer here, or the source's own polls until one reports. */
interface Wait {
  cancel(): void;
}

export class Poller {
  private intervalMs: number;
  private paused = false;
  private stopped = true;
  private wait: Wait | null = null;
  private inFlight: Promise<void> | null = null;
  /** A scan requested while another ran: it starts when that one ends. Shared by every caller meanwhile. */
  private queued: Promise<void> | null = null;
  /** The source's polls, stopped: settles once what their last poll found (if anything) has been reported. */
  private stoppedPolls: Promise<void> | null = null;
  private reported: ScanStats | null = null;
  /**
   * The last scan or poll failed: the next is scanned on this poller's timer, not the source's polls. A source whose
   * thread could not start fails every request at once, and its polls asked for again at once would spin.
   */
  private failing = false;
  private readonly clock: () => number;
  private readonly selfPolling: SelfPollingSource | null;

  constructor(private readonly options: PollerOptions) {
    this.intervalMs = options.intervalMs;
    this.clock = options.clock ?? (() => performance.now());
    this.selfPolling = pollsItself(options.source) ? options.source : null;
  }

  get interval(): number {
    return this.intervalMs;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** The last scan's figures: a self-polling source's last poll, reported or not; else the last scan reported. */
  get lastScan(): ScanStats | null {
    return this.selfPolling?.lastPoll() ?? this.reported;
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
    this.cancelWait();
    await this.queued;
    await this.inFlight;
    await this.stoppedPolls;
  }

  pause(): void {
    this.paused = true;
    this.cancelWait();
  }

  /** Resumes with a scan right away: whoever resumes wants to see the present. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (!this.stopped) void this.scanNow();
  }

  setInterval(ms: number): void {
    this.intervalMs = ms;
    if (this.wait !== null) {
      this.cancelWait();
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
    this.cancelWait();
    const scan = (async () => {
      const started = this.clock();
      try {
        // What the source's stopped polls found is older than this scan: reported first.
        await this.stoppedPolls;
        if (this.selfPolling) this.report(await this.selfPolling.scanReport());
        else {
          const snapshot = await this.options.source.scan();
          this.report({ snapshot, durationMs: Math.max(0, this.clock() - started), quiet: null });
        }
        this.failing = false;
      } catch (error) {
        this.failing = true;
        this.options.onError(error);
      } finally {
        this.inFlight = null;
        this.schedule();
      }
    })();
    this.inFlight = scan;
    return scan;
  }

  private report(polled: PollReport): void {
    if (polled.quiet) this.options.onSnapshot(polled.quiet);
    const { snapshot } = polled;
    this.reported = { takenAt: snapshot.takenAt, durationMs: polled.durationMs, keyCount: keyCount(snapshot) };
    this.options.onSnapshot(snapshot);
  }

  private schedule(): void {
    if (this.stopped || this.paused || this.wait !== null || this.inFlight || this.queued) return;
    const source = this.selfPolling;
    if (source === null || this.failing) {
      const timer = setTimeout(() => {
        this.wait = null;
        void this.scanNow();
      }, this.intervalMs);
      // A pending poll alone must not keep a CLI process alive.
      timer.unref?.();
      this.wait = { cancel: () => clearTimeout(timer) };
      return;
    }
    // The source's polls (their wait does not keep the process alive either: SelfPollingSource).
    const polls = source.pollUntilReport(this.intervalMs, this.options.wakeAt?.() ?? Number.POSITIVE_INFINITY);
    const wait: Wait = {
      cancel: () => {
        source.stopPolling();
        this.stoppedPolls = settled;
      },
    };
    // Whatever a poll reports is reported here, also after the wait was cancelled (the source has moved on to it);
    // only the wait still current schedules the next.
    const settled = polls.then(
      (polled) => {
        if (polled !== null) this.report(polled);
        this.waitEnded(wait);
      },
      (error: unknown) => {
        this.failing = true;
        this.options.onError(error);
        this.waitEnded(wait);
      },
    );
    this.wait = wait;
  }

  private waitEnded(wait: Wait): void {
    if (this.wait !== wait) return;
    this.wait = null;
    this.schedule();
  }

  private cancelWait(): void {
    const wait = this.wait;
    this.wait = null;
    wait?.cancel();
  }
}
