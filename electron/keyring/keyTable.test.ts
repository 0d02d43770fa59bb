// KeyTable (the scan's columns), its RowSet/RowMap, and the parser writing into it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyTable, RowMap, flagMaskOf, FLAG_STRINGS } from './keyTable';
import { descriptionFromRest, nameFromText } from './descriptions';
import { parseProcKeys, parseProcKeysInto } from './procKeys';

const line = (id: number, type: string, rest: string, timeout = 'perm'): string =>
  `${id.toString(16).padStart(8, '0')} I--Q---     1 ${timeout.padStart(4)} 3f010000     0     0 ${type.padEnd(9)} ${rest}\n`;

describe('KeyTable', () => {
  it('finds every serial after growing, in any insertion order, and sorts rows by serial on demand', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 0x7fffffff }), { minLength: 1, maxLength: 3000 }), (ids) => {
        const t = new KeyTable(0);
        for (const id of ids) t.addFields({ id, flags: 'I------', usage: 1, timeout: 'perm', perm: 0, uid: 0, gid: 0, typeCut: 'user', rest: `k${id}` }, 0);
        for (let row = 0; row < ids.length; row++) expect(t.rowOf(ids[row] as number)).toBe(row);
        expect(t.rowOf(0x7fffffff) === -1 || ids.includes(0x7fffffff)).toBe(true);
        const order = [...t.rowsInSerialOrder()].map((row) => t.id[row]);
        expect(order).toEqual([...ids].sort((a, b) => a - b));
      }),
      { numRuns: 40 },
    );
  });

  it('finds the same rows by the index WebAssembly builds for a big table (serialIndex.wat), one serial or a list at a time', () => {
    const add = (t: KeyTable, id: number): number =>
      t.addFields({ id, flags: 'I------', usage: 1, timeout: 'perm', perm: 0, uid: 0, gid: 0, typeCut: 'user', rest: 'k' }, 0);
    fc.assert(
      fc.property(
        // Serials from a narrow range (collisions and equal serials: the later row wins, as KeyTable.index says) or the whole.
        fc.boolean(),
        fc.integer({ min: 4096, max: 9000 }),
        fc.integer({ min: 0, max: 6000 }),
        fc.integer(),
        (narrow, first, later, seed) => {
          let x = seed | 1;
          const next = (): number => {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            return narrow ? 1 + ((x >>> 0) % 20000) : 1 + ((x >>> 0) % 0x7ffffffe);
          };
          const t = new KeyTable(0);
          const rowById = new Map<number, number>();
          const check = (): void => {
            const asked = [...rowById.keys()].slice(0, 3000);
            for (let i = 0; i < 500; i++) asked.push(next());
            const rows = new Int32Array(asked.length);
            const missing = t.rowsOf(asked, rows);
            expect([...rows]).toEqual(asked.map((id) => rowById.get(id) ?? -1));
            expect(missing).toBe(asked.filter((id) => !rowById.has(id)).length);
            for (const id of asked) expect(t.rowOf(id)).toBe(rowById.get(id) ?? -1);
          };
          for (let i = 0; i < first; i++) {
            const id = next();
            rowById.set(id, add(t, id));
          }
          check();
          // Rows added after the index was built (past half its slots it is built again, by WebAssembly again).
          for (let i = 0; i < later; i++) {
            const id = next();
            rowById.set(id, add(t, id));
          }
          check();
        },
      ),
      { numRuns: 12 },
    );
  });

  it('sorts rows by serial where a sorted read comes first and other rows after it, equal serials by row', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 500 }), { maxLength: 300 }), fc.array(fc.integer({ min: 1, max: 500 }), { maxLength: 40 }), (read, added) => {
        const t = new KeyTable(0);
        const ids = [...[...new Set(read)].sort((a, b) => a - b), ...added];
        for (const id of ids) t.addFields({ id, flags: 'I------', usage: 1, timeout: 'perm', perm: 0, uid: 0, gid: 0, typeCut: 'user', rest: `k${id}` }, 0);
        const stable = ids.map((_, row) => row).sort((x, y) => (ids[x] as number) - (ids[y] as number) || x - y);
        expect([...t.rowsInSerialOrder()]).toEqual(stable);
      }),
      { numRuns: 200 },
    );
  });

  it('indexes rows added after the first lookup', () => {
    const t = new KeyTable(0);
    t.addFields({ id: 10, flags: 'I------', usage: 1, timeout: 'perm', perm: 0, uid: 0, gid: 0, typeCut: 'user', rest: 'a' }, 0);
    expect(t.rowOf(10)).toBe(0);
    for (let id = 11; id < 5000; id++) t.addFields({ id, flags: 'I------', usage: 1, timeout: '3h', perm: 0, uid: 0, gid: 0, typeCut: 'user', rest: 'b' }, 0);
    expect(t.rowOf(4999)).toBe(4989);
    expect(t.timeout(4989)).toBe('3h');
    expect(t.has(5000)).toBe(false);
  });

  it('RowMap holds serials in and out of the table', () => {
    const t = new KeyTable(0);
    parseProcKeysInto(t, line(1, 'user', 'a: 1') + line(2, 'keyring', 'b: empty'), 0);
    const map = new RowMap<string>(t).set(2, 'two').set(77, 'seventy-seven');
    expect([map.get(1), map.get(2), map.get(77)]).toEqual([undefined, 'two', 'seventy-seven']);
  });

  it('a source of bytes (latin1) gives the same strings as its UTF-8 text: rest, description, payload length, copies', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.boolean()), { minLength: 1, maxLength: 20 }), (names) => {
        // Descriptions of any characters (not '\n', which /proc/keys cannot delimit), some named by DESCRIBE.
        const descriptions = names.map(([d]) => d.replace(/\n/g, ' '));
        const text = descriptions.map((d, i) => line(i + 1, 'user', `${d}: ${Buffer.byteLength(d)}`)).join('');
        const bytes = Buffer.from(text, 'utf8').toString('latin1');
        const utf8 = new KeyTable(0);
        parseProcKeysInto(utf8, text, 0);
        const latin1 = new KeyTable(0);
        latin1.sourceOfBytes(bytes);
        parseProcKeysInto(latin1, bytes, 0);
        const copy = new KeyTable(0);
        for (const t of [utf8, latin1]) {
          nameFromText(t, 0);
          names.forEach(([, described], row) => described && t.setName(row, 'user', descriptions[row] as string));
        }
        for (let row = 0; row < latin1.length; row++) copy.copyRow(latin1, row);
        for (const t of [latin1, copy]) {
          for (let row = 0; row < utf8.length; row++) {
            expect(t.rest(row)).toBe(utf8.rest(row));
            expect(t.description(row)).toBe(descriptions[row]);
            expect(t.payloadLength(row)).toBe(utf8.payloadLength(row));
            expect(t.payloadLength(row)).toBe(Buffer.byteLength(descriptions[row] as string));
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('flag masks round-trip through FLAG_STRINGS', () => {
    for (let mask = 0; mask < 128; mask++) expect(flagMaskOf(FLAG_STRINGS[mask] as string)).toBe(mask);
    expect(flagMaskOf('I--Q--')).toBe(-1);
    expect(flagMaskOf('X------')).toBe(-1);
  });
});

describe('parseProcKeysInto', () => {
  it('skips refused records with their continuation lines, keeps the rest and their multi-line descriptions', () => {
    const text = line(1, 'user', 'one: 1') + line(2, 'user', 'two\nstill two: 1') + line(3, 'user', 'three\nstill three: 1') + line(4, 'keyring', 'four: 2');
    const t = new KeyTable(0);
    const errors = parseProcKeysInto(t, text, 123, (id) => id !== 2);
    expect(errors).toEqual([]);
    expect([...t.id.subarray(0, t.length)]).toEqual([1, 3, 4]);
    // The refused record's continuation line belongs to it: not glued onto the record before it.
    expect(t.rest(0)).toBe('one: 1');
    expect(t.rest(1)).toBe('three\nstill three: 1');
    expect(t.rest(2)).toBe('four: 2');
    expect(t.readAt[2]).toBe(123);
    expect(t.keyringIds()).toEqual([4]);
  });

  it('agrees with parseProcKeys, line for line', () => {
    const text = line(5, 'user', 'x: 3', '2d') + 'garbage\n' + line(6, 'big_key', 'y: 10 [buff]') + '00000007 I--Q--- oops\n';
    const t = new KeyTable(0);
    const errors = parseProcKeysInto(t, text, 0);
    const objects = parseProcKeys(text);
    expect(errors).toEqual(objects.errors);
    expect(objects.lines.map((l) => [l.id, l.flags, l.timeout, l.typeCut, l.rest])).toEqual(
      [...Array(t.length).keys()].map((row) => [t.id[row], t.flags(row), t.timeout(row), t.typeCut(row), t.rest(row)]),
    );
  });
});

describe('description suffixes without a regex', () => {
  // descriptionFromRest strips ': <digits>' (user and friends) and ': empty' / ': <n>' (keyring) by hand: it
  // must agree with the regexes the kernel's formats were first written as.
  const byRegex = (rest: string, re: RegExp): string | null => {
    const m = re.exec(rest);
    return m === null ? null : rest.slice(0, m.index);
  };
  it('user: the same as /: \\d+$/ on any text', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9: ]{0,12}$/), (rest) => {
        expect(descriptionFromRest('user', rest, 'I------')).toBe(byRegex(rest, /: \d+$/));
      }),
      { numRuns: 2000 },
    );
  });
  it('keyring: the same as /: (?:empty|\\d+)$/ on any text ([anon] aside)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^(?:[a-z0-9: ]|empty){0,8}$/), (rest) => {
        const expected = byRegex(rest, /: (?:empty|\d+)$/);
        expect(descriptionFromRest('keyring', rest, 'I------')).toBe(expected === '[anon]' ? null : expected);
      }),
      { numRuns: 2000 },
    );
  });
});
