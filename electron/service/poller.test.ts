// The poller over a source that polls on its own clock (SelfPollingSource; the real one is the scan thread,
// threads/scanThread.test.ts): it waits on the source's polls rather than a timer of its own, reports each poll the
// source reports (the kept-back one first), and stops, restarts and re-times the source's polling with its controls.
import { describe, expect, it, vi } from 'vitest';
import type { Snapshot } from '../../shared/snapshot';
import { Poller } from './poller';
import { fakeKey, fakeSnapshot } from './test/fakeSource';
import { FakeSelfPollingSource } from './test/fakeSelfPollingSource';

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function poller(source: FakeSelfPollingSource, wakeAt = Number.POSITIVE_INFINITY) {
  const seen: (Snapshot | string)[] = [];
  const p = new Poller({
    source,
    intervalMs: 1000,
    onSnapshot: (s) => seen.push(s),
    onError: (e) => seen.push(`error: ${(e as Error).message}`),
    wakeAt: () => wakeAt,
  });
  return { p, seen };
}

describe('Poller over a self-polling source', () => {
  it('scans first, then waits on the source’s own polls, and reports what they report, the kept-back poll first', async () => {
    const source = new FakeSelfPollingSource();
    const { p, seen } = poller(source, 1234);
    p.start();
    await flush();
    expect(source.calls).toEqual(['scanReport', 'pollUntilReport 1000']);
    expect(source.watches[0]).toMatchObject({ everyMs: 1000, wakeAt: 1234 });
    expect(seen).toEqual([source.next.snapshot]);
    const quiet = fakeSnapshot([fakeKey(1)], 1_700_000_005_000);
    const changed = fakeSnapshot([fakeKey(1), fakeKey(2)], 1_700_000_006_000);
    source.report({ snapshot: changed, durationMs: 3, quiet });
    await flush();
    expect(seen.slice(1)).toEqual([quiet, changed]);
    expect(source.calls.at(-1)).toBe('pollUntilReport 1000');
    expect(source.watches).toHaveLength(2);
    await p.stop();
  });

  it('reports a failure at once, scans again an interval later, and then waits on the source’s polls again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const source = new FakeSelfPollingSource();
      const { p, seen } = poller(source);
      p.start();
      await flush();
      source.report(new Error('the scan thread exited (code 70)'));
      await flush();
      expect(seen.at(-1)).toBe('error: the scan thread exited (code 70)');
      // Not asked again at once: a source failing every request at once (a thread that could not start) would spin.
      expect(source.calls).toEqual(['scanReport', 'pollUntilReport 1000']);
      vi.advanceTimersByTime(1000);
      await flush();
      expect(source.calls.slice(2)).toEqual(['scanReport', 'pollUntilReport 1000']);
      expect(seen.at(-1)).toBe(source.next.snapshot);
      await p.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('a source whose every request fails at once is scanned once an interval, not spun on', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const source = new FakeSelfPollingSource();
      source.failAll = new Error('--all-users needs root');
      const { p, seen } = poller(source);
      p.start();
      await flush();
      expect(source.calls).toEqual(['scanReport']);
      for (let i = 0; i < 3; i++) {
        vi.advanceTimersByTime(1000);
        await flush();
      }
      expect(source.calls).toEqual(['scanReport', 'scanReport', 'scanReport', 'scanReport']);
      expect(seen).toEqual(Array(4).fill('error: --all-users needs root'));
      await p.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('restarts the source’s polls at a new interval, and stops them on pause, resume scanning at once', async () => {
    const source = new FakeSelfPollingSource();
    const { p } = poller(source);
    p.start();
    await flush();
    p.setInterval(250);
    await flush();
    expect(source.calls.slice(2)).toEqual(['stopPolling', 'pollUntilReport 250']);
    p.pause();
    await flush();
    expect(source.calls.slice(4)).toEqual(['stopPolling']);
    p.setInterval(500); // paused: nothing polls
    await flush();
    expect(source.calls).toHaveLength(5);
    p.resume();
    await flush();
    expect(source.calls.slice(5)).toEqual(['scanReport', 'pollUntilReport 500']);
    await p.stop();
    expect(source.calls.at(-1)).toBe('stopPolling');
  });

  it('a scan asked for while the source polls stops them, and reports what their running poll found before its own', async () => {
    const source = new FakeSelfPollingSource();
    const { p, seen } = poller(source);
    p.start();
    await flush();
    source.busy = true;
    const late = fakeSnapshot([fakeKey(1), fakeKey(3)], 1_700_000_007_000);
    const now = fakeSnapshot([fakeKey(1), fakeKey(3), fakeKey(4)], 1_700_000_008_000);
    source.next = { snapshot: now, durationMs: 2, quiet: null };
    const refreshed = p.scanNow();
    await flush();
    expect(source.calls.slice(2)).toEqual(['stopPolling']); // the scan waits for the stopped polls' answer
    source.report({ snapshot: late, durationMs: 2, quiet: null });
    await refreshed;
    expect(seen.slice(1)).toEqual([late, now]);
    expect(source.calls.slice(3)).toEqual(['scanReport', 'pollUntilReport 1000']);
    source.busy = false;
    await p.stop();
  });

  it('answers the last poll’s figures from the source, reported or not', async () => {
    const source = new FakeSelfPollingSource();
    const { p } = poller(source);
    source.last = { takenAt: 5, durationMs: 7, keyCount: 9 };
    expect(p.lastScan).toEqual({ takenAt: 5, durationMs: 7, keyCount: 9 });
  });
});
