import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { headOf, keyCount, KeyRows, rowsOf, snapshotOfRows, withHead } from './keyRows';
import type { KeyInfo, Snapshot } from './snapshot';
import { testKey, testSnapshot } from './testing';

/** A line of polls over ids 1..200: each removes some ids and puts keys (new objects, or a base key put back). */
const arbLine = fc.record({
  start: fc.uniqueArray(fc.integer({ min: 1, max: 200 }), { maxLength: 120 }),
  steps: fc.array(
    fc.record({
      remove: fc.uniqueArray(fc.integer({ min: 1, max: 200 }), { maxLength: 12 }),
      put: fc.uniqueArray(fc.integer({ min: 1, max: 200 }), { maxLength: 12 }),
      restore: fc.boolean(),
    }),
    { maxLength: 30 },
  ),
});

describe('KeyRows', () => {
  it('holds what removing and putting key by key holds, the untouched keys themselves, and names every id that differs', () => {
    fc.assert(
      fc.property(arbLine, ({ start, steps }) => {
        const base = [...start].sort((a, b) => a - b).map((id) => testKey(id));
        const original = new Map(base.map((k) => [k.id, k]));
        let model = new Map(original);
        const line: { rows: KeyRows; model: Map<number, KeyInfo> }[] = [{ rows: KeyRows.of(base), model }];
        for (const [n, step] of steps.entries()) {
          // A key put back as the very object the first array held (an overlay entry that goes away), or a new one.
          const put = step.put.map((id) => (step.restore && original.has(id) ? (original.get(id) as KeyInfo) : testKey(id, { usage: n + 2 })));
          const rows = (line[line.length - 1] as { rows: KeyRows }).rows.with(put, step.remove);
          model = new Map(model);
          for (const id of step.remove) model.delete(id);
          for (const k of put) model.set(k.id, k);
          line.push({ rows, model });
        }
        for (const { rows, model: m } of line) {
          const expected = [...m.values()].sort((a, b) => a.id - b.id);
          expect(rows.length).toBe(expected.length);
          const array = rows.array();
          expect(array.length).toBe(expected.length);
          array.forEach((k, i) => expect(k).toBe(expected[i]));
          expect(rows.array()).toBe(array);
          const wrong: number[] = [];
          for (let id = 1; id <= 200; id++) if (rows.get(id) !== m.get(id)) wrong.push(id);
          expect(wrong).toEqual([]);
        }
        // Any two of the line: the ids named cover every id whose key differs.
        for (const a of line) {
          for (const b of line) {
            const named = KeyRows.idsThatMayDiffer(a.rows, b.rows);
            expect(named).not.toBeNull();
            const set = new Set(named);
            const missed: number[] = [];
            for (let id = 1; id <= 200; id++) if (a.model.get(id) !== b.model.get(id) && !set.has(id)) missed.push(id);
            expect(missed).toEqual([]);
            expect(named).toEqual([...set].sort((x, y) => x - y));
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('names no id for the same rows, and knows rows of unrelated arrays cannot say', () => {
    const rows = KeyRows.of([testKey(1), testKey(2)]);
    expect(KeyRows.idsThatMayDiffer(rows, rows)).toEqual([]);
    expect(KeyRows.of(rows.base)).toBe(rows);
    expect(KeyRows.idsThatMayDiffer(rows, KeyRows.of([testKey(1), testKey(2)]))).toBeNull();
  });
});

describe('snapshotOfRows', () => {
  it('reads as the snapshot of its array, and keeps its rows through a new head without making the array', () => {
    const snapshot: Snapshot = testSnapshot([testKey(3), testKey(5)]);
    const rows = KeyRows.of(snapshot.keys).with([testKey(4)], [3]);
    const lazy = snapshotOfRows(headOf(snapshot), rows);
    expect(rowsOf(lazy)).toBe(rows);
    expect(keyCount(lazy)).toBe(2);
    const later = withHead(lazy, { takenAt: 7 });
    expect(rowsOf(later)).toBe(rows);
    expect(later.takenAt).toBe(7);
    expect(JSON.parse(JSON.stringify(lazy))).toEqual(JSON.parse(JSON.stringify({ ...snapshot, keys: [testKey(4), testKey(5)] })));
    expect(lazy.keys.map((k) => k.id)).toEqual([4, 5]);
    expect(rowsOf(snapshot)).toBe(KeyRows.of(snapshot.keys));
  });
});
