// Parser for /proc/keys. Pure: text in, data out (the scanner reads the file and feeds us its text).
//
// The kernel prints one record per visible key (security/keys/proc.c, proc_keys_show):
//   "%08x %c%c%c%c%c%c%c %5d %4s %08x %5d %5d %-9.9s " + type->describe(key) + "\n"
//   serial flags usage timeout perm uid gid type-cut9 rest
// Widths are minimums: usage, uid and gid may be wider; the type column is exactly 9 characters.
// `rest` is the description followed by a type-specific suffix (`: 3`, `: empty`, ...), which
// descriptions.ts strips. A description may hold any byte but NUL, '\n' included, so one record can span
// several text lines.
//
// How lines are classified:
//  - a line matching the whole record grammar starts a record;
//  - a line that starts like a record (serial, space, seven flag characters, space) but breaks the
//    grammar later is a malformed record: reported in `errors` (with any lines continuing it), never
//    thrown, and the records around it are kept;
//  - any other line continues the previous record's `rest` (a description with '\n' in it), or is an
//    error when no record precedes it.
// Limitation, by construction of the format: a description holding '\n' followed by text that starts
// like a record (8 hex digits, space, 7 flag characters, space) reads as a new (or malformed) record.
// Only a deliberately crafted description does that; callers that care can DESCRIBE keys whose `rest`
// contains '\n' and check the ids they got against the keyrings they read.
//
// Cost: one pass with indexOf and charCodeAt, no regex and no split, straight into the columns of a
// KeyTable (keyTable.ts): no object per record. Flag strings and type columns are shared between records.
// 40k records take ~35 ms cold (Node 20, small VM), about half of what one object per record cost.
import { FLAG_LETTERS, KeyTable, type ProcKeyLine } from './keyTable';

export type { ProcKeyLine } from './keyTable';

export interface ProcKeysParseError {
  /** 1-based number of the text line where the bad record starts. */
  lineNumber: number;
  /** The offending text (a malformed record with its continuation lines joined by '\n'). */
  line: string;
  reason: string;
}

// The record grammar as a regex: the tests' reference for the hand-written scanner below, which the
// scanner runs on every poll (a regex per line, with its match array, measured slower at 40k records).
// The `s` flag lets `.` match '\r', U+2028 and U+2029, which may appear in descriptions. uid/gid are
// printed with %d from an unsigned value, so they may show a minus sign.
export const PROC_KEYS_RECORD =
  /^([0-9a-f]{8}) ([I-][R-][D-][Q-][U-][N-][i-]) +(-?\d+) +(perm|expd|\d+[smhdw]) ([0-9a-f]{8}) +(-?\d+) +(-?\d+) ([^ ].{8}) (.*)$/s;

const SPACE = 0x20;
const DASH = 0x2d;
const NEWLINE = '\n';

/** Value of a lowercase hex digit, or -1. */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/** Unsigned value of the 8 hex digits at `at`, or -1. */
function hex8(text: string, at: number): number {
  let v = 0;
  for (let k = 0; k < 8; k++) {
    const d = hexValue(text.charCodeAt(at + k));
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

const FLAG_CODES: readonly number[] = Array.from(FLAG_LETTERS, (letter) => letter.charCodeAt(0));

/** Flag mask of the 7 flag characters at `at`, or -1 when one is neither its letter nor '-'. */
function flagMask(text: string, at: number): number {
  let mask = 0;
  for (let k = 0; k < 7; k++) {
    const c = text.charCodeAt(at + k);
    if (c === FLAG_CODES[k]) mask |= 1 << k;
    else if (c !== DASH) return -1;
  }
  return mask;
}

/** Whether the line at `start` begins like a record: serial, space, 7 flag characters, space. */
function looksLikeRecordStart(text: string, start: number, end: number): boolean {
  return (
    end - start >= 17 &&
    hex8(text, start) >= 0 &&
    text.charCodeAt(start + 8) === SPACE &&
    flagMask(text, start + 9) >= 0 &&
    text.charCodeAt(start + 16) === SPACE
  );
}

/** Scanner state for one line: the position after the last field read, or -1 on a grammar error. */
interface Cursor {
  pos: number;
  value: number;
}

/** Reads ` +-?\d+` (spaces, then a decimal integer) into cursor.value; pos = -1 if absent. */
function readPaddedInt(text: string, cur: Cursor, end: number): void {
  let p = cur.pos;
  if (p >= end || text.charCodeAt(p) !== SPACE) return void (cur.pos = -1);
  while (p < end && text.charCodeAt(p) === SPACE) p++;
  let negative = false;
  if (p < end && text.charCodeAt(p) === DASH) {
    negative = true;
    p++;
  }
  const digitsStart = p;
  let v = 0;
  for (; p < end; p++) {
    const c = text.charCodeAt(p);
    if (c < 0x30 || c > 0x39) break;
    v = v * 10 + (c - 0x30);
  }
  if (p === digitsStart) return void (cur.pos = -1);
  // Past 15 digits the running sum loses precision differently from Number(): let Number() decide.
  if (p - digitsStart > 15) v = Number(text.slice(digitsStart, p));
  cur.value = negative ? -v : v;
  cur.pos = p;
}

/** Timeout token at `at` (after the padding): its end index, or -1. */
function timeoutEnd(text: string, at: number, end: number): number {
  if (text.startsWith('perm', at) || text.startsWith('expd', at)) return at + 4;
  let p = at;
  while (p < end && text.charCodeAt(p) >= 0x30 && text.charCodeAt(p) <= 0x39) p++;
  if (p === at || p >= end) return -1;
  const unit = text.charCodeAt(p);
  // s m h d w
  if (unit === 0x73 || unit === 0x6d || unit === 0x68 || unit === 0x64 || unit === 0x77) return p + 1;
  return -1;
}

/** Type columns seen in this parse (padded as printed) with their index in the table: usually a handful. */
interface TypeColumn {
  column: string;
  /** Its first character: most columns differ there, so most comparisons stop at one character. */
  first: number;
  index: number;
}

function typeCutAt(text: string, at: number, seen: TypeColumn[], table: KeyTable): number {
  for (let i = 0; i < seen.length; i++) {
    const t = seen[i] as TypeColumn;
    if (text.charCodeAt(at) === t.first && text.startsWith(t.column, at)) return t.index;
  }
  const column = text.slice(at, at + 9);
  const index = table.typeCutOf(column.trimEnd());
  if (seen.length < 64) seen.push({ column, first: column.charCodeAt(0), index });
  return index;
}

/** One record's fields while it is parsed (reused for every line: no per-line allocation). */
interface Fields {
  id: number;
  flags: number;
  usage: number;
  /** Table index of the timeout string. */
  timeout: number;
  perm: number;
  uid: number;
  gid: number;
  /** Table index of the type column. */
  typeCut: number;
  restStart: number;
}

/** Parses the record on [start, end) into `f`; false when the line breaks the grammar. */
function parseRecord(text: string, start: number, end: number, cur: Cursor, seen: TypeColumn[], f: Fields, table: KeyTable, perm: number): boolean {
  // The start of looksLikeRecordStart(), each field read once.
  if (end - start < 17) return false;
  f.id = hex8(text, start);
  if (f.id < 0 || text.charCodeAt(start + 8) !== SPACE) return false;
  f.flags = flagMask(text, start + 9);
  if (f.flags < 0 || text.charCodeAt(start + 16) !== SPACE) return false;

  cur.pos = start + 16;
  readPaddedInt(text, cur, end);
  if (cur.pos < 0) return false;
  f.usage = cur.value;

  // ' ' + '%4s' timeout: one separator, then right-aligned padding.
  let p = cur.pos;
  if (text.charCodeAt(p) !== SPACE) return false;
  while (p < end && text.charCodeAt(p) === SPACE) p++;
  const tEnd = timeoutEnd(text, p, end);
  if (tEnd < 0) return false;
  f.timeout = text.startsWith('perm', p) ? perm : table.timeoutOf(text.slice(p, tEnd));

  if (text.charCodeAt(tEnd) !== SPACE) return false;
  f.perm = hex8(text, tEnd + 1);
  if (f.perm < 0) return false;

  cur.pos = tEnd + 9;
  readPaddedInt(text, cur, end);
  if (cur.pos < 0) return false;
  f.uid = cur.value >>> 0;
  readPaddedInt(text, cur, end);
  if (cur.pos < 0) return false;
  f.gid = cur.value >>> 0;

  // ' ' + '%-9.9s' + ' ': the type column is exactly 9 characters and never starts with a space.
  const typeAt = cur.pos + 1;
  if (text.charCodeAt(cur.pos) !== SPACE || typeAt + 10 > end) return false;
  if (text.charCodeAt(typeAt) === SPACE || text.charCodeAt(typeAt + 9) !== SPACE) return false;
  f.typeCut = typeCutAt(text, typeAt, seen, table);
  f.restStart = typeAt + 10;
  return true;
}

/**
 * Parses /proc/keys text into `table` (rows keep the text's order), skipping records `keep` refuses; every
 * row gets `readAt`. Returns the malformed lines (the good records around them are kept).
 */
export function parseProcKeysInto(
  table: KeyTable,
  text: string,
  readAt: number,
  keep: ((id: number) => boolean) | null = null,
): ProcKeysParseError[] {
  const errors: ProcKeysParseError[] = [];
  const cur: Cursor = { pos: 0, value: 0 };
  const seen: TypeColumn[] = [];
  const f: Fields = { id: 0, flags: 0, usage: 0, timeout: 0, perm: 0, uid: 0, gid: 0, typeCut: 0, restStart: 0 };
  // Records are ~80 bytes: reserve once rather than grow as we go.
  table.reserve(Math.ceil(text.length / 64));
  const source = table.sourceOf(text);
  const perm = table.timeoutOf('perm');

  /** The row the next continuation line extends; SKIPPED when that record was not kept. */
  const NONE = -1;
  const SKIPPED = -2;
  let current = NONE;
  let currentError: ProcKeysParseError | null = null;
  let lineNumber = 0;
  // The kernel ends every record with '\n': nothing after the last one is a line.
  for (let start = 0; start < text.length; ) {
    const nl = text.indexOf(NEWLINE, start);
    const end = nl < 0 ? text.length : nl;
    lineNumber++;
    if (parseRecord(text, start, end, cur, seen, f, table, perm)) {
      currentError = null;
      if (keep !== null && !keep(f.id)) {
        current = SKIPPED;
      } else {
        const row = table.addRow(f.id, source, f.timeout, f.typeCut);
        table.flagMask[row] = f.flags;
        table.usage[row] = f.usage;
        table.perm[row] = f.perm;
        table.uid[row] = f.uid;
        table.gid[row] = f.gid;
        table.readAt[row] = readAt;
        table.restStart[row] = f.restStart;
        table.restEnd[row] = end;
        current = row;
      }
    } else if (looksLikeRecordStart(text, start, end)) {
      const line = text.slice(start, end);
      current = NONE;
      currentError = { lineNumber, line, reason: diagnoseRecord(line) };
      errors.push(currentError);
    } else if (current >= 0) {
      // A description holding '\n': the record's rest runs on through this line (the '\n' included).
      table.restEnd[current] = end;
      table.markMultiline(current);
    } else if (current === SKIPPED) {
      // continues a record we skip
    } else if (currentError !== null) {
      currentError.line += NEWLINE + text.slice(start, end);
    } else {
      errors.push({
        lineNumber,
        line: text.slice(start, end),
        reason: 'not a /proc/keys record, and no record before it to continue',
      });
    }
    start = end + 1;
  }
  return errors;
}

/** The records as objects (for callers that want a few lines, and the tests); a scan uses parseProcKeysInto. */
export function parseProcKeys(text: string): { lines: ProcKeyLine[]; errors: ProcKeysParseError[] } {
  const table = new KeyTable(0);
  const errors = parseProcKeysInto(table, text, 0);
  const lines: ProcKeyLine[] = new Array<ProcKeyLine>(table.length);
  for (let row = 0; row < table.length; row++) lines[row] = procKeyLineOf(table, row);
  return { lines, errors };
}

/** One table row as a ProcKeyLine. */
function procKeyLineOf(table: KeyTable, row: number): ProcKeyLine {
  return {
    id: table.id[row] as number,
    flags: table.flags(row),
    usage: table.usage[row] as number,
    timeout: table.timeout(row),
    perm: table.perm[row] as number,
    uid: table.uid[row] as number,
    gid: table.gid[row] as number,
    typeCut: table.typeCut(row),
    rest: table.rest(row),
  };
}

/** Says which field of a record-like line breaks the grammar (only runs on bad lines, so cost is moot). */
function diagnoseRecord(line: string): string {
  const checks: [RegExp, string][] = [
    [/^[0-9a-f]{8} [I-][R-][D-][Q-][U-][N-][i-] +-?\d+ /, 'usage is not a number'],
    [/^[0-9a-f]{8} \S{7} +\S+ +(perm|expd|\d+[smhdw]) /, "timeout is not 'perm', 'expd' or <n>[smhdw]"],
    [/^[0-9a-f]{8} \S{7} +\S+ +\S+ [0-9a-f]{8} /, 'permission mask is not 8 hex digits'],
    [/^[0-9a-f]{8} \S{7} +\S+ +\S+ \S+ +-?\d+ /, 'uid is not a number'],
    [/^[0-9a-f]{8} \S{7} +\S+ +\S+ \S+ +\S+ +-?\d+ /, 'gid is not a number'],
  ];
  for (const [re, reason] of checks) if (!re.test(line)) return `malformed record: ${reason}`;
  return 'malformed record: type column is not 9 characters followed by a space';
}
