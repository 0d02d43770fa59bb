// A SelfPollingSource for tests: what the scan thread's watch would answer is given by the test (report, fail, or
// nothing until stopped), and every call is recorded.
import type { ScanStats } from '../../../shared/api';
import type { Snapshot } from '../../../shared/snapshot';
import type { PollReport, SelfPollingSource } from '../../keyring/source';
import { fakeKey, fakeSnapshot } from './fakeSource';

interface Watch {
  everyMs: number;
  wakeAt: number;
  resolve(report: PollReport | null): void;
  reject(error: Error): void;
}

export class FakeSelfPollingSource implements SelfPollingSource {
  readonly calls: string[] = [];
  /** The watches asked for, in order; the last is the one still running unless ended. */
  readonly watches: Watch[] = [];
  /** What scanReport answers next. */
  next: PollReport = { snapshot: fakeSnapshot([fakeKey(1)]), durationMs: 1, quiet: null };
  last: ScanStats | null = null;
  /** Set: every scan and poll fails with it at once (a scan thread that could not start). */
  failAll: Error | null = null;
  private stopped: Watch | null = null;

  async scan(): Promise<Snapshot> {
    return (await this.scanReport()).snapshot;
  }

  async scanReport(): Promise<PollReport> {
    this.calls.push('scanReport');
    if (this.failAll) throw this.failAll;
    return this.next;
  }

  pollUntilReport(everyMs: number, wakeAt: number): Promise<PollReport | null> {
    this.calls.push(`pollUntilReport ${everyMs}`);
    if (this.failAll) return Promise.reject(this.failAll);
    return new Promise((resolve, reject) => this.watches.push({ everyMs, wakeAt, resolve, reject }));
  }

  /** Like the scan thread, a stopped watch answers at once unless `busy` (a poll running): then the test answers it. */
  busy = false;

  stopPolling(): void {
    this.calls.push('stopPolling');
    const w = this.watches.at(-1);
    if (w === undefined) return;
    if (this.busy) this.stopped = w;
    else w.resolve(null);
  }

  /** The running watch (or the one stopped mid-poll) answers. */
  report(report: PollReport | Error | null): void {
    const w = this.stopped ?? this.watches.at(-1);
    this.stopped = null;
    if (w === undefined) throw new Error('no watch');
    if (report instanceof Error) w.reject(report);
    else w.resolve(report);
  }

  lastPoll(): ScanStats | null {
    return this.last;
  }

  async close(): Promise<void> {
    this.calls.push('close');
  }
}
