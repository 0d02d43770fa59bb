// Seeking with checkpoints: every position reads what replaying from the start gives, backward seeks
// restart from the nearest checkpoint at or before the target (never from the start once one is kept),
// and the number kept stays bounded.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkpointInterval, MAX_CHECKPOINT_KEYS, MAX_CHECKPOINTS, MIN_CHECKPOINT_EVERY, ReplayCheckpoints, type ReplayCursor } from './replayCheckpoints';

/** A replay whose state is the list of changes applied; it counts the changes it applies. */
function listCursor() {
  let state: number[] | null = null;
  const log = { applied: 0, restored: [] as (number | null)[] };
  const cursor: ReplayCursor<number[]> = {
    position: () => (state === null ? -1 : state.length),
    restore(s) {
      log.restored.push(s === null ? null : s.length);
      state = s ?? [];
    },
    apply(from, to) {
      if (state === null || state.length !== from) return `applying from ${from} at ${state?.length}`;
      const next = [...state];
      for (let i = from; i < to; i++) next.push(i);
      log.applied += to - from;
      state = next;
      return null;
    },
    capture: () => state!,
  };
  return { cursor, log, state: () => state };
}

describe('ReplayCheckpoints', () => {
  it('seeks back from the nearest checkpoint, not from the start', () => {
    const points = new ReplayCheckpoints<number[]>(1000, 100);
    const { cursor, log, state } = listCursor();
    expect(points.seek(cursor, 1000)).toBeNull();
    expect(points.size).toBe(10);
    log.applied = 0;
    expect(points.seek(cursor, 999)).toBeNull();
    expect(state()).toEqual([...Array(999).keys()]);
    expect(log.restored.at(-1)).toBe(900);
    expect(log.applied).toBe(99);
    expect(points.seek(cursor, 50)).toBeNull();
    expect(log.restored.at(-1)).toBeNull();
    expect(state()).toHaveLength(50);
  });

  it('without checkpoints (Infinity) replays from the start, as before them', () => {
    const points = new ReplayCheckpoints<number[]>(300, Infinity);
    const { cursor, log } = listCursor();
    points.seek(cursor, 300);
    log.applied = 0;
    points.seek(cursor, 299);
    expect(log.applied).toBe(299);
    expect(points.size).toBe(0);
  });

  it('any sequence of seeks lands where a replay from the start does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 120 }), fc.array(fc.integer({ min: -20, max: 420 }), { maxLength: 30 }), (total, every, targets) => {
        const points = new ReplayCheckpoints<number[]>(total, every);
        const { cursor, state } = listCursor();
        for (const t of targets) {
          expect(points.seek(cursor, t)).toBeNull();
          expect(state()).toEqual([...Array(Math.max(0, Math.min(total, t))).keys()]);
        }
      }),
    );
  });

  it('stops at a change that cannot be applied, with its reason', () => {
    const points = new ReplayCheckpoints<number[]>(10, 5);
    const cursor: ReplayCursor<number[]> = { position: () => 0, restore: () => {}, apply: () => 'change for unknown key 7', capture: () => [] };
    expect(points.seek(cursor, 8)).toBe('change for unknown key 7');
    expect(points.size).toBe(0);
  });

  it('keeps at most MAX_CHECKPOINTS states and MAX_CHECKPOINT_KEYS keys, at least MIN_CHECKPOINT_EVERY changes apart', () => {
    expect(checkpointInterval(10)).toBe(MIN_CHECKPOINT_EVERY);
    for (const total of [0, 600, 3_600, 36_000, 1_000_000]) {
      for (const keys of [0, 10, 10_000, 40_000, 5_000_000]) {
        const points = Math.floor(total / checkpointInterval(total, keys));
        expect(points).toBeLessThanOrEqual(MAX_CHECKPOINTS);
        if (points > 1) expect(points * keys).toBeLessThanOrEqual(MAX_CHECKPOINT_KEYS);
      }
    }
  });
});
