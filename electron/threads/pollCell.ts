// The scan thread's polls as the main thread may read them at any moment, without a message: the scan thread polls
// on its own timer and tells the main thread only of a poll that changed something (scanWorker.ts `watch`), so the
// status's "last scan" (PollerStatus.lastScan) and the bench's poll counts are read from memory both threads share.
// The scan thread writes it after every poll, reported or not; a reader retries while a write is half done (a
// sequence number that is odd during a write).
import type { ScanStats } from '../../shared/api';

/** Polls whose CPU the cell keeps (the bench reads a window of polls; a longer one reads the last of them). */
export const POLL_CPU_RING = 256;

/** What the cell counts since its thread source began (every scan thread it started). */
export interface PollCounts {
  /** Every poll, reported or not. */
  polls: number;
  /** Polls that applied only what changed (quietPoll.ts) rather than scanning in full. */
  changesOnly: number;
  /** Polls the scan thread told the main thread of (a change, a failure, a scan asked for, an expiry to read). */
  reported: number;
}

/** One poll's process CPU (ms, every thread, from its start to its end) and whether it applied only the changes. */
export interface PollCpu {
  cpu: number;
  changesOnly: boolean;
}

/** Atomics.waitAsync (ES2024; Node has it, this project's lib predates it). */
interface AtomicsWaitAsync {
  waitAsync(array: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
}

const SEQ = 0;
const NOTIFY = 1;
// Float64 slots.
const TAKEN_AT = 0;
const DURATION = 1;
const KEYS = 2;
const POLLS = 3;
const CHANGES_ONLY = 4;
const REPORTED = 5;
const RING = 6;

export class PollCell {
  private readonly ints: Int32Array;
  private readonly values: Float64Array;

  /** A new cell (`buffer` omitted), or the one another thread made. */
  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(8 * (RING + 2 * POLL_CPU_RING) + 8)) {
    this.values = new Float64Array(buffer, 0, RING + 2 * POLL_CPU_RING);
    this.ints = new Int32Array(buffer, 8 * (RING + 2 * POLL_CPU_RING), 2);
  }

  /** The scan thread, after each poll. */
  wrote(stats: ScanStats, cpu: number, changesOnly: boolean, reported: boolean): void {
    Atomics.add(this.ints, SEQ, 1);
    const v = this.values;
    v[TAKEN_AT] = stats.takenAt;
    v[DURATION] = stats.durationMs;
    v[KEYS] = stats.keyCount;
    const slot = (v[POLLS] as number) % POLL_CPU_RING;
    v[RING + 2 * slot] = cpu;
    v[RING + 2 * slot + 1] = changesOnly ? 1 : 0;
    v[POLLS] = (v[POLLS] as number) + 1;
    if (changesOnly) v[CHANGES_ONLY] = (v[CHANGES_ONLY] as number) + 1;
    if (reported) v[REPORTED] = (v[REPORTED] as number) + 1;
    Atomics.add(this.ints, SEQ, 1);
    Atomics.add(this.ints, NOTIFY, 1);
    Atomics.notify(this.ints, NOTIFY);
  }

  /** The last poll's figures; null before the first. */
  lastScan(): ScanStats | null {
    return this.read((v) => (v[POLLS] === 0 ? null : { takenAt: v[TAKEN_AT] as number, durationMs: v[DURATION] as number, keyCount: v[KEYS] as number }));
  }

  counts(): PollCounts {
    return this.read((v) => ({ polls: v[POLLS] as number, changesOnly: v[CHANGES_ONLY] as number, reported: v[REPORTED] as number }));
  }

  /** The CPU of polls `from` (a count of polls, as counts() gave it) to the last, at most POLL_CPU_RING of the last. */
  cpuSince(from: number): PollCpu[] {
    return this.read((v) => {
      const polls = v[POLLS] as number;
      const out: PollCpu[] = [];
      for (let i = Math.max(from, polls - POLL_CPU_RING); i < polls; i++) {
        const slot = i % POLL_CPU_RING;
        out.push({ cpu: v[RING + 2 * slot] as number, changesOnly: v[RING + 2 * slot + 1] === 1 });
      }
      return out;
    });
  }

  /**
   * Resolves once the poll count reaches `polls` (one wake of the waiting thread a poll meanwhile); rejects with the
   * signal's reason once it is aborted.
   */
  async reached(polls: number, signal?: AbortSignal): Promise<void> {
    // A pending waitAsync does not keep Node's event loop alive (the scan thread's polls do not either): a timer does.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    // An abort wakes the wait as a poll would (Atomics.notify wakes this thread's own waitAsync too).
    const wake = (): void => void Atomics.notify(this.ints, NOTIFY);
    signal?.addEventListener('abort', wake, { once: true });
    try {
      for (;;) {
        signal?.throwIfAborted();
        const seen = Atomics.load(this.ints, NOTIFY);
        if (this.counts().polls >= polls) return;
        const wait = (Atomics as unknown as AtomicsWaitAsync).waitAsync(this.ints, NOTIFY, seen);
        if (wait.async) await wait.value;
      }
    } finally {
      clearInterval(keepAlive);
      signal?.removeEventListener('abort', wake);
    }
  }

  private read<T>(take: (v: Float64Array) => T): T {
    for (;;) {
      const before = Atomics.load(this.ints, SEQ);
      if (before % 2 === 0) {
        const value = take(this.values);
        if (Atomics.load(this.ints, SEQ) === before) return value;
      }
    }
  }
}
