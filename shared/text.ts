// Cutting long text for display. A key's description may be 4,095 bytes: wherever one is printed inside
// a sentence or a one-line label, it is cut in the middle, so both its start and its end (often the
// telling part: `krbtgt/…@EXAMPLE.TEST`, `…(0x1ca19b07)`) stay readable. The whole text is shown elsewhere
// (the details panel, a tooltip).

/** Descriptions inside sentences (messages, confirmations, the change log) are cut to this many characters. */
export const SHORT_TEXT = 64;

const ELLIPSIS = '…';

/**
 * `text` if it has at most `max` characters, else its head, an ellipsis and its tail, `max` characters in
 * all. Counts code points, so a surrogate pair (an emoji) is never split.
 */
export function cutMiddle(text: string, max: number = SHORT_TEXT): string {
  if (text.length <= max) return text;
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const keep = Math.max(1, max - 1);
  const head = Math.ceil(keep / 2);
  const tail = keep - head;
  return chars.slice(0, head).join('') + ELLIPSIS + (tail > 0 ? chars.slice(-tail).join('') : '');
}

/**
 * One formatter for every count: `n.toLocaleString('en')` builds a new Intl.NumberFormat on each call (a few
 * hundred µs in V8, against ~1 µs for one kept), and the window counts on every delta (the status
 * bar's keys, the change log's events). Made on first use, not when the module loads: a process's first
 * Intl.NumberFormat starts ICU's number formatting, 45-70 ms of CPU in Node here, which `snapshot --json` (whose
 * bundle loads this module) never needs.
 */
let countFormat: Intl.NumberFormat | null = null;

/** A count with its digits grouped, as `toLocaleString('en')` writes it: "20,000". */
export function formatCount(count: number): string {
  countFormat ??= new Intl.NumberFormat('en');
  return countFormat.format(count);
}

/**
 * "1 event", "2 events", "20,000 keys", "3 matches": a count, digits grouped, and its noun, plural (`many`,
 * by default the noun and an s) unless the count is one. The one place the UI and the CLI say "N things".
 */
export function counted(count: number, noun: string, many = `${noun}s`): string {
  return `${formatCount(count)} ${count === 1 ? noun : many}`;
}
