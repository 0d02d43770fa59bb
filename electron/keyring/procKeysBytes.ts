// /proc/keys parsed by a WebAssembly module (procKeysParse.wat) from the bytes the one-shot CLI's reader left in
// WebAssembly memory (wasmArena.ts), or other users' views copied there (userViews.ts), into a KeyTable: the same rows, columns and shared strings as procKeys.ts
// parseProcKeysInto makes of the same text (procKeysBytes.test.ts compares them). The module gives up on anything
// but records and their continuation lines (a malformed line, a line continuing nothing), and the caller then
// parses the text with procKeysInto, which reports them.
// Why: the parse runs once per process, and its JavaScript ran cold: 40k records took 50-80 ms, the same parse
// warm 12-19 ms.
import { suffixKindForModule } from './descriptions';
import type { KeyTable } from './keyTable';
import { fullTypeName } from './typeNames';
import { PROC_KEYS_PARSE_WASM } from './wasmModules';
import { arenaHolding, arenaHolds, freshMemory, hasWebAssembly, instantiate, MemoryLayout, READ_AT, reserve, type WasmMemory } from './wasmArena';

interface Exports {
  layout(...offsets: number[]): void;
  parse(src: number, len: number): number;
  timeoutCount(): number;
  typeCount(): number;
  ordered(): number;
  remap(column: number, map: number, n: number): void;
  name(src: number, n: number, kinds: number, codes: number, typeIndex: number, descEnd: number): void;
}

/** The module's own tables (the distinct timeouts and type columns it keeps). */
const MAX_TIMEOUTS = 256;
const MAX_TYPES = 64;
/** The shortest record is 47 bytes and its '\n'. */
const SHORTEST_RECORD = 48;

/**
 * Appends the records of `raw` (the bytes `text` holds one per character) that are not `hidden` to `table`, as
 * parseProcKeysInto(table, text, readAt, (id) => !hidden.has(id)) does. False, with the table untouched, where the
 * module gave up (or there is no WebAssembly): the caller parses `text` instead.
 */
export function parseProcKeysBytes(table: KeyTable, text: string, raw: Uint8Array, readAt: number, hidden: ReadonlySet<number>): boolean {
  if (!hasWebAssembly() || raw.length !== text.length) return false;
  // Where the reader left the bytes, or a copy (growing the memory detaches `raw`, a view of it: read it before).
  const arena = arenaHolding(raw);
  const parsed = parseAt(table, text, readAt, hidden, (end) => {
    const memory: WasmMemory = arena ?? freshMemory(end);
    reserve(memory, end);
    if (arena === null) new Uint8Array(memory.buffer, READ_AT, raw.length).set(raw);
    return memory;
  });
  if (parsed && arena !== null) arenaHolds(text);
  return parsed;
}

/** Memory for parses of texts that are nowhere in WebAssembly memory yet: one, reused (each parse is done with it when it returns). */
let scratch: WasmMemory | null = null;

/**
 * parseProcKeysBytes for a text that holds a file's bytes one per character (KeyTable.sourceOfBytes: other users'
 * views, threads/userViewWorker.ts), copied into WebAssembly memory first.
 */
export function parseProcKeysText(table: KeyTable, text: string, readAt: number, hidden: ReadonlySet<number>): boolean {
  if (!hasWebAssembly()) return false;
  return parseAt(table, text, readAt, hidden, (end) => {
    scratch ??= freshMemory(end);
    reserve(scratch, end);
    Buffer.from(scratch.buffer, READ_AT, text.length).write(text, 'latin1');
    return scratch;
  });
}

/** The parse, with `text`'s bytes at READ_AT in the memory `memoryFor` gives (at least `end` bytes long). */
function parseAt(table: KeyTable, text: string, readAt: number, hidden: ReadonlySet<number>, memoryFor: (end: number) => WasmMemory): boolean {
  const len = text.length;
  const capacity = Math.floor(len / SHORTEST_RECORD) + 1;
  const layout = new MemoryLayout(READ_AT + len);
  const take = (bytes: number): number => layout.take(bytes);
  const o = {
    id: take(capacity * 4),
    usage: take(capacity * 4),
    timeout: take(capacity * 4),
    perm: take(capacity * 4),
    uid: take(capacity * 4),
    gid: take(capacity * 4),
    typeCut: take(capacity * 4),
    restStart: take(capacity * 4),
    restEnd: take(capacity * 4),
    flags: take(capacity),
    multiline: take(capacity),
    typeIndex: take(capacity * 4),
    descEnd: take(capacity * 4),
    hidden: take(hidden.size * 4),
    timeouts: take(MAX_TIMEOUTS * 8),
    types: take(MAX_TYPES * 4),
    timeoutMap: take(MAX_TIMEOUTS * 4),
    typeMap: take(MAX_TYPES * 4),
    suffixKinds: take(MAX_TYPES * 4),
    typeCodes: take(MAX_TYPES * 4),
  };
  const memory = memoryFor(layout.end);
  const buffer = memory.buffer;
  new Int32Array(buffer, o.hidden, hidden.size).set([...hidden]);

  const wasm = instantiate<Exports>(PROC_KEYS_PARSE_WASM, memory);
  wasm.layout(
    o.id, o.flags, o.usage, o.timeout, o.perm, o.uid, o.gid, o.typeCut, o.restStart, o.restEnd, o.multiline, capacity,
    o.hidden, hidden.size, o.timeouts, o.types,
  );
  const rows = wasm.parse(READ_AT, len);
  if (rows < 0) return false;

  // The distinct timeouts and type columns as the table's strings, in the order the records show them first (as
  // the JavaScript parse interns them).
  const source = table.sourceOf(text);
  const timeoutMap = new Int32Array(buffer, o.timeoutMap, MAX_TIMEOUTS);
  timeoutMap[0] = table.timeoutOf('perm');
  const spans = new Int32Array(buffer, o.timeouts, MAX_TIMEOUTS * 2);
  for (let k = 1; k < wasm.timeoutCount(); k++) timeoutMap[k] = table.timeoutOf(text.slice((spans[2 * k] as number) - READ_AT, (spans[2 * k + 1] as number) - READ_AT));
  const typeMap = new Int32Array(buffer, o.typeMap, MAX_TYPES);
  const types = new Int32Array(buffer, o.types, MAX_TYPES);
  // The module names the rows of the types whose suffix it strips (descriptions.ts suffixKindForModule), as
  // nameFromText would, with the table's code of their full type name: cold JavaScript spent 20-35 ms on 40k rows.
  const suffixKinds = new Int32Array(buffer, o.suffixKinds, MAX_TYPES);
  const typeCodes = new Int32Array(buffer, o.typeCodes, MAX_TYPES);
  for (let k = 0; k < wasm.typeCount(); k++) {
    const start = (types[k] as number) - READ_AT;
    const cut = text.slice(start, start + 9).trimEnd();
    typeMap[k] = table.typeCutOf(cut);
    const type = fullTypeName(cut);
    suffixKinds[k] = type === null ? 0 : suffixKindForModule(type);
    typeCodes[k] = type === null || suffixKinds[k] === 0 ? -1 : table.typeCode(type);
  }
  // Before remap: the module finds kinds by its own type column indices.
  wasm.name(READ_AT, rows, o.suffixKinds, o.typeCodes, o.typeIndex, o.descEnd);
  wasm.remap(o.timeout, o.timeoutMap, rows);
  wasm.remap(o.typeCut, o.typeMap, rows);

  const first = table.length;
  table.addParsedRows(
    rows,
    source,
    readAt,
    {
      id: new Int32Array(buffer, o.id, rows),
      flagMask: new Uint8Array(buffer, o.flags, rows),
      usage: new Int32Array(buffer, o.usage, rows),
      timeout: new Int32Array(buffer, o.timeout, rows),
      perm: new Uint32Array(buffer, o.perm, rows),
      uid: new Uint32Array(buffer, o.uid, rows),
      gid: new Uint32Array(buffer, o.gid, rows),
      typeCut: new Int32Array(buffer, o.typeCut, rows),
      restStart: new Int32Array(buffer, o.restStart, rows),
      restEnd: new Int32Array(buffer, o.restEnd, rows),
      named: { typeIndex: new Int32Array(buffer, o.typeIndex, rows), descEnd: new Int32Array(buffer, o.descEnd, rows) },
    },
    wasm.ordered() === 1,
  );
  const multiline = new Uint8Array(buffer, o.multiline, rows);
  for (let row = multiline.indexOf(1); row >= 0; row = multiline.indexOf(1, row + 1)) table.markMultiline(first + row);
  return true;
}
