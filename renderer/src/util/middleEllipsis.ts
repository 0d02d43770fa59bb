// Where to cut a long name in the middle: the end of a key's description says as much as its start
// (`krbtgt/EXAMPLE.TEST@EXAMPLE.TEST`, `nfs4:uid:1000@example.com`, `fscrypt:4f1b…`), so a narrow
// label keeps a tail whole and lets the head end in an ellipsis: `krbtgt/…@EXAMPLE.TEST`.

/** Texts this short are never split. */
const SHORT = 16;
/** The longest tail kept from a separator on; past it, the last TAIL_CHARS characters. */
const MAX_TAIL = 14;
const TAIL_CHARS = 6;

/** [head, tail]: the head may be cut with an ellipsis, the tail is always shown whole ('' for short texts). */
export function splitForMiddleEllipsis(text: string): [string, string] {
  if (text.length <= SHORT) return [text, ''];
  const from = Math.max(text.length - MAX_TAIL, 1);
  for (const sep of ['@', '/', ':']) {
    const at = text.lastIndexOf(sep);
    if (at >= from) return [text.slice(0, at), text.slice(at)];
  }
  return [text.slice(0, -TAIL_CHARS), text.slice(-TAIL_CHARS)];
}
