// parseProcKeysBytes (the one-shot CLI's WebAssembly parse of /proc/keys bytes) must make the table
// parseProcKeysInto makes of the same text, or give up and leave the table untouched; so must parseProcKeysText
// (other users' views, copied into the memory it reuses). The rows the module names (procKeysParse.wat `name`) must
// be named as nameFromText names them, and the rows it leaves must be the ones nameFromText then names or asks about.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nameFromText, suffixKindForModule } from './descriptions';
import { KeyTable } from './keyTable';
import { parseProcKeysInto } from './procKeys';
import { parseProcKeysBytes, parseProcKeysText } from './procKeysBytes';
import { fullTypeName } from './typeNames';

const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');

/** A line as the kernel prints a record (proc_keys_show), with fields that may be wider or odder than usual. */
const recordArb = fc
  .record({
    id: fc.oneof(fc.integer({ min: 1, max: 0x7fffffff }), fc.integer({ min: 0, max: 0xffffffff })),
    flags: fc.tuple(...Array.from('IRDQUNi', (letter) => fc.boolean().map((on) => (on ? letter : '-')))).map((l) => l.join('')),
    usage: fc.oneof({ weight: 30, arbitrary: fc.integer({ min: -5, max: 99999 }) }, { weight: 1, arbitrary: fc.constantFrom('9'.repeat(16), '-2147483649', '4294967297', '999999999999999') }),
    timeout: fc.oneof(fc.constantFrom('perm', 'expd', '1s', '59m', '7h', '2d', '1w'), fc.nat({ max: 100_000 }).map((n) => `${n}s`)),
    perm: fc.integer({ min: 0, max: 0xffffffff }),
    uid: fc.oneof({ weight: 30, arbitrary: fc.integer({ min: -1, max: 0xffffffff }) }, { weight: 1, arbitrary: fc.constant('12345678901234567') }),
    gid: fc.oneof(fc.integer({ min: -1, max: 65534 })),
    type: fc.constantFrom('user', 'keyring', 'logon', 'big_key', 'asymmetric', '.request_key_auth', 'dns_resolver', 'x'),
    rest: fc.oneof(
      { weight: 4, arbitrary: fc.string({ unit: fc.oneof(fc.constantFrom('a', ' ', ':', '1', '\n', '"', '\\'), fc.integer({ min: 1, max: 255 }).map((c) => String.fromCharCode(c))), maxLength: 20 }) },
      // What user keys and keyrings print, and what only looks like it.
      { weight: 1, arbitrary: fc.constantFrom('k: 1', 'k: 12: 3', ': 7', ': ', '[anon]', '[anon]: 2', '[anon): 2', '[anon]x: 2', '[anon]: empty', 'r: empty', ': empty', 'empty', 'a:1', 'a : 5', 'x\n: 3', '\u00e9: 4') },
    ),
  })
  .map((r) => {
    const cut = r.type.slice(0, 9).padEnd(9);
    return `${hex8(r.id)} ${r.flags} ${String(r.usage).padStart(5)} ${r.timeout.padStart(4)} ${hex8(r.perm)} ${String(r.uid).padStart(5)} ${String(r.gid).padStart(5)} ${cut} ${r.rest}`;
  });

/** A line that breaks the grammar somewhere, or continues nothing. */
const badLineArb = fc.oneof(
  recordArb.map((line) => line.replace(/ perm | expd /, ' forever ')),
  recordArb.map((line) => `${line.slice(0, 17)}x${line.slice(18)}`),
  recordArb.map((line) => line.slice(0, 40)),
  fc.string({ maxLength: 30 }),
);

/** Texts of records (some with continuation lines), and now and then a bad line. */
const textArb = fc
  .tuple(fc.array(fc.oneof({ weight: 20, arbitrary: recordArb }, { weight: 1, arbitrary: badLineArb }), { maxLength: 25 }), fc.boolean())
  .map(([lines, trailingNewline]) => lines.join('\n') + (trailingNewline && lines.length > 0 ? '\n' : ''));

/** Everything a table says about its rows, through its public reads. */
function rowsOf(table: KeyTable): unknown[] {
  const rows: unknown[] = [];
  for (let row = 0; row < table.length; row++) {
    rows.push([
      table.id[row],
      table.flags(row),
      table.usage[row],
      table.timeout(row),
      table.perm[row],
      table.uid[row],
      table.gid[row],
      table.typeCut(row),
      table.typeCutCode(row),
      table.rest(row),
      table.isMultiline(row),
      table.readAt[row],
      table.type(row),
      table.description(row),
    ]);
  }
  return [rows, Array.from(table.rowsInSerialOrder()), table.recordColumns().timeouts, table.keyringIds()];
}

/** Rows the module named with its parse (before nameFromText), over every text parsed here. */
let namedByModule = 0;

/** The text parsed both ways, then named (nameFromText: the rows the module left); `unnamed`: the rows it could not name. */
function bothWays(text: string, hidden: ReadonlySet<number>): { js: KeyTable; wasm: KeyTable; parsed: boolean; unnamed: number[] } {
  const js = new KeyTable(0);
  js.sourceOfBytes(text);
  parseProcKeysInto(js, text, 1234, (id) => !hidden.has(id));
  const wasm = new KeyTable(0);
  wasm.sourceOfBytes(text);
  const parsed = parseProcKeysBytes(wasm, text, Buffer.from(text, 'latin1'), 1234, hidden);
  const before = Array.from({ length: wasm.length }, (_, row) => wasm.type(row) !== null);
  namedByModule += before.filter(Boolean).length;
  const unnamedJs = nameFromText(js, 0);
  const unnamedWasm = nameFromText(wasm, 0);
  if (parsed) {
    expect(unnamedWasm).toEqual(unnamedJs);
    // Of the types whose suffix the module strips, it named every row nameFromText could name, and no other.
    for (let row = 0; row < wasm.length; row++) {
      const type = fullTypeName(wasm.typeCut(row));
      if (type !== null && suffixKindForModule(type) !== 0) expect(before[row]).toBe(!unnamedJs.includes(row));
      else expect(before[row]).toBe(false);
    }
  }
  return { js, wasm, parsed, unnamed: unnamedJs };
}

describe('parseProcKeysBytes', () => {
  it('makes the table parseProcKeysInto makes, or gives up having added nothing', () => {
    let parsedTexts = 0;
    fc.assert(
      fc.property(textArb, fc.array(fc.integer({ min: 1, max: 0x7fffffff }), { maxLength: 3 }), (text, extraHidden) => {
        // Hide one serial of the text when there is one.
        const first = /^([0-9a-f]{8}) /m.exec(text);
        const hidden = new Set([...extraHidden, ...(first ? [parseInt(first[1] as string, 16)] : [])]);
        const { js, wasm, parsed } = bothWays(text, hidden);
        if (parsed) expect(rowsOf(wasm)).toEqual(rowsOf(js));
        else expect(wasm.length).toBe(0);
        if (parsed) parsedTexts++;
      }),
      { numRuns: 300 },
    );
    // Not only texts it gives up on, nor only rows it leaves to nameFromText.
    expect(parsedTexts).toBeGreaterThan(60);
    expect(namedByModule).toBeGreaterThan(100);
  });

  it('parses a text of bytes one per character as the bytes themselves, in one memory reused for texts of any size', () => {
    let parsedTexts = 0;
    fc.assert(
      fc.property(fc.array(textArb, { minLength: 1, maxLength: 4 }), (texts) => {
        // A long text now and then, so the memory grows between parses.
        for (const text of texts.map((t, k) => (k === 1 ? t.repeat(400) : t))) {
          const { js, wasm, parsed, unnamed } = bothWays(text, new Set());
          const fromText = new KeyTable(0);
          fromText.sourceOfBytes(text);
          expect(parseProcKeysText(fromText, text, 1234, new Set())).toBe(parsed);
          const unnamedFromText = nameFromText(fromText, 0);
          if (parsed) expect(unnamedFromText).toEqual(unnamed);
          if (parsed) expect(rowsOf(fromText)).toEqual(rowsOf(js));
          else expect(fromText.length).toBe(0);
          if (parsed) expect(rowsOf(wasm)).toEqual(rowsOf(js));
          if (parsed) parsedTexts++;
        }
      }),
      { numRuns: 25 },
    );
    expect(parsedTexts).toBeGreaterThan(10);
  });

  it('names user keys and keyrings in every state as nameFromText does', () => {
    const rests = ['[anon): 2', '[anon]: 2', '[anon]', ': empty', 'r: empty', 'r:empty', 'x: 12', ': 3', 'x: 90', 'x: 0', 'x: /', 'x: :', ': 0:', 'x:3', 'x 3', 'x: ', '\u00e9: 4'];
    let serial = 0x100;
    const lines = ['I------', '-------', 'IR-----', '-----N-', 'I----N-', '------i'].flatMap((flags) =>
      rests.flatMap((rest) => ['keyring  ', 'user     ', 'logon    '].map((cut) => `${hex8(serial++)} ${flags}     1 perm 3f010000     0     0 ${cut} ${rest}`)),
    );
    const { wasm, parsed, unnamed } = bothWays(lines.join('\n') + '\n', new Set());
    expect(parsed).toBe(true);
    expect(unnamed.length).toBeGreaterThan(0);
    expect(unnamed.length).toBeLessThan(wasm.length / 2);
  });

  it('parses records and their continuation lines itself, and gives up on a line it cannot place', () => {
    const text = [
      '0000000a I--Q---     1 perm 3f010000     0     0 keyring   _ses: 1',
      '0000000b I--Q---     2   7h 3f010000  1000  1000 user      two',
      'lines: 5',
      '0000000c I------    12 perm 1f0b0000 4294967295 65534 big_key   b: 5 [buff]',
      '',
    ].join('\n');
    const { js, wasm, parsed } = bothWays(text, new Set());
    expect(parsed).toBe(true);
    expect(rowsOf(wasm)).toEqual(rowsOf(js));
    expect(wasm.isMultiline(1)).toBe(true);
    expect(wasm.rest(1)).toBe('two\nlines: 5');
    // A line continuing nothing, a malformed record, a number of 16 digits: parseProcKeysInto's to report.
    for (const bad of ['stray\n' + text, text + '0000000d I--Q---     1 later 3f010000     0     0 user      x\n', text.replace('  1000  1000', ' 1234567890123456  1000')]) {
      const again = bothWays(bad, new Set());
      expect(again.parsed).toBe(false);
      expect(again.wasm.length).toBe(0);
    }
  });
});
