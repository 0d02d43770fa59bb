// The keys one scan found, one row per key, stored as columns. Why not one object per key: at 40k keys the
// objects themselves were the cost (allocation, the collector promoting them, and on a small VM the page
// faults of a growing heap cost more than the parsing). Typed arrays are a handful of allocations whatever
// the count; strings that repeat (flags, types, timeouts) are stored once and rows hold their index, and
// descriptions are slices of the text they were read from.
//
// Rows from one /proc/keys read come in serial order (the kernel walks its serial tree); the snapshot keeps
// that order, so rows added later (a re-read, possessor-only keys) are sorted in only when there are some.
import { payloadLengthFromSuffix, STATES_PAYLOAD_LENGTH } from './payloadLength';
import { serialIndex, type SerialIndex } from './serialIndex';

/** The flag letters of /proc/keys, in column order: bit k of a row's flag mask is letter k. */
export const FLAG_LETTERS = 'IRDQUNi';

/** All 128 flag strings, indexed by mask, so rows share them. */
export const FLAG_STRINGS: readonly string[] = Array.from({ length: 128 }, (_, mask) =>
  Array.from(FLAG_LETTERS, (letter, k) => ((mask >> k) & 1 ? letter : '-')).join(''),
);

/** The mask of a 7-character flag string, or -1 when it is not one. */
export function flagMaskOf(flags: string): number {
  if (flags.length !== 7) return -1;
  let mask = 0;
  for (let k = 0; k < 7; k++) {
    const c = flags.charAt(k);
    if (c === FLAG_LETTERS.charAt(k)) mask |= 1 << k;
    else if (c !== '-') return -1;
  }
  return mask;
}

/** One /proc/keys record as an object: what a table row holds (procKeys.ts parseProcKeys makes these). */
export interface ProcKeyLine {
  /** Serial, parsed from hex. */
  id: number;
  /** Exactly the 7-character flag column, e.g. 'I--Q---'. */
  flags: string;
  usage: number;
  /** 'perm' | 'expd' | /^\d+[smhdw]$/ (rounded down by the kernel). */
  timeout: string;
  /** Permission mask, parsed from hex, unsigned 32-bit. */
  perm: number;
  uid: number;
  gid: number;
  /** The type column as printed (at most 9 characters, trailing spaces trimmed). */
  typeCut: string;
  /** Everything after the type column: description + type-specific suffix, as printed. */
  rest: string;
}

/** Strings many rows share (flags aside: type columns, types, timeouts, source texts), stored once each. */
class Interned {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  of(value: string): number {
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(value);
      this.index.set(value, i);
    }
    return i;
  }
}

export class KeyTable {
  length = 0;
  id: Int32Array;
  /** Bit k set: FLAG_LETTERS[k] shown. */
  flagMask: Uint8Array;
  usage: Int32Array;
  perm: Uint32Array;
  uid: Uint32Array;
  gid: Uint32Array;
  /** Epoch ms of the read the row comes from (timeouts count from it). */
  readAt: Float64Array;
  /** Where the row's `rest` (description + type suffix) lies in its source text: [restStart, restEnd). */
  restStart: Int32Array;
  restEnd: Int32Array;
  /**
   * Where a resolved description lies in the row's source text, [descStart, descEnd): most descriptions are
   * the start of `rest`, so no string is made until a key object or its JSON needs one (40k retained strings
   * cost the collector more than slicing them when wanted). descEnd NAMED: the description came from
   * elsewhere (DESCRIBE) and is in `named`; UNRESOLVED: not known yet.
   */
  private descStart: Int32Array;
  private descEnd: Int32Array;
  private readonly named = new Map<number, string>();
  /** Rows whose `rest` spans several lines (a description holding '\n'): few, so a set. */
  private readonly multiline = new Set<number>();

  // Shared strings are stored by index: typed arrays cost the collector nothing per row.
  private sourceIndex: Int32Array;
  private timeoutIndex: Int32Array;
  private typeCutIndex: Int32Array;
  /** -1 until the row's full type name is resolved. */
  private typeIndex: Int32Array;
  private readonly sources = new Interned();
  /** True at the index of each source that is bytes, one per character (sourceOfBytes). */
  private readonly byteSources: boolean[] = [];
  private readonly timeouts = new Interned();
  private readonly typeCuts = new Interned();
  private readonly types = new Interned();

  /**
   * serial -> row, open addressing over typed arrays (serials are positive, 0 marks a free slot): a Map of
   * 40k entries cost tens of ms to build on each scan. Built on first lookup, kept up to date after.
   */
  private slotIds: Int32Array | null = null;
  private slotRows: Int32Array = new Int32Array(0);
  /** The slots' module where a big table's index was built by WebAssembly (serialIndex.ts), for rowsOf. */
  private wasmIndex: SerialIndex | null = null;
  /** Whether rows are in ascending serial order (one /proc/keys read is; rows added later may not be). */
  private ordered = true;

  constructor(capacity = 64) {
    const n = Math.max(16, capacity);
    this.id = new Int32Array(n);
    this.flagMask = new Uint8Array(n);
    this.usage = new Int32Array(n);
    this.perm = new Uint32Array(n);
    this.uid = new Uint32Array(n);
    this.gid = new Uint32Array(n);
    this.readAt = new Float64Array(n);
    this.restStart = new Int32Array(n);
    this.restEnd = new Int32Array(n);
    this.sourceIndex = new Int32Array(n);
    this.timeoutIndex = new Int32Array(n);
    this.typeCutIndex = new Int32Array(n);
    this.typeIndex = new Int32Array(n);
    this.descStart = new Int32Array(n);
    this.descEnd = new Int32Array(n);
  }

  get capacity(): number {
    return this.id.length;
  }

  /** Makes room for `extra` more rows. */
  reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.capacity) return;
    const n = Math.max(needed, this.capacity * 2);
    const grow = <T extends Int32Array | Uint32Array | Uint8Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a.subarray(0, this.length));
      return b;
    };
    const int32 = (k: number): Int32Array => new Int32Array(k);
    this.id = grow(this.id, int32);
    this.flagMask = grow(this.flagMask, (k) => new Uint8Array(k));
    this.usage = grow(this.usage, int32);
    this.perm = grow(this.perm, (k) => new Uint32Array(k));
    this.uid = grow(this.uid, (k) => new Uint32Array(k));
    this.gid = grow(this.gid, (k) => new Uint32Array(k));
    this.readAt = grow(this.readAt, (k) => new Float64Array(k));
    this.restStart = grow(this.restStart, int32);
    this.restEnd = grow(this.restEnd, int32);
    this.sourceIndex = grow(this.sourceIndex, int32);
    this.timeoutIndex = grow(this.timeoutIndex, int32);
    this.typeCutIndex = grow(this.typeCutIndex, int32);
    this.typeIndex = grow(this.typeIndex, int32);
    this.descStart = grow(this.descStart, int32);
    this.descEnd = grow(this.descEnd, int32);
  }

  /** Index of a source text (rows of one parse share it); pass it to addRow. */
  sourceOf(text: string): number {
    return this.sources.of(text);
  }

  /**
   * sourceOf() for a text that holds a file's bytes one per character (decoded as latin1), UTF-8 sequences
   * included: the strings taken from it (rest, description) are decoded from UTF-8 then. Call it before parsing
   * the text (the parse's own sourceOf() then finds it). Why: one character outside ASCII anywhere in /proc/keys
   * (a description such as 'ünïcode') makes the whole UTF-8-decoded text, every slice of it and the JSON made of
   * them two bytes per character: at 40k keys ~40 ms more CPU in a one-shot `snapshot --json`.
   */
  sourceOfBytes(bytes: string): number {
    const index = this.sources.of(bytes);
    this.byteSources[index] = true;
    return index;
  }

  /** Index of a type column (or a timeout); pass it to addRow. */
  typeCutOf(typeCut: string): number {
    return this.typeCuts.of(typeCut);
  }

  timeoutOf(timeout: string): number {
    return this.timeouts.of(timeout);
  }

  /**
   * Appends a row whose numeric fields the caller then fills (the parser writes the typed arrays directly).
   * Returns the row.
   */
  addRow(id: number, source: number, timeout: number, typeCut: number): number {
    if (this.length === this.capacity) this.reserve(1);
    const row = this.length++;
    this.id[row] = id;
    this.sourceIndex[row] = source;
    this.timeoutIndex[row] = timeout;
    this.typeCutIndex[row] = typeCut;
    this.typeIndex[row] = -1;
    this.descEnd[row] = UNRESOLVED;
    if (row > 0 && (this.id[row - 1] as number) >= id) this.ordered = false;
    if (this.slotIds !== null) this.index(row);
    return row;
  }

  /**
   * Appends `count` rows parsed elsewhere (procKeysBytes.ts) from their columns, all of source `source` read at
   * `readAt`: what addRow and the parser's stores make of them, with the names `c.named` found (setNameAt's).
   * `ordered`: whether their ids ascend, as addRow compares them.
   */
  addParsedRows(count: number, source: number, readAt: number, c: ParsedColumns, ordered: boolean): void {
    this.reserve(count);
    const at = this.length;
    const first = at > 0 && count > 0 && (this.id[at - 1] as number) >= (c.id[0] as number) >>> 0;
    if (!ordered || first) this.ordered = false;
    this.id.set(c.id.subarray(0, count), at);
    this.flagMask.set(c.flagMask.subarray(0, count), at);
    this.usage.set(c.usage.subarray(0, count), at);
    this.perm.set(c.perm.subarray(0, count), at);
    this.uid.set(c.uid.subarray(0, count), at);
    this.gid.set(c.gid.subarray(0, count), at);
    this.restStart.set(c.restStart.subarray(0, count), at);
    this.restEnd.set(c.restEnd.subarray(0, count), at);
    this.timeoutIndex.set(c.timeout.subarray(0, count), at);
    this.typeCutIndex.set(c.typeCut.subarray(0, count), at);
    this.readAt.fill(readAt, at, at + count);
    this.sourceIndex.fill(source, at, at + count);
    if (c.named === undefined) {
      this.typeIndex.fill(-1, at, at + count);
      this.descEnd.fill(UNRESOLVED, at, at + count);
    } else {
      this.typeIndex.set(c.named.typeIndex.subarray(0, count), at);
      this.descStart.set(c.restStart.subarray(0, count), at);
      this.descEnd.set(c.named.descEnd.subarray(0, count), at);
    }
    this.length += count;
    if (this.slotIds !== null) for (let row = at; row < this.length; row++) this.index(row);
  }

  /** Appends a row from its fields (a key found outside a parse). */
  addFields(f: ProcKeyLine, readAt: number): number {
    const row = this.addRow(f.id, this.sourceOf(f.rest), this.timeoutOf(f.timeout), this.typeCutOf(f.typeCut));
    this.flagMask[row] = Math.max(0, flagMaskOf(f.flags));
    this.usage[row] = f.usage;
    this.perm[row] = f.perm;
    this.uid[row] = f.uid;
    this.gid[row] = f.gid;
    this.readAt[row] = readAt;
    this.restStart[row] = 0;
    this.restEnd[row] = f.rest.length;
    if (f.rest.includes('\n')) this.markMultiline(row);
    return row;
  }

  /** Copies row `row` of `from` into this table; returns the new row. */
  copyRow(from: KeyTable, row: number): number {
    const r = this.addRow(
      from.id[row] as number,
      from.isBytes(row) ? this.sourceOfBytes(from.source(row)) : this.sourceOf(from.source(row)),
      this.timeoutOf(from.timeout(row)),
      this.typeCutOf(from.typeCut(row)),
    );
    this.flagMask[r] = from.flagMask[row] as number;
    this.usage[r] = from.usage[row] as number;
    this.perm[r] = from.perm[row] as number;
    this.uid[r] = from.uid[row] as number;
    this.gid[r] = from.gid[row] as number;
    this.readAt[r] = from.readAt[row] as number;
    this.restStart[r] = from.restStart[row] as number;
    this.restEnd[r] = from.restEnd[row] as number;
    if (from.isMultiline(row)) this.markMultiline(r);
    const type = from.type(row);
    const end = from.descEnd[row] as number;
    if (type !== null && end >= 0) this.setNameAt(r, this.typeCode(type), from.descStart[row] as number, end);
    else if (type !== null) this.setName(r, type, from.description(row) as string);
    return r;
  }

  /** The row holding serial `id`, or -1. */
  rowOf(id: number): number {
    if (this.slotIds === null) this.buildIndex();
    const ids = this.slotIds as Int32Array;
    const mask = ids.length - 1;
    for (let slot = hashSlot(id, mask); ; slot = (slot + 1) & mask) {
      const at = ids[slot] as number;
      if (at === id) return this.slotRows[slot] as number;
      if (at === 0) return -1;
    }
  }

  /**
   * KeyTable.rowOf of each of `ids` into `into` (-1: none); returns how many have none. A keyring's members at a
   * time: by WebAssembly where the index was built there.
   */
  rowsOf(ids: readonly number[] | Int32Array, into: Int32Array): number {
    if (this.slotIds === null) this.buildIndex();
    if (this.wasmIndex !== null) return this.wasmIndex.lookup(ids, into);
    let missing = 0;
    for (let i = 0; i < ids.length; i++) {
      const row = this.rowOf(ids[i] as number);
      into[i] = row;
      if (row < 0) missing++;
    }
    return missing;
  }

  private buildIndex(): void {
    let size = 1024;
    while (size < this.length * 2) size *= 2;
    // A big table's (a whole /proc/keys read's) by WebAssembly: the same slots, built without a cold call per row.
    this.wasmIndex = this.length >= WASM_INDEX_ROWS ? serialIndex(this.id, this.length, size) : null;
    if (this.wasmIndex !== null) {
      this.slotIds = this.wasmIndex.slotIds;
      this.slotRows = this.wasmIndex.slotRows;
      return;
    }
    this.slotIds = new Int32Array(size);
    this.slotRows = new Int32Array(size);
    for (let row = 0; row < this.length; row++) this.index(row);
  }

  private index(row: number): void {
    const ids = this.slotIds as Int32Array;
    if ((row + 1) * 2 > ids.length) {
      this.slotIds = null;
      this.buildIndex(); // indexes every row up to this one
      return;
    }
    const id = this.id[row] as number;
    const mask = ids.length - 1;
    let slot = hashSlot(id, mask);
    while (ids[slot] !== 0 && ids[slot] !== id) slot = (slot + 1) & mask;
    ids[slot] = id;
    this.slotRows[slot] = row;
  }

  has(id: number): boolean {
    return this.rowOf(id) >= 0;
  }

  flags(row: number): string {
    return FLAG_STRINGS[this.flagMask[row] as number] as string;
  }

  timeout(row: number): string {
    return this.timeouts.values[this.timeoutIndex[row] as number] as string;
  }

  /** The type column, trimmed (at most 9 characters). */
  typeCut(row: number): string {
    return this.typeCuts.values[this.typeCutIndex[row] as number] as string;
  }

  /** The text the row's `rest` lies in (its positions count bytes where isBytes()). */
  source(row: number): string {
    return this.sources.values[this.sourceIndex[row] as number] as string;
  }

  /** Whether the row's source is bytes one per character (sourceOfBytes): a slice of it is UTF-8 to decode. */
  isBytes(row: number): boolean {
    return this.byteSources.length > 0 && this.byteSources[this.sourceIndex[row] as number] === true;
  }

  /** Description + type suffix as /proc/keys printed it. */
  rest(row: number): string {
    return this.text(row, this.restStart[row] as number, this.restEnd[row] as number);
  }

  /** [start, end) of the row's source as a string (decoded from UTF-8 where the source is bytes). */
  private text(row: number, start: number, end: number): string {
    const slice = this.source(row).slice(start, end);
    return this.isBytes(row) && NOT_ASCII.test(slice) ? Buffer.from(slice, 'latin1').toString('utf8') : slice;
  }

  markMultiline(row: number): void {
    this.multiline.add(row);
  }

  /** Whether the row's `rest` holds a '\n' (/proc/keys cannot say where such a description ends). */
  isMultiline(row: number): boolean {
    return this.multiline.size > 0 && this.multiline.has(row);
  }

  /** The index of the row's type column among the table's distinct type columns (rows share a handful). */
  typeCutCode(row: number): number {
    return this.typeCutIndex[row] as number;
  }

  /** The index a full type name has in this table (setNameAt takes it, so rows need not hash the name). */
  typeCode(type: string): number {
    return this.types.of(type);
  }

  /** Full type name, null until resolved. */
  type(row: number): string | null {
    const i = this.typeIndex[row] as number;
    return i < 0 ? null : (this.types.values[i] as string);
  }

  isKeyring(row: number): boolean {
    return this.type(row) === 'keyring';
  }

  /** Description, null until resolved. */
  description(row: number): string | null {
    const end = this.descEnd[row] as number;
    if (end >= 0) return this.text(row, this.descStart[row] as number, end);
    return end === NAMED ? (this.named.get(row) as string) : null;
  }

  /** Sets the row's full type name and description. */
  setName(row: number, type: string, description: string): void {
    this.typeIndex[row] = this.types.of(type);
    this.descEnd[row] = NAMED;
    this.named.set(row, description);
  }

  /** Sets the row's full type name (typeCode()), and its description as [start, end) of its source text. */
  setNameAt(row: number, typeCode: number, start: number, end: number): void {
    this.typeIndex[row] = typeCode;
    this.descStart[row] = start;
    this.descEnd[row] = end;
  }

  /**
   * The payload's length in bytes where /proc/keys states it (payloadLength.ts), once the row's description is
   * known; undefined otherwise.
   */
  payloadLength(row: number): number | undefined {
    const type = this.type(row);
    if (type === null || !STATES_PAYLOAD_LENGTH.has(type)) return undefined;
    const source = this.source(row);
    const end = this.descEnd[row] as number;
    let suffixStart: number;
    if (end >= 0) suffixStart = end;
    else if (end === NAMED && this.isBytes(row)) {
      // As below, in the decoded `rest` (the description is a decoded string).
      const description = this.named.get(row) as string;
      const rest = this.rest(row);
      return rest.startsWith(description) ? payloadLengthFromSuffix(type, rest, description.length, rest.length) : undefined;
    } else if (end === NAMED) {
      // Named by DESCRIBE or the name cache: the suffix follows the description in `rest`.
      const description = this.named.get(row) as string;
      const start = this.restStart[row] as number;
      if (!source.startsWith(description, start)) return undefined;
      suffixStart = start + description.length;
    } else return undefined;
    return payloadLengthFromSuffix(type, source, suffixStart, this.restEnd[row] as number);
  }

  /**
   * Serials of the rows whose type column says 'keyring' (never a cut name, so known before any name is
   * resolved): what a scan asks the possessing side to read first.
   */
  keyringIds(): number[] {
    const ids: number[] = [];
    const keyring = this.typeCuts.of('keyring');
    for (let row = 0; row < this.length; row++) if (this.typeCutIndex[row] === keyring) ids.push(this.id[row] as number);
    return ids;
  }

  /**
   * The row columns keyRecordsJson.ts copies for its WebAssembly writer (read only: the table's own arrays, longer
   * than `length`), with the interned type and timeout names and which sources are bytes.
   */
  recordColumns(): RecordColumns {
    return {
      typeIndex: this.typeIndex,
      timeoutIndex: this.timeoutIndex,
      sourceIndex: this.sourceIndex,
      descStart: this.descStart,
      descEnd: this.descEnd,
      types: this.types.values,
      timeouts: this.timeouts.values,
      sources: this.sources.values,
      byteSources: this.byteSources,
    };
  }

  /**
   * Rows in ascending serial order (the snapshot's key order). The rows of one /proc/keys read come first, in
   * order; only the rows added after them (possessor-only keys, other users' views) are sorted, then merged in:
   * a comparator sort of every row cost ~20 ms at 100k keys, cold.
   */
  rowsInSerialOrder(): Int32Array {
    const n = this.length;
    const rows = new Int32Array(n);
    for (let i = 0; i < n; i++) rows[i] = i;
    if (this.ordered) return rows;
    const id = this.id;
    let prefix = 1;
    while (prefix < n && (id[prefix - 1] as number) < (id[prefix] as number)) prefix++;
    const rest = rows.slice(prefix).sort((a, b) => (id[a] as number) - (id[b] as number));
    // Merged; on equal serials the earlier row first, as a stable sort of every row would put them.
    let a = 0;
    let b = 0;
    for (let k = 0; k < n; k++) {
      if (b >= rest.length || (a < prefix && (id[a] as number) <= (id[rest[b] as number] as number))) rows[k] = a++;
      else rows[k] = rest[b++] as number;
    }
    return rows;
  }
}

/** KeyTable.addParsedRows()'s columns (timeout and typeCut: the table's indices, timeoutOf() and typeCutOf()). */
export interface ParsedColumns {
  readonly id: Int32Array;
  readonly flagMask: Uint8Array;
  readonly usage: Int32Array;
  readonly timeout: Int32Array;
  readonly perm: Uint32Array;
  readonly uid: Uint32Array;
  readonly gid: Uint32Array;
  readonly typeCut: Int32Array;
  readonly restStart: Int32Array;
  readonly restEnd: Int32Array;
  /**
   * Names found with the parse (procKeysParse.wat `name`), each a description that starts where `rest` does: the
   * table's typeCode() of the full type name and the description's end, -1 in both where the row is not named yet
   * (nameFromText names it, or says it cannot). Absent: no row is named yet.
   */
  readonly named?: { readonly typeIndex: Int32Array; readonly descEnd: Int32Array };
}

/** KeyTable.recordColumns(): descEnd < 0 where the description is not a slice of the row's source. */
export interface RecordColumns {
  readonly typeIndex: Int32Array;
  readonly timeoutIndex: Int32Array;
  readonly sourceIndex: Int32Array;
  readonly descStart: Int32Array;
  readonly descEnd: Int32Array;
  readonly types: readonly string[];
  readonly timeouts: readonly string[];
  readonly sources: readonly string[];
  readonly byteSources: readonly boolean[];
}

const UNRESOLVED = -1;
// eslint-disable-next-line no-control-regex
const NOT_ASCII = /[^\u0000-\u007f]/;
const NAMED = -2;

/** Rows from which the index is built by WebAssembly (serialIndex.ts); smaller tables (a poll's changes) in JavaScript. */
const WASM_INDEX_ROWS = 4096;

/**
 * The slot a serial's probe starts at (serialIndex.wat's $slot is the same). Serials are allocated at random by the
 * kernel, but mix them anyway (tests use consecutive ones).
 */
function hashSlot(id: number, mask: number): number {
  const h = Math.imul(id, 0x9e3779b1);
  return (h ^ (h >>> 15)) & mask;
}

/** A map from serials to values with one slot per table row (serials not in the table go to a small Map). */
export class RowMap<V> {
  private readonly rows: (V | undefined)[];
  private readonly others = new Map<number, V>();
  /**
   * The row the next get() is probably about (a caller walking the rows in order says so): checked against the
   * serial, it saves the lookup.
   */
  hint = -1;

  constructor(private readonly table: KeyTable) {
    this.rows = new Array<V | undefined>(table.length);
  }

  get(id: number): V | undefined {
    const hint = this.hint;
    const row = hint >= 0 && hint < this.rows.length && this.table.id[hint] === id ? hint : this.table.rowOf(id);
    return row >= 0 && row < this.rows.length ? this.rows[row] : this.others.get(id);
  }

  set(id: number, value: V): this {
    const row = this.table.rowOf(id);
    if (row >= 0 && row < this.rows.length) this.rows[row] = value;
    else this.others.set(id, value);
    return this;
  }

  /** get() of the serial in table row `row` (a caller that knows the row saves the lookup). */
  getAt(row: number): V | undefined {
    return row < this.rows.length ? this.rows[row] : this.get(this.table.id[row] as number);
  }

  /** set() of the serial in table row `row`. */
  setAt(row: number, value: V): this {
    if (row < this.rows.length) this.rows[row] = value;
    else this.set(this.table.id[row] as number, value);
    return this;
  }
}
