// mergeUserViews: other users' views merged into the process's table. A view the user-view thread sends as bytes
// (parsed by the WebAssembly module) must merge exactly as the same view decoded from UTF-8 (parsed by
// procKeys.ts), and each row's labels must be the views listing its serial, in view order, after 'process' for the
// rows the process's own view found.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyTable } from './keyTable';
import { parseProcKeys, parseProcKeysInto } from './procKeys';
import { mergeUserViews, seenByLabels } from './userViews';
import type { ReaderView, UserView } from '../threads/userViewWorker';

const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');

/** A record as the kernel prints it, its description any text (UTF-8 in the file), '\n' included. */
const recordArb = (id: number) =>
  fc
    .record({
      usage: fc.integer({ min: 0, max: 99 }),
      type: fc.constantFrom('user', 'keyring', 'logon'),
      uid: fc.integer({ min: 0, max: 70000 }),
      description: fc.string({ unit: fc.constantFrom('a', 'b', ' ', ':', '\n', '"', 'é', '✓', '😀'), minLength: 1, maxLength: 8 }),
    })
    .map((r) => `${hex8(id)} I--Q--- ${String(r.usage).padStart(5)} perm 3f010000 ${String(r.uid).padStart(5)} ${String(r.uid).padStart(5)} ${r.type.padEnd(9)} ${r.description}`);

const caseArb = fc.integer({ min: 2, max: 12 }).chain((count) =>
  fc.record({
    records: fc.tuple(...Array.from({ length: count }, (_, k) => recordArb(0x100 + k * 7))),
    /** Which records the reader's own read shows. */
    reader: fc.array(fc.boolean(), { minLength: count, maxLength: count }),
    views: fc.array(
      fc.record({
        uid: fc.integer({ min: 0, max: 70000 }),
        asReader: fc.boolean(),
        shows: fc.array(fc.boolean(), { minLength: count, maxLength: count }),
        members: fc.array(fc.tuple(fc.nat({ max: count - 1 }), fc.oneof(fc.array(fc.nat({ max: count - 1 }), { maxLength: 3 }), fc.constant('EACCES'))), { maxLength: 3 }),
      }),
      { maxLength: 4 },
    ),
    hidden: fc.option(fc.nat({ max: count - 1 }), { nil: null }),
  }),
);

/** What a table says about its rows, through its public reads. */
function rowsOf(table: KeyTable): unknown[] {
  const rows: unknown[] = [];
  for (let row = 0; row < table.length; row++) {
    rows.push([table.id[row], table.flags(row), table.usage[row], table.uid[row], table.typeCut(row), table.rest(row), table.isMultiline(row), table.readAt[row]]);
  }
  return [rows, Array.from(table.rowsInSerialOrder())];
}

describe('mergeUserViews', () => {
  it('merges views sent as bytes as it merges them decoded, and labels each row with the views listing it', () => {
    let merged = 0;
    fc.assert(
      fc.property(caseArb, ({ records, reader, views, hidden: hiddenIndex }) => {
        const idOf = (k: number): number => 0x100 + k * 7;
        const hidden = new Set(hiddenIndex === null ? [] : [idOf(hiddenIndex)]);
        const text = (shows: readonly boolean[]): string => records.filter((_, k) => shows[k]).join('\n') + '\n';
        const readerText = Buffer.from(text(reader), 'utf8').toString('latin1');

        /** A table holding the reader's rows and one more row (found by the process's possessing side). */
        const processTable = (): { table: KeyTable; readerRows: number } => {
          const table = new KeyTable(0);
          table.sourceOfBytes(readerText);
          parseProcKeysInto(table, readerText, 1, (id) => !hidden.has(id));
          const readerRows = table.length;
          table.addFields({ id: 0x7000, flags: 'I------', usage: 1, timeout: 'perm', perm: 0x3f010000, uid: 0, gid: 0, typeCut: 'user', rest: 'possessor only' }, 1);
          return { table, readerRows };
        };
        const viewsAs = (bytes: boolean): (UserView | ReaderView)[] =>
          views.map((v, k): UserView | ReaderView => {
            if (v.asReader) return { uid: v.uid, readAt: 2 + k, asReader: true };
            const utf8 = text(v.shows);
            const keys = bytes ? { text: Buffer.from(utf8, 'utf8').toString('latin1'), bytes: true as const } : { text: utf8 };
            const members = v.members.map(([ring, list]): [number, number[] | string] => [idOf(ring), typeof list === 'string' ? list : list.map(idOf)]);
            return { uid: v.uid, keys, readAt: 2 + k, members, credentials: 'passwd' };
          });

        const merge = (bytes: boolean) => {
          const { table, readerRows } = processTable();
          const members = new Map<number, number[] | null>([[idOf(0), null]]);
          const seen = mergeUserViews(table, members, viewsAs(bytes), hidden, readerRows);
          const labels = Array.from({ length: table.length }, (_, row) => seenByLabels(seen, row));
          return { table, members, labels, readerRows };
        };
        const asBytes = merge(true);
        const decoded = merge(false);
        expect(rowsOf(asBytes.table)).toEqual(rowsOf(decoded.table));
        expect([...asBytes.members]).toEqual([...decoded.members]);
        expect(asBytes.labels).toEqual(decoded.labels);

        // The labels, by serial, as each view lists it.
        const { table, readerRows, labels } = asBytes;
        const processRows = readerRows + 1;
        const expected = new Map<number, string[]>();
        for (let row = 0; row < table.length; row++) expected.set(table.id[row] as number, row < processRows ? ['process'] : []);
        for (const v of views) {
          const ids = v.asReader ? Array.from(table.id.subarray(0, readerRows)) : parseProcKeys(text(v.shows)).lines.map((l) => l.id).filter((id) => !hidden.has(id));
          for (const id of ids) expected.get(id)?.push(`uid ${v.uid}`);
        }
        for (let row = 0; row < table.length; row++) expect(labels[row]).toEqual(expected.get(table.id[row] as number));
        // Every serial a view lists is a row.
        for (const v of views) if (!v.asReader) for (const l of parseProcKeys(text(v.shows)).lines) expect(table.has(l.id)).toBe(!hidden.has(l.id));
        merged++;
      }),
      { numRuns: 200 },
    );
    expect(merged).toBe(200);
  });
});
