// The expiry model against a model of the kernel's printer (proc_keys_show, checked against real keys in
// electron/keyring/expiry.test.ts): every window holds the truth, narrowing only shrinks it, and anything the
// kernel cannot print reads as 'unknown'.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ExpiryTracker,
  expiryAfterTimeoutSet,
  expiryFromColumn,
  firstReadMissing,
  intersectWindows,
  isExact,
  isWindow,
  parseTimeoutColumn,
  sameExpiry,
  type Expiry,
  type ExpiryWindow,
} from './expiry';
import { applyDelta } from './delta';
import { idsThatMayDiffer, recordDerived } from './keyLineage';
import type { KeyInfo, Snapshot } from './snapshot';
import { testKey } from './testing';

/** What proc_keys_show prints for a key expiring at second `expiry` when the kernel's clock reads second `now`. */
function kernelColumn(expiry: number, now: number): string {
  if (now >= expiry) return 'expd';
  const timo = expiry - now;
  if (timo < 60) return `${timo}s`;
  if (timo < 3600) return `${Math.floor(timo / 60)}m`;
  if (timo < 86400) return `${Math.floor(timo / 3600)}h`;
  if (timo < 604800) return `${Math.floor(timo / 86400)}d`;
  return `${Math.floor(timo / 604800)}w`;
}

function asWindow(expiry: Expiry | undefined): ExpiryWindow {
  if (!isWindow(expiry)) throw new Error(`expected an expiry window, got ${JSON.stringify(expiry)}`);
  return expiry;
}

function holds(expiry: Expiry, trueSecond: number): boolean {
  return isWindow(expiry) && expiry.from <= trueSecond * 1000 && trueSecond * 1000 <= expiry.to;
}

const T0 = 1_767_268_800; // 2026-01-01T12:00:00Z, in seconds

describe('the timeout column', () => {
  it.each([
    ['perm', { kind: 'perm' }],
    ['expd', { kind: 'expired' }],
    ['1s', { kind: 'left', count: 1, unit: 's' }],
    ['59s', { kind: 'left', count: 59, unit: 's' }],
    ['1m', { kind: 'left', count: 1, unit: 'm' }],
    ['23h', { kind: 'left', count: 23, unit: 'h' }],
    ['6d', { kind: 'left', count: 6, unit: 'd' }],
    ['7101w', { kind: 'left', count: 7101, unit: 'w' }],
  ])('reads %s', (column, want) => {
    expect(parseTimeoutColumn(column)).toEqual(want);
  });

  // The kernel never prints these: `0s` is `expd`, 60 minutes are `1h`, 24 hours `1d`, 7 days `1w`.
  it.each(['0s', '60s', '60m', '24h', '7d', '0w', '01m', '1x', '', 'h', '12', ' 5m', '5m ', '-1s', '1.5h', 'PERM', '1234567890123456w'])(
    'gives an unknown expiry, never a wrong one, for %j',
    (column) => {
      expect(parseTimeoutColumn(column)).toBeNull();
      expect(expiryFromColumn(column, T0 * 1000, T0 * 1000)).toBe('unknown');
    },
  );

  it('reads any string without throwing: null only for perm, otherwise a window or unknown', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^\d{1,17}[smhdwx]?$/)), (column) => {
        const expiry = expiryFromColumn(column, T0 * 1000, T0 * 1000 + 300);
        if (column === 'perm') expect(expiry).toBeNull();
        else expect(expiry === 'unknown' || (isWindow(expiry) && expiry.from <= expiry.to)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives a window holding the true expiry for every column the kernel prints, at most one unit wide', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 * 604800 }),
        fc.integer({ min: 0, max: 999 }),
        fc.integer({ min: 0, max: 2500 }),
        (left, startMs, readMs) => {
          // The read starts at startMs into second T0 and takes readMs; the kernel prints at some second in between.
          const readStartedAt = T0 * 1000 + startMs;
          const readAt = readStartedAt + readMs;
          for (const printedAt of [Math.floor(readStartedAt / 1000), Math.floor(readAt / 1000)]) {
            const expiry = printedAt + left;
            const column = kernelColumn(expiry, printedAt);
            const window = expiryFromColumn(column, readStartedAt, readAt);
            expect(holds(window, expiry)).toBe(true);
            const { from, to } = asWindow(window);
            const unit = left < 60 ? 1 : left < 3600 ? 60 : left < 86400 ? 3600 : left < 604800 ? 86400 : 604800;
            // Widened by the seconds the read spanned (and the kernel clock's slack).
            const spanned = Math.floor(readAt / 1000) - Math.floor((readStartedAt - 50) / 1000);
            expect(to - from).toBe((unit - 1 + spanned) * 1000);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('reads an expired key as "at or before the read"', () => {
    expect(expiryFromColumn('expd', T0 * 1000 + 100, T0 * 1000 + 900)).toEqual({ from: 0, to: T0 * 1000 });
  });

  it('knows a timeout set within one second exactly', () => {
    const set = expiryAfterTimeoutSet(3600, T0 * 1000 + 200, T0 * 1000 + 201);
    // Exact, and true until someone else resets the timeout: it says since when it assumes none did.
    expect(set).toEqual({ from: (T0 + 3600) * 1000, to: (T0 + 3600) * 1000, since: T0 * 1000 + 200 });
    expect(isExact(set)).toBe(true);
    // A call that straddles a second: either second.
    expect(expiryAfterTimeoutSet(60, T0 * 1000 + 999, T0 * 1000 + 1001)).toEqual({ from: (T0 + 60) * 1000, to: (T0 + 61) * 1000, since: T0 * 1000 + 999 });
    expect(expiryAfterTimeoutSet(0, T0 * 1000, T0 * 1000)).toBeNull();
  });
});

/** Polls a simulated kernel: a key expiring at `expiry` (s), read every `steps` ms; yields what the tracker shows. */
function poll(tracker: ExpiryTracker, expiry: number, at: number): { expiry: Expiry; column: string } {
  const column = kernelColumn(expiry, Math.floor(at / 1000));
  const key = testKey(1, { timeout: column, expiry: expiryFromColumn(column, at - 20, at) });
  const [shown] = tracker.narrow([key]);
  return { expiry: shown!.expiry, column };
}

describe('ExpiryTracker', () => {
  it('pins the expiry to the second when the hour rolls over (9h → 8h)', () => {
    const tracker = new ExpiryTracker();
    const expiry = T0 + 9 * 3600 + 30; // 9h 0m 30s left at T0
    let at = T0 * 1000 + 500;
    const first = poll(tracker, expiry, at);
    expect(first.column).toBe('9h');
    expect(first.expiry).toEqual({ from: (T0 + 9 * 3600) * 1000, to: (T0 + 10 * 3600 - 1) * 1000, since: T0 * 1000 });
    // Polls every second while the column says 9h: the window shown does not move (nothing new is learnt).
    for (let i = 0; i < 30; i++) {
      at += 1000;
      const seen = poll(tracker, expiry, at);
      expect(seen.column).toBe('9h');
      expect(seen.expiry).toEqual(first.expiry);
    }
    at += 1000;
    const rolled = poll(tracker, expiry, at);
    expect(rolled.column).toBe('8h');
    // Pinned by readings since the first: true only if nobody reset the timeout since that one was printed.
    expect(rolled.expiry).toEqual({ from: expiry * 1000, to: expiry * 1000, since: T0 * 1000 });
  });

  it('says what a narrowed window assumes: a reset that leaves the column as it was is not seen', () => {
    const tracker = new ExpiryTracker();
    const expiry = T0 + 120; // `2m`, then `1m` a second later: pinned to the second
    poll(tracker, expiry, T0 * 1000 + 500);
    const pinned = poll(tracker, expiry, T0 * 1000 + 1500);
    expect(pinned.column).toBe('1m');
    // keyctl timeout 100 at T0 + 2: `1m` still, and the window it reads holds the old expiry too.
    const reset = T0 + 2 + 100;
    const after = poll(tracker, reset, T0 * 1000 + 2500);
    expect(after.column).toBe('1m');
    const shown = after.expiry as ExpiryWindow;
    expect(shown.from).toBe(expiry * 1000); // wrong by 18 s, but only as the condition it states:
    expect(shown.since).toBeLessThanOrEqual(T0 * 1000 + 2000);
  });

  it('always holds the truth, only ever narrows while the timeout stands, and publishes only when it learns', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 3 * 604800 }),
        fc.array(fc.integer({ min: 1, max: 120_000 }), { minLength: 1, maxLength: 80 }),
        (left, steps) => {
          const tracker = new ExpiryTracker();
          const expiry = T0 + left;
          let at = T0 * 1000 + 500;
          let shown: ExpiryWindow | null = null;
          let column = '';
          for (const step of steps) {
            const seen = poll(tracker, expiry, at);
            const window = asWindow(seen.expiry);
            if (seen.column !== 'expd' || shown !== null) expect(holds(window, expiry)).toBe(true);
            else expect(window.to).toBeGreaterThanOrEqual(expiry * 1000);
            if (shown !== null) {
              expect(window.from).toBeGreaterThanOrEqual(shown.from);
              expect(window.to).toBeLessThanOrEqual(shown.to);
              if (seen.column === column) expect(window).toEqual(shown);
            }
            shown = window;
            column = seen.column;
            at += step;
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('holds the truth whatever resets come between polls, or names a moment before the reset as its condition', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 3 * 604800 }),
        // Each poll: the ms to the next, and a new timeout someone else set halfway there (0: none).
        fc.array(fc.tuple(fc.integer({ min: 1, max: 120_000 }), fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 * 604800 }))), { minLength: 1, maxLength: 80 }),
        (left, steps) => {
          const tracker = new ExpiryTracker();
          let expiry = T0 + left;
          let at = T0 * 1000 + 500;
          let lastReset = -Infinity;
          for (const [step, reset] of steps) {
            const seen = poll(tracker, expiry, at);
            if (seen.column !== 'expd') {
              const window = asWindow(seen.expiry);
              if (window.since === undefined) expect(holds(window, expiry)).toBe(true);
              else if (!holds(window, expiry)) expect(window.since).toBeLessThanOrEqual(lastReset);
            }
            if (reset > 0) {
              lastReset = at + step / 2;
              expiry = Math.floor(lastReset / 1000) + reset;
            }
            at += step;
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('knows a timeout this app set, and starts over when someone else changes it', () => {
    const tracker = new ExpiryTracker();
    const set = expiryAfterTimeoutSet(7200, T0 * 1000 + 100, T0 * 1000 + 110);
    tracker.timeoutSet(1, set);
    const expiry = T0 + 7200;
    expect(poll(tracker, expiry, T0 * 1000 + 400).expiry).toEqual(set);
    expect(poll(tracker, expiry, T0 * 1000 + 1400).expiry).toEqual(set);
    // Another process sets 3 days: the reading contradicts the exact window, so it wins.
    const renewed = T0 + 2 + 3 * 86400;
    const after = poll(tracker, renewed, T0 * 1000 + 2400);
    expect(after.column).toBe('3d'); // exactly 3 days left in the second it was set
    expect(holds(after.expiry, renewed)).toBe(true);
    expect(isExact(after.expiry)).toBe(false);
  });

  it('forgets keys that are gone and keys without a timer', () => {
    const tracker = new ExpiryTracker();
    poll(tracker, T0 + 100, T0 * 1000);
    tracker.narrow([]);
    // A new key under the same serial starts from its own reading.
    const seen = poll(tracker, T0 + 5000, T0 * 1000 + 1000);
    expect(seen.expiry).toEqual({ ...asWindow(expiryFromColumn('1h', T0 * 1000 + 980, T0 * 1000 + 1000)), since: T0 * 1000 });
    const perm = testKey(1, { timeout: 'perm', expiry: null });
    expect(tracker.narrow([perm])[0]!.expiry).toBeNull();
  });

  it('intersects windows, or says they contradict', () => {
    expect(intersectWindows({ from: 1, to: 5 }, { from: 3, to: 9 })).toEqual({ from: 3, to: 5 });
    expect(intersectWindows({ from: 1, to: 2 }, { from: 3, to: 9 })).toBeNull();
  });
});

describe('ExpiryTracker.narrow leaves the keys it is given alone', () => {
  it('returns the same array when no key has a timer, else a copy holding copies of the keys with one', () => {
    const tracker = new ExpiryTracker();
    const other = testKey(2);
    const untimed = [testKey(1), other];
    expect(tracker.narrow(untimed)).toBe(untimed);
    const wide = testKey(1, { timeout: '9h', expiry: { from: T0 * 1000 + 9 * 3600_000, to: T0 * 1000 + 10 * 3600_000 - 1000 } });
    const first = [wide, other];
    const shownFirst = tracker.narrow(first);
    expect(shownFirst).not.toBe(first);
    // A reading shown live is shown after it was read: it says since when it assumes no reset.
    expect(shownFirst[0]!.expiry).toEqual({ ...(wide.expiry as ExpiryWindow), since: T0 * 1000 });
    const tighter = testKey(1, { timeout: '9h', expiry: { from: T0 * 1000 + 9 * 3600_000 + 1000, to: T0 * 1000 + 10 * 3600_000 } });
    const second = [tighter, other];
    const shown = tracker.narrow(second);
    expect(shown).not.toBe(second);
    expect(shown[0]!.expiry).toEqual(shownFirst[0]!.expiry); // the column did not roll over: still the first window
    expect(tighter.expiry).toEqual({ from: T0 * 1000 + 9 * 3600_000 + 1000, to: T0 * 1000 + 10 * 3600_000 });
    expect(wide.expiry).not.toHaveProperty('since');
    expect(shown[1]).toBe(other);
  });
});

describe('ExpiryTracker.narrow on keys made from the last ones (keyLineage.ts)', () => {
  it('gives the last answer back, the same array, when a reading moved only with the clock', () => {
    // An idle poll: the scan reads `9h` again a second later, so the key's window creeps, the delta carries it, and
    // the window shown stays the first one. Nothing shown differs: no array of every key is made again.
    const tracker = new ExpiryTracker();
    const first: Snapshot = {
      takenAt: 0,
      uid: 0,
      gid: 0,
      groups: [],
      anchors: { thread: null, process: null, session: null, user: null, userSession: null, persistent: null },
      keys: [testKey(1), testKey(2, { timeout: '9h', expiry: expiryFromColumn('9h', T0 * 1000, T0 * 1000 + 10) }), testKey(3)],
      quotas: [],
    };
    const shown = tracker.narrow(first.keys);
    const creep = (snap: Snapshot, seconds: number) =>
      applyDelta(snap, { seq: 1, takenAt: 0, added: [], removed: [], changed: [{ id: 2, changes: { expiry: expiryFromColumn('9h', (T0 + seconds) * 1000, (T0 + seconds) * 1000 + 10) } }], linksAdded: [], linksRemoved: [] });
    const second = creep(first, 1);
    const shownAgain = tracker.narrow(second.keys);
    expect(shownAgain).toBe(shown);
    expect(tracker.narrow(creep(second, 2).keys)).toBe(shown);
    // Something else about the key changed (its permissions) with the reading: a new answer, the window still the first.
    const changed = applyDelta(second, { seq: 2, takenAt: 0, added: [], removed: [], changed: [{ id: 2, changes: { perm: 0x3f3f0000, expiry: expiryFromColumn('9h', (T0 + 3) * 1000, (T0 + 3) * 1000 + 10) } }], linksAdded: [], linksRemoved: [] });
    const answer = tracker.narrow(changed.keys);
    expect(answer).not.toBe(shown);
    expect(answer[1]).toMatchObject({ perm: 0x3f3f0000, expiry: shown[1]!.expiry });
    // The last answer is said to hold the keys it was given last: the service's diff of the two looks at a few ids.
    expect(idsThatMayDiffer(shown, answer)).toEqual([first.keys[1]!.id]);
  });

  it('answers as if it had looked at every key, looking only at the keys that changed', () => {
    // Polls of a few keys, each made from the last by a delta (timeouts counting down, keys coming and going): one
    // tracker is given those arrays, another a fresh array of the same keys each time (no lineage: it looks at all).
    const arbStep = fc.record({
      id: fc.integer({ min: 1, max: 6 }),
      left: fc.option(fc.integer({ min: 2, max: 3 * 86400 }), { nil: null }),
      gone: fc.boolean(),
      advance: fc.integer({ min: 1, max: 4000 }),
    });
    fc.assert(
      fc.property(fc.array(fc.array(arbStep, { maxLength: 3 }), { minLength: 1, maxLength: 30 }), (polls) => {
        const lineaged = new ExpiryTracker();
        const fresh = new ExpiryTracker();
        const deadline = new Map<number, number | null>();
        let snapshot: Snapshot = { takenAt: 0, uid: 0, gid: 0, groups: [], anchors: { thread: null, process: null, session: null, user: null, userSession: null, persistent: null }, keys: [], quotas: [] };
        let at = T0 * 1000 + 300;
        const reading = (id: number): KeyInfo => {
          const expiry = deadline.get(id) ?? null;
          const column = expiry === null ? 'perm' : kernelColumn(expiry, Math.floor(at / 1000));
          return testKey(id, { timeout: column, expiry: expiry === null ? null : expiryFromColumn(column, at - 20, at) });
        };
        for (const steps of polls) {
          at += steps.reduce((sum, s) => sum + s.advance, 0);
          const added: KeyInfo[] = [];
          const removed: number[] = [];
          for (const s of steps) {
            if (s.gone) {
              deadline.delete(s.id);
              removed.push(s.id);
            } else {
              deadline.set(s.id, s.left === null ? null : Math.floor(at / 1000) + s.left);
            }
          }
          // Every key with a timer is read again, and is a new object only where its reading differs (as a quiet poll
          // makes them: shared/delta.ts keyChanges); the steps' keys change or come.
          const changed = snapshot.keys
            .filter((k) => deadline.has(k.id) && !steps.some((s) => s.id === k.id))
            .map((k) => ({ k, now: reading(k.id) }))
            .filter(({ k, now }) => now.timeout !== k.timeout || !sameExpiry(now.expiry, k.expiry))
            .map(({ k, now }) => ({ id: k.id, changes: { timeout: now.timeout, expiry: now.expiry } }));
          for (const id of new Set(steps.filter((s) => !s.gone).map((s) => s.id))) added.push(reading(id));
          const removing = removed.filter((id) => !added.some((k) => k.id === id));
          snapshot = applyDelta(snapshot, { seq: 1, takenAt: at, added, removed: [...removing, ...added.map((k) => k.id)], changed, linksAdded: [], linksRemoved: [] });
          expect(lineaged.narrow(snapshot.keys)).toEqual(fresh.narrow([...snapshot.keys]));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('ExpiryTracker.narrow given the read times (a quiet poll keeps an unchanged record and its window)', () => {
  it('shows what it shows when every poll carries its own reading, timeouts set anew included', () => {
    // Keys counting down, some given a new timeout by another process now and then (a contradiction, or one the
    // column hides). `fresh` is given each poll's reading of every key (as before); `quiet` keys as a quiet poll
    // leaves them: a key whose column is as it was stays the same object with the window it was first read with, the
    // array the same one when no column changed, and the read's times beside them.
    const arbPoll = fc.record({
      advance: fc.integer({ min: 1, max: 90_000 }),
      reset: fc.option(fc.record({ id: fc.integer({ min: 1, max: 4 }), left: fc.integer({ min: 2, max: 2 * 86400 }) }), { nil: null }),
    });
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 2, max: 2 * 86400 }), { minLength: 1, maxLength: 4 }),
        fc.array(arbPoll, { minLength: 1, maxLength: 60 }),
        (lefts, polls) => {
          const fresh = new ExpiryTracker();
          const quiet = new ExpiryTracker();
          let at = T0 * 1000 + 300;
          const deadline = new Map(lefts.map((left, i) => [i + 1, T0 + left]));
          const reading = (id: number): KeyInfo => {
            const column = kernelColumn(deadline.get(id) as number, Math.floor(at / 1000));
            return testKey(id, { timeout: column, expiry: expiryFromColumn(column, at - 20, at) });
          };
          let kept: KeyInfo[] = [...deadline.keys()].map(reading);
          expect(quiet.narrow(kept, { startedAt: at - 20, endedAt: at })).toEqual(fresh.narrow([...kept]));
          for (const poll of polls) {
            at += poll.advance;
            if (poll.reset !== null && deadline.has(poll.reset.id)) deadline.set(poll.reset.id, Math.floor(at / 1000) - 1 + poll.reset.left);
            const now = [...deadline.keys()].map(reading);
            const replaced = now.filter((k, i) => k.timeout !== kept[i]!.timeout).map((k) => k.id);
            if (replaced.length > 0) {
              const next = kept.map((k, i) => (replaced.includes(k.id) ? now[i]! : k));
              recordDerived(next, kept, replaced);
              kept = next;
            }
            const shown = quiet.narrow(kept, { startedAt: at - 20, endedAt: at });
            expect(shown.map((k) => k.expiry)).toEqual(fresh.narrow(now).map((k) => k.expiry));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('needs only the polls that changed a column or started at firstContradictingRead, each after the last poll before it', () => {
    // The scan thread polls on its own timer and wakes the main thread only for a poll that changed a record or started
    // at or after firstContradictingRead() (scanWorker.ts watch); the poll before a woken one, if it was kept back,
    // comes first with its own start (PollReport.quiet; the service reads it as ending when it arrives). `every` is
    // given every poll: `sparse` must show what it shows at every woken poll, and a poll kept back must be one that
    // would have shown nothing new.
    // Short timeouts and steps too: a reset that keeps the column and a rollover that then fails to come (a
    // contradiction on a poll that changed no record) needs a few minutes of polls after a pinned window.
    const arbLeft = fc.oneof(fc.integer({ min: 2, max: 400 }), fc.integer({ min: 2, max: 2 * 86400 }));
    const arbPoll = fc.record({
      advance: fc.oneof(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 90_000 })),
      reset: fc.option(fc.record({ id: fc.integer({ min: 1, max: 4 }), left: arbLeft }), { nil: null }),
    });
    fc.assert(
      fc.property(
        fc.array(arbLeft, { minLength: 1, maxLength: 4 }),
        fc.array(arbPoll, { minLength: 1, maxLength: 120 }),
        (lefts, polls) => {
          const every = new ExpiryTracker();
          const sparse = new ExpiryTracker();
          let at = T0 * 1000 + 300;
          const deadline = new Map(lefts.map((left, i) => [i + 1, T0 + left]));
          const reading = (id: number): KeyInfo => {
            const column = kernelColumn(deadline.get(id) as number, Math.floor(at / 1000));
            return testKey(id, { timeout: column, expiry: expiryFromColumn(column, at - 20, at) });
          };
          let kept: KeyInfo[] = [...deadline.keys()].map(reading);
          let shown = sparse.narrow(kept, { startedAt: at - 20, endedAt: at });
          expect(shown).toEqual(every.narrow(kept, { startedAt: at - 20, endedAt: at }));
          let keptBack: number | null = null;
          for (const poll of polls) {
            at += poll.advance;
            if (poll.reset !== null && deadline.has(poll.reset.id)) deadline.set(poll.reset.id, Math.floor(at / 1000) - 1 + poll.reset.left);
            const now = [...deadline.keys()].map(reading);
            const before = kept;
            const replaced = now.filter((k, i) => k.timeout !== kept[i]!.timeout).map((k) => k.id);
            if (replaced.length > 0) {
              const next = kept.map((k, i) => (replaced.includes(k.id) ? now[i]! : k));
              recordDerived(next, kept, replaced);
              kept = next;
            }
            const everyShows = every.narrow(kept, { startedAt: at - 20, endedAt: at }).map((k) => k.expiry);
            if (replaced.length === 0 && at - 20 < sparse.firstContradictingRead()) {
              expect(everyShows).toEqual(shown.map((k) => k.expiry));
              keptBack = at - 20;
              continue;
            }
            if (keptBack !== null) sparse.narrow(before, { startedAt: keptBack, endedAt: at });
            keptBack = null;
            shown = sparse.narrow(kept, { startedAt: at - 20, endedAt: at });
            expect(shown.map((k) => k.expiry)).toEqual(everyShows);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('names the first read start whose reading of a column misses a window (firstReadMissing)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('1s', '59s', '1m', '30m', '59m', '1h', '23h', '1d', '6d', '1w', '3w', 'expd'),
        fc.integer({ min: 0, max: 3 * 86400 }),
        fc.integer({ min: 0, max: 2 * 604_800 }),
        fc.integer({ min: -2 * 604_800_000, max: 4 * 604_800_000 }),
        fc.integer({ min: 0, max: 5000 }),
        (column, fromOffset, width, startOffset, readMs) => {
          const window = { from: (T0 + fromOffset) * 1000, to: (T0 + fromOffset + width) * 1000 };
          const first = firstReadMissing(column, window);
          const startedAt = T0 * 1000 + startOffset;
          const reading = asWindow(expiryFromColumn(column, startedAt, startedAt + readMs));
          // The lower bound alone decides it (a later reading's upper bound only grows, see firstReadMissing).
          expect(reading.from > window.to).toBe(startedAt >= first);
        },
      ),
      { numRuns: 2000 },
    );
    expect(firstReadMissing('perm', { from: 0, to: 1000 })).toBe(Number.NEGATIVE_INFINITY);
    expect(firstReadMissing('junk', { from: 0, to: 1000 })).toBe(Number.NEGATIVE_INFINITY);
  });

  it('gives the last answer back for the same keys while their columns stand, and pins a rollover to the second', () => {
    const tracker = new ExpiryTracker();
    const expiry = T0 + 9 * 3600 + 30;
    let at = T0 * 1000 + 500;
    const read = (): KeyInfo => {
      const column = kernelColumn(expiry, Math.floor(at / 1000));
      return testKey(1, { timeout: column, expiry: expiryFromColumn(column, at - 20, at) });
    };
    const keys = [read(), testKey(2)];
    const first = tracker.narrow(keys, { startedAt: at - 20, endedAt: at });
    for (let i = 0; i < 30; i++) {
      at += 1000;
      expect(tracker.narrow(keys, { startedAt: at - 20, endedAt: at })).toBe(first);
    }
    at += 1000;
    const rolled = [read(), keys[1]!];
    recordDerived(rolled, keys, [1]);
    expect(rolled[0]!.timeout).toBe('8h');
    expect(tracker.narrow(rolled, { startedAt: at - 20, endedAt: at })[0]!.expiry).toMatchObject({ from: expiry * 1000, to: expiry * 1000 });
  });
});
