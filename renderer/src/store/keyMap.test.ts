import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SnapshotDelta } from '../../../shared/api';
import { applyDeltaToMap } from '../../../shared/delta';
import type { KeyInfo } from '../../../shared/snapshot';
import { testKey } from '../../../shared/testing';
import { applyDeltaToKeys, applyKeyEdits, keyMapDifference } from './keyMap';

/** Everything a reader of the map can observe: entries in iteration order, size, and each lookup. */
function observed(map: ReadonlyMap<number, KeyInfo>, ids: readonly number[]) {
  const forEachOrder: number[] = [];
  map.forEach((_, id) => forEachOrder.push(id));
  return {
    entries: [...map.entries()],
    keys: [...map.keys()],
    values: [...map.values()],
    spread: [...map],
    forEachOrder,
    size: map.size,
    got: ids.map((id) => [map.get(id), map.has(id)]),
  };
}

// Ids from a small range, so that deltas remove, re-add and change the same keys often.
const arbId = fc.integer({ min: 1, max: 40 });
const arbKey = (id: number, n: number): KeyInfo => testKey(id, { usage: n, description: `k${id}.${n}` });
const arbDelta = (seq: number): fc.Arbitrary<SnapshotDelta> =>
  fc
    .record({
      removed: fc.array(arbId, { maxLength: 4 }),
      added: fc.array(fc.tuple(arbId, fc.nat(9)), { maxLength: 4 }),
      changed: fc.array(fc.tuple(arbId, fc.nat(9)), { maxLength: 6 }),
    })
    .map(({ removed, added, changed }) => ({
      seq,
      takenAt: seq,
      removed,
      added: added.map(([id, n]) => arbKey(id, n)),
      // Some changes state a payload length, some say it is no longer stated (null: the field goes).
      changed: changed.map(([id, n]) => ({ id, changes: { usage: 100 + n, ...(n % 3 === 0 ? {} : { payloadLength: n % 3 === 1 ? n : null }) } })),
      linksAdded: [],
      linksRemoved: [],
    }));
// A layered map is at most one layer per delta (60): each lookup and walk of a case is bounded by 60 × 42 ids.
const arbDeltas = fc.array(fc.nat(), { maxLength: 60 }).chain((xs) => fc.tuple(...xs.map((_, i) => arbDelta(i + 1))));
const arbStart = fc.uniqueArray(arbId, { maxLength: 30 }).map((ids) => new Map(ids.map((id) => [id, arbKey(id, 0)])));
const ALL_IDS = Array.from({ length: 42 }, (_, i) => i);

describe('applyDeltaToKeys (the store’s layered key map)', () => {
  it('gives what applyDeltaToMap gives, delta after delta: the same entries in the same order, sizes and lookups', () => {
    fc.assert(
      // Some runs flatten the overlay after a handful of entries, others (256) never: both paths are checked.
      fc.property(arbStart, arbDeltas, fc.constantFrom(0, 1, 3, 8, 256), (start, deltas, minFlatten) => {
        let plain: ReadonlyMap<number, KeyInfo> = start;
        let layered: ReadonlyMap<number, KeyInfo> = start;
        for (const d of deltas) {
          const a = applyDeltaToMap(plain, d);
          const b = applyDeltaToKeys(layered, d, minFlatten);
          expect(b.unknown).toEqual(a.unknown);
          // The store drops a delta with unknown changes: so do both sides here.
          if (a.unknown.length) continue;
          plain = a.keys;
          layered = b.keys;
          expect(observed(layered, ALL_IDS)).toEqual(observed(plain, ALL_IDS));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('leaves every map it was given as it was', () => {
    fc.assert(
      fc.property(arbStart, arbDeltas, fc.constantFrom(0, 3, 256), (start, deltas, minFlatten) => {
        const history: { map: ReadonlyMap<number, KeyInfo>; seen: ReturnType<typeof observed> }[] = [];
        let keys: ReadonlyMap<number, KeyInfo> = start;
        for (const d of deltas) {
          history.push({ map: keys, seen: observed(keys, ALL_IDS) });
          const next = applyDeltaToKeys(keys, d, minFlatten);
          if (!next.unknown.length) keys = next.keys;
        }
        for (const h of history) expect(observed(h.map, ALL_IDS)).toEqual(h.seen);
      }),
      { numRuns: 200 },
    );
  });

  it('keyMapDifference lists every id whose entry differs between two maps of one history', () => {
    fc.assert(
      fc.property(arbStart, arbDeltas, fc.constantFrom(3, 256), fc.nat(), fc.nat(), (start, deltas, minFlatten, i, j) => {
        const maps: ReadonlyMap<number, KeyInfo>[] = [start];
        for (const d of deltas) {
          const next = applyDeltaToKeys(maps[maps.length - 1]!, d, minFlatten);
          if (!next.unknown.length) maps.push(next.keys);
        }
        const a = maps[i % maps.length]!;
        const b = maps[j % maps.length]!;
        // null ("compare everything") is always a safe answer; a list must hold every id that differs.
        const listed = new Set(keyMapDifference(a, b) ?? ALL_IDS);
        for (const id of ALL_IDS) if (!listed.has(id)) expect(b.get(id)).toBe(a.get(id));
      }),
      { numRuns: 300 },
    );
  });

  it('flattens into a plain map once the overlay outgrows its share, and a map it did not touch stays the same', () => {
    const start = new Map(Array.from({ length: 5000 }, (_, i) => [i, arbKey(i, 0)] as const));
    expect(applyKeyEdits(start, () => {})).toBe(start);
    let keys: ReadonlyMap<number, KeyInfo> = start;
    for (let i = 0; i < 313; i++) keys = applyKeyEdits(keys, (d) => d.set(i, arbKey(i, 1)));
    // 313 entries changed of 5000: past max(256, 5000 / 16), so the map is a plain Map again, with no overlay.
    expect(keys).toBeInstanceOf(Map);
    expect(keyMapDifference(start, keys)).toBeNull();
    expect([...keys.keys()]).toEqual([...start.keys()]);
    expect(keys.get(312)?.usage).toBe(1);
    expect(keys.get(313)?.usage).toBe(0);
  });
});
