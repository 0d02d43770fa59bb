import { beforeEach, describe, expect, it } from 'vitest';
import type { SnapshotDelta, VersionedSnapshot } from '../../../shared/api';
import { testKey, testSnapshot } from '../../../shared/testing';
import { initialKbState, useKb } from '../store';
import { replayTimeline, seekReplay, timeAt } from './replaySeek';

const start: VersionedSnapshot = { seq: 0, snapshot: testSnapshot([testKey(1)]) };
const changes: SnapshotDelta[] = [
  { seq: 1, takenAt: 2000, added: [testKey(2)], removed: [], changed: [], linksAdded: [], linksRemoved: [] },
  { seq: 2, takenAt: 3000, added: [], removed: [2], changed: [], linksAdded: [], linksRemoved: [] },
];

beforeEach(() => {
  useKb.setState(initialKbState(), true);
  useKb.getState().loadSnapshot(start);
});

describe('seekReplay', () => {
  it('forward applies changes as live, backward rebuilds from the start with the log as it read then', () => {
    const timeline = replayTimeline(start, changes);
    expect(seekReplay(useKb.getState, timeline, 1)).toBeNull();
    expect(useKb.getState().keys.has(2)).toBe(true);
    expect(seekReplay(useKb.getState, timeline, 5)).toBeNull();
    expect(useKb.getState().seq).toBe(2);
    expect(useKb.getState().keys.has(2)).toBe(false);
    seekReplay(useKb.getState, timeline, 1);
    expect(useKb.getState().seq).toBe(1);
    expect(useKb.getState().keys.has(2)).toBe(true);
    expect(useKb.getState().log.map((e) => e.kind)).toEqual(['added']);
    seekReplay(useKb.getState, timeline, -3);
    expect(useKb.getState().seq).toBe(0);
    expect(useKb.getState().log).toEqual([]);
    expect(timeAt(start, changes, 0)).toBe(1000);
    expect(timeAt(start, changes, 2)).toBe(3000);
  });

  it('seeks back from a checkpoint: the same keys and log as a replay from the start', () => {
    const many: SnapshotDelta[] = [];
    for (let i = 1; i <= 25; i++) {
      const add = i % 2 === 1;
      many.push({ seq: i, takenAt: 1000 + i * 1000, added: add ? [testKey(100 + i)] : [], removed: add ? [] : [100 + i - 1], changed: [], linksAdded: [], linksRemoved: [] });
    }
    const withPoints = replayTimeline(start, many, 5);
    const withoutPoints = replayTimeline(start, many, Infinity);
    const readAt = (timeline: ReturnType<typeof replayTimeline>, from: number, to: number) => {
      useKb.setState(initialKbState(), true);
      useKb.getState().loadSnapshot(start);
      seekReplay(useKb.getState, timeline, from);
      seekReplay(useKb.getState, timeline, to);
      const s = useKb.getState();
      return { seq: s.seq, keys: [...s.keys.keys()], log: s.log.map((e) => [e.kind, e.keyId, e.at]), takenAt: s.meta?.takenAt, flashing: [...s.highlights.values()].filter((h) => h.at > 0).length };
    };
    for (const to of [0, 4, 5, 12, 24]) expect(readAt(withPoints, 25, to)).toEqual(readAt(withoutPoints, 25, to));
    expect(withPoints.checkpoints.size).toBe(5);
  });
});
