// A SnapshotSource for tests: scans return scripted snapshots (or failures), optionally held open
// until the test releases them, and it counts how many scans ran at once.
import type { KeyInfo, Snapshot } from '../../../shared/snapshot';
import { testKey } from '../../../shared/testing';
import type { SnapshotSource } from '../../keyring/source';

export function fakeKey(id: number, extra: Partial<KeyInfo> = {}): KeyInfo {
  return testKey(id, { description: `key ${id}`, flags: 'I------', ...extra });
}

export function fakeSnapshot(keys: KeyInfo[], takenAt = 1_700_000_000_000): Snapshot {
  return {
    takenAt,
    uid: 0,
    gid: 0,
    groups: [0],
    anchors: { thread: null, process: null, session: keys[0]?.id ?? null, user: null, userSession: null, persistent: null },
    keys,
    quotas: [],
  };
}

type Step = Snapshot | Error;

export class FakeSource implements SnapshotSource {
  scans = 0;
  concurrent = 0;
  maxConcurrent = 0;
  closed = false;
  /** When true, each scan waits for release() before answering. */
  hold = false;
  private current: Step;
  private readonly waiting: (() => void)[] = [];
  private readonly scanListeners: (() => void)[] = [];

  constructor(first: Step = fakeSnapshot([fakeKey(100)])) {
    this.current = first;
  }

  /** What every following scan returns (until set again). */
  set(step: Step): void {
    this.current = step;
  }

  /** Lets every held scan answer. */
  release(): void {
    for (const go of this.waiting.splice(0)) go();
  }

  /** Resolves when the next scan starts. */
  nextScan(): Promise<void> {
    return new Promise((resolve) => this.scanListeners.push(resolve));
  }

  async scan(): Promise<Snapshot> {
    this.scans++;
    this.concurrent++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.concurrent);
    for (const l of this.scanListeners.splice(0)) l();
    try {
      if (this.hold) await new Promise<void>((resolve) => this.waiting.push(resolve));
      const step = this.current;
      if (step instanceof Error) throw step;
      return { ...step, keys: step.keys.map((k) => ({ ...k })) };
    } finally {
      this.concurrent--;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.release();
  }
}
