// Where to cut a long name in the middle: the end of a key's description says as much as its start
// (`krbtgt/EXAMPLE.TEST@EXAMPLE.TEST`, `nfs4:uid:1000@example.com`, `fscrypt:4f1b…`), so a label that does
// not fit keeps the start and the end and drops the middle: `krbtgt/…@EXAMPLE.TEST`. When the room is too
// small for a whole tail (a realm, a path's last part) and a start long enough to tell keys apart, both
// ends share it: `krbtgt/E…E.TEST`, `nfs/file…E.TEST` (keys in one keyring often share their realm, and
// then their starts are what differs).

/** Texts this short are never split. */
const SHORT = 16;
/** The longest tail kept from a separator on; past it, the last TAIL_CHARS characters. */
const MAX_TAIL = 14;
const TAIL_CHARS = 6;
/** A whole tail is kept only with at least this many characters of the start beside it. */
const MIN_HEAD = 6;
export const ELLIPSIS = '…';

/** [head, tail]: the start that may be cut, and the end that names the key ('' for short texts). */
export function splitForMiddleEllipsis(text: string): [string, string] {
  if (text.length <= SHORT) return [text, ''];
  const from = Math.max(text.length - MAX_TAIL, 1);
  for (const sep of ['@', '/', ':']) {
    const at = text.lastIndexOf(sep);
    if (at >= from) return [text.slice(0, at), text.slice(at)];
  }
  return [text.slice(0, -TAIL_CHARS), text.slice(-TAIL_CHARS)];
}

/**
 * `text` as it fits `maxWidth` (as `measure` counts width): whole when it fits, else cut in the middle with
 * one ellipsis. Cuts between code points, never inside one. At least one character of the start is kept.
 */
export function middleCut(text: string, maxWidth: number, measure: (s: string) => number): string {
  if (measure(text) <= maxWidth) return text;
  const chars = Array.from(text);
  const join = (head: number, tail: number) => chars.slice(0, head).join('') + ELLIPSIS + (tail > 0 ? chars.slice(chars.length - tail).join('') : '');
  const fits = (head: number, tail: number) => measure(join(head, tail)) <= maxWidth;

  // A whole tail (`@EXAMPLE.TEST`) with a start long enough to read.
  const tail = Array.from(splitForMiddleEllipsis(text)[1]).length;
  if (tail > 0 && MIN_HEAD + tail < chars.length && fits(MIN_HEAD, tail)) {
    return join(largest(MIN_HEAD, chars.length - tail - 1, (h) => fits(h, tail)), tail);
  }
  // Else both ends share the room, the start one character ahead.
  const n = largest(0, chars.length - 1, (k) => fits(Math.max(1, Math.ceil(k / 2)), Math.floor(k / 2)));
  return join(Math.max(1, Math.ceil(n / 2)), Math.floor(n / 2));
}

/** The largest n in [lo, hi] with ok(n), ok being true up to some point and false after; lo when none is. */
function largest(lo: number, hi: number, ok: (n: number) => boolean): number {
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
