// procKeysChanges: what changed between two /proc/keys reads, line by line on the bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { procKeysChanges } from './procKeysChanges';

const line = (serial: number, usage: number, rest = 'desc'): string =>
  `${serial.toString(16).padStart(8, '0')} I--Q---  ${String(usage).padStart(4)} perm 3f010000     0     0 user      ${rest}\n`;
const text = (records: [number, number][]): string => records.map(([s, u]) => line(s, u)).join('');
const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('procKeysChanges', () => {
  it('finds nothing in identical reads', () => {
    const t = bytes(text([[1, 1], [2, 1], [3, 1]]));
    expect(procKeysChanges(t, Buffer.from(t))).toEqual({ text: '', removed: [] });
  });

  it('returns changed and added records in serial order, and the serials removed', () => {
    const before = bytes(text([[0x10, 1], [0x20, 1], [0x30, 1], [0x40, 1]]));
    const after = bytes(text([[0x10, 1], [0x20, 2], [0x25, 1], [0x40, 1], [0x50, 1]]));
    expect(procKeysChanges(before, after)).toEqual({ text: line(0x20, 2) + line(0x25, 1) + line(0x50, 1), removed: [0x30] });
  });

  it('sees a change that keeps the length, and one at the very start or end', () => {
    const before = bytes(text([[1, 1], [2, 1], [3, 1]]));
    expect(procKeysChanges(before, bytes(text([[1, 2], [2, 1], [3, 1]])))?.text).toBe(line(1, 2));
    expect(procKeysChanges(before, bytes(text([[1, 1], [2, 1], [3, 9]])))?.text).toBe(line(3, 9));
    expect(procKeysChanges(before, bytes(text([[1, 1], [2, 1]])))).toEqual({ text: '', removed: [3] });
    expect(procKeysChanges(bytes(''), before)?.text).toBe(before.toString());
  });

  it('takes a description holding newlines as part of its record', () => {
    const before = bytes(line(1, 1) + line(2, 1, 'two\nlines') + line(3, 1, 'three\nmore\nlines') + line(4, 1));
    expect(procKeysChanges(before, bytes(line(1, 1) + line(2, 2, 'two\nlines') + line(3, 1, 'three\nmore\nlines') + line(4, 1)))?.text).toBe(line(2, 2, 'two\nlines'));
    expect(procKeysChanges(before, bytes(line(1, 1) + line(2, 1, 'two\nlines') + line(3, 1, 'three\nmore\nlines') + line(4, 2)))?.text).toBe(line(4, 2));
    expect(procKeysChanges(before, bytes(line(1, 1) + line(2, 1, 'two\nlines') + line(3, 1, 'three\nmore\nLINES') + line(4, 1)))?.text).toBe(
      line(3, 1, 'three\nmore\nLINES'),
    );
    expect(procKeysChanges(before, bytes(line(1, 1) + line(3, 1, 'three\nmore\nlines') + line(4, 1)))).toEqual({ text: '', removed: [2] });
  });

  it('gives up on what it cannot pair: serials out of order, a cut-off line', () => {
    const before = bytes(text([[1, 1], [2, 1]]));
    expect(procKeysChanges(before, bytes(line(2, 1) + line(1, 1) + line(3, 1)))).toBeNull();
    expect(procKeysChanges(before, bytes(text([[1, 1], [2, 1]]) + '00000003 I--Q'))).toBeNull();
  });

  it('applied to the first read, gives the second (random reads)', () => {
    const records = fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 3 }), fc.constantFrom('desc', 'two\nlines', 'a\nb\nc')), {
      selector: ([s]) => s,
      maxLength: 60,
    });
    fc.assert(
      fc.property(records, records, (a, b) => {
        const sorted = (r: [number, number, string][]) => [...r].sort((x, y) => x[0] - y[0]);
        const [ra, rb] = [sorted(a), sorted(b)];
        const joined = (r: [number, number, string][]) => r.map(([s, u, d]) => line(s, u, d)).join('');
        const changes = procKeysChanges(bytes(joined(ra)), bytes(joined(rb)));
        expect(changes).not.toBeNull();
        const byId = new Map(ra.map(([s, u, d]) => [s, line(s, u, d)]));
        for (const s of changes!.removed) byId.delete(s);
        // Records of the changes: each starts with a serial (descriptions here never start a line with hex).
        for (const r of changes!.text.split(/(?=^[0-9a-f]{8} )/m).filter(Boolean)) byId.set(parseInt(r.slice(0, 8), 16), r);
        expect([...byId.entries()].sort((x, y) => x[0] - y[0]).map(([, l]) => l).join('')).toBe(joined(rb));
      }),
      { numRuns: 300 },
    );
  });

  it('applied to the first read, gives the second (long reads with a few changes: equal stretches passed over)', () => {
    // Thousands of records, most equal: the walk passes over equal stretches a chunk at a time, and a chunk may end
    // anywhere in a record, a continuation line, or the serial of the next one.
    const descriptions = ['desc', 'a much longer description of this key '.repeat(3), 'two\nlines', 'a\nb\nc'];
    const edits = fc.array(fc.tuple(fc.constantFrom('usage', 'remove', 'add', 'description'), fc.nat(), fc.nat()), { maxLength: 8 });
    fc.assert(
      fc.property(fc.integer({ min: 200, max: 3000 }), fc.nat(), edits, (count, seed, changes) => {
        const records = new Map<number, [number, string]>();
        for (let k = 0; k < count; k++) records.set(0x1000 + k * 7, [1 + ((k * seed) % 3), descriptions[(k + seed) % descriptions.length] as string]);
        const joined = (r: Map<number, [number, string]>) =>
          [...r.entries()]
            .sort((x, y) => x[0] - y[0])
            .map(([s, [u, d]]) => line(s, u, d))
            .join('');
        const before = joined(records);
        const after = new Map(records);
        const serials = [...records.keys()];
        for (const [kind, a, b] of changes) {
          const s = serials[a % serials.length] as number;
          if (kind === 'remove') after.delete(s);
          else if (kind === 'add') after.set(s + 1 + (b % 6), [1, descriptions[b % descriptions.length] as string]);
          else if (after.has(s)) {
            const [u, d] = after.get(s) as [number, string];
            after.set(s, kind === 'usage' ? [u + 1 + (b % 9), d] : [u, descriptions[b % descriptions.length] as string]);
          }
        }
        const changed = procKeysChanges(bytes(before), bytes(joined(after)));
        expect(changed).not.toBeNull();
        const byId = new Map([...records.entries()].map(([s, [u, d]]) => [s, line(s, u, d)]));
        for (const s of changed!.removed) byId.delete(s);
        for (const r of changed!.text.split(/(?=^[0-9a-f]{8} )/m).filter(Boolean)) byId.set(parseInt(r.slice(0, 8), 16), r);
        expect([...byId.entries()].sort((x, y) => x[0] - y[0]).map(([, l]) => l).join('')).toBe(joined(after));
        // Only what changed is sent: every record in the text differs from the first read's.
        for (const r of changed!.text.split(/(?=^[0-9a-f]{8} )/m).filter(Boolean)) expect(before.includes(r)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
