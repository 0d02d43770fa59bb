// What changed in /proc/keys between two reads, line by line, on the bytes: the reader thread compares its
// last read with the new one and sends only the records that differ, so a poll where a few keys changed moves
// and parses a few lines, not 40k.
//
// Both reads list records in ascending serial order (the kernel walks its tree of serials), so one merge walk
// pairs them: a serial in both whose bytes differ is changed, one only in the new read is added, one only in
// the old read is removed. Unchanged records cost a memcmp. A description may hold '\n': a line that does not
// start like a record continues the one before (as procKeys.ts reads it). Whatever does not fit (serials out
// of order, a cut-off line, continuation lines before any record) gives up (null): the caller reads the text.
const NEWLINE = 0x0a;
const SPACE = 0x20;

export interface ProcKeysChanges {
  /** The changed and added records, as /proc/keys text (whole lines, in serial order). */
  text: string;
  /** Serials the old read listed and the new one does not. */
  removed: number[];
}

/** Serial of the record starting at `at` (8 hex digits, then a space), or -1. */
function serialAt(buf: Buffer, at: number, end: number): number {
  if (end - at < 17 || buf[at + 8] !== SPACE || buf[at + 16] !== SPACE) return -1;
  let v = 0;
  for (let k = 0; k < 8; k++) {
    const c = buf[at + k] as number;
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

const CHUNK = 1 << 14;

/**
 * Length of the common prefix of a and b (memcmp a chunk at a time, then byte by byte). Two reads of the same
 * length are first compared whole in one memcmp: an idle poll's are the same, and one call over 3 MB (40k keys)
 * cost 95-105 µs where 194 chunks' calls cost 175-400 µs.
 */
function commonPrefix(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  if (a.length === b.length && a.equals(b)) return n;
  let p = 0;
  while (p + CHUNK <= n && a.compare(b, p, p + CHUNK, p, p + CHUNK) === 0) p += CHUNK;
  while (p < n && a[p] === b[p]) p++;
  return p;
}

/** Length of the common suffix of a and b, at most `limit`. */
function commonSuffix(a: Buffer, b: Buffer, limit: number): number {
  let s = 0;
  while (s + CHUNK <= limit && a.compare(b, b.length - s - CHUNK, b.length - s, a.length - s - CHUNK, a.length - s) === 0) s += CHUNK;
  while (s < limit && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  return s;
}

/** The records of `now` that differ from `before`'s, and the serials gone; null when the walk cannot tell. */
export function procKeysChanges(before: Buffer, now: Buffer): ProcKeysChanges | null {
  // Walk only the lines between the common prefix and suffix: both begin at the same line start (the bytes
  // before it are the same), and after the first newline inside the common suffix both hold the same lines.
  const prefix = commonPrefix(before, now);
  if (prefix === before.length && prefix === now.length) return { text: '', removed: [] };
  const suffix = commonSuffix(before, now, Math.min(before.length, now.length) - prefix);
  // Whole records: back to the line a record starts on, and on past the lines continuing the last one.
  let start = prefix === 0 ? 0 : before.lastIndexOf(NEWLINE, prefix - 1) + 1;
  while (start > 0 && !startsRecord(before, start)) start = before.lastIndexOf(NEWLINE, start - 2) + 1;
  let tail = before.indexOf(NEWLINE, before.length - suffix);
  while (tail >= 0 && tail + 1 < before.length && !startsRecord(before, tail + 1)) tail = before.indexOf(NEWLINE, tail + 1);
  const stopOld = tail < 0 ? before.length : tail + 1;
  const stopNew = tail < 0 ? now.length : tail + 1 + now.length - before.length;
  return walk(before.subarray(start, stopOld), now.subarray(start, stopNew));
}

/** Whether the line at `at` starts like a record (a line that does not continues the record before it). */
function startsRecord(buf: Buffer, at: number): boolean {
  const nl = buf.indexOf(NEWLINE, at);
  return serialAt(buf, at, nl < 0 ? buf.length : nl) >= 0;
}

/** The end ('\n' included) of the record whose first line ends at `lineEnd`: continuation lines are part of it. */
function recordEnd(buf: Buffer, lineEnd: number): number {
  let end = lineEnd;
  while (end + 1 < buf.length && !startsRecord(buf, end + 1)) {
    const nl = buf.indexOf(NEWLINE, end + 1);
    if (nl < 0) return -1;
    end = nl;
  }
  return end;
}

/** Bytes per comparison when passing over equal records (walk). */
const STRETCH = 2048;

/**
 * How many bytes from `i` in `before` and `j` in `now`, both at the start of a record, are whole records equal in
 * both: the equal bytes, compared STRETCH at a time, up to the last line inside them that starts a record in both
 * (its serial and the space after it lie inside them, so the lines before it end the same records in both).
 */
function equalRecords(before: Buffer, i: number, now: Buffer, j: number): number {
  const most = Math.min(before.length - i, now.length - j);
  let n = 0;
  while (n + STRETCH <= most && before.compare(now, j + n, j + n + STRETCH, i + n, i + n + STRETCH) === 0) n += STRETCH;
  if (n === 0) return 0;
  // The last line start at or before i + n - 17, so that its first 17 bytes are among the equal ones.
  let at = before.lastIndexOf(NEWLINE, i + n - 18) + 1;
  while (at > i && !startsRecord(before, at)) at = before.lastIndexOf(NEWLINE, at - 2) + 1;
  return at > i ? at - i : 0;
}

function walk(before: Buffer, now: Buffer): ProcKeysChanges | null {
  const pieces: Buffer[] = [];
  const removed: number[] = [];
  let i = 0;
  let j = 0;
  let oldEnd = -1;
  let oldSerial = -1;
  let newEnd = -1;
  let newSerial = -1;
  let lastOld = -1;
  let lastNew = -1;
  while (true) {
    if (oldEnd < 0 && i < before.length) {
      oldEnd = before.indexOf(NEWLINE, i);
      if (oldEnd < 0) return null; // every record ends with '\n'
      oldSerial = serialAt(before, i, oldEnd);
      if (oldSerial <= lastOld) return null;
      oldEnd = recordEnd(before, oldEnd);
      if (oldEnd < 0) return null;
      lastOld = oldSerial;
    }
    if (newEnd < 0 && j < now.length) {
      newEnd = now.indexOf(NEWLINE, j);
      if (newEnd < 0) return null;
      newSerial = serialAt(now, j, newEnd);
      if (newSerial <= lastNew) return null;
      newEnd = recordEnd(now, newEnd);
      if (newEnd < 0) return null;
      lastNew = newSerial;
    }
    const hasOld = oldEnd >= 0;
    const hasNew = newEnd >= 0;
    if (!hasOld && !hasNew) break;
    if (hasOld && (!hasNew || oldSerial < newSerial)) {
      removed.push(oldSerial);
      i = oldEnd + 1;
      oldEnd = -1;
    } else if (hasNew && (!hasOld || newSerial < oldSerial)) {
      pieces.push(now.subarray(j, newEnd + 1));
      j = newEnd + 1;
      newEnd = -1;
    } else {
      const same = newEnd - j === oldEnd - i && now.compare(before, i, oldEnd, j, newEnd) === 0;
      if (!same) pieces.push(now.subarray(j, newEnd + 1));
      i = oldEnd + 1;
      oldEnd = -1;
      j = newEnd + 1;
      newEnd = -1;
      if (same) {
        // In step again: the records that follow are mostly equal too (the changes of a poll are few, spread through
        // the file), so pass over what is equal a chunk at a time rather than record by record.
        const skip = equalRecords(before, i, now, j);
        i += skip;
        j += skip;
      }
    }
  }
  return { text: Buffer.concat(pieces).toString('utf8'), removed };
}
