import { beforeEach, describe, expect, it } from 'vitest';
import type { SnapshotDelta, VersionedSnapshot } from '../../../shared/api';
import { testKey, testSnapshot } from '../../../shared/testing';
import { initialKbState, useKb } from '../store';
import { seekReplay, timeAt } from './replaySeek';

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
    expect(seekReplay(useKb.getState, start, changes, 1)).toBeNull();
    expect(useKb.getState().keys.has(2)).toBe(true);
    expect(seekReplay(useKb.getState, start, changes, 5)).toBeNull();
    expect(useKb.getState().seq).toBe(2);
    expect(useKb.getState().keys.has(2)).toBe(false);
    seekReplay(useKb.getState, start, changes, 1);
    expect(useKb.getState().seq).toBe(1);
    expect(useKb.getState().keys.has(2)).toBe(true);
    expect(useKb.getState().log.map((e) => e.kind)).toEqual(['added']);
    seekReplay(useKb.getState, start, changes, -3);
    expect(useKb.getState().seq).toBe(0);
    expect(useKb.getState().log).toEqual([]);
    expect(timeAt(start, changes, 0)).toBe(1000);
    expect(timeAt(start, changes, 2)).toBe(3000);
  });
});
