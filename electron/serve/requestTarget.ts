// The request target (`GET <target> HTTP/1.1`), parsed once per request by a function that cannot throw.
//
// `new URL(target, base)` is not a parser for this: it throws on `//[` and `http://`, and it reads
// `//evil.example/x` as another host. serve only answers origin-form targets (RFC 9112 §3.2.1):
// a path of non-empty segments, then an optional query. Anything else gets 400 before any other check.

export type RequestTarget =
  | {
      ok: true;
      /** The path as sent, still percent-encoded (`/assets/app.js`). */
      path: string;
      query: URLSearchParams;
    }
  | {
      ok: false;
      /** Why the target is refused, for the 400 body and the log line. */
      reason: string;
    };

/** Longest target kept in a log line; the rest is cut off with `…`. */
const SHOWN_TARGET_CHARS = 80;

// A path segment's characters (RFC 3986 `pchar`): unreserved, sub-delims, ':', '@' and percent escapes
// (whose hex digits are checked where they are decoded: a malformed escape is simply a path that names no file).
const PATH = /^(?:\/[A-Za-z0-9\-._~!$&'()*+,;=:@%]+)*\/?$/;

export function parseRequestTarget(raw: string | undefined): RequestTarget {
  if (typeof raw !== 'string' || raw === '') return { ok: false, reason: 'no request target' };
  if (!raw.startsWith('/')) return { ok: false, reason: 'the request target must be a path (/…)' };
  const queryAt = raw.indexOf('?');
  const path = queryAt === -1 ? raw : raw.slice(0, queryAt);
  const fragmentAt = raw.indexOf('#');
  if (fragmentAt !== -1) return { ok: false, reason: 'the request target carries a fragment (#)' };
  if (path.includes('//')) return { ok: false, reason: 'the path has an empty segment (//)' };
  if (!PATH.test(path)) return { ok: false, reason: 'the path holds a character that must be percent-encoded' };
  // URLSearchParams decodes leniently (a malformed escape stays as written) and does not throw on a string.
  const query = new URLSearchParams(queryAt === -1 ? '' : raw.slice(queryAt + 1));
  return { ok: true, path, query };
}

/**
 * How a target appears in a log line: its path only (the query may carry the access token), quoted so
 * that nothing in it can forge a line, and cut short. Works on any target, parsed or not.
 */
export function shownTarget(raw: string | undefined): string {
  const text = typeof raw === 'string' ? raw : '';
  const queryAt = text.indexOf('?');
  const path = queryAt === -1 ? text : text.slice(0, queryAt) + '?…';
  const cut = path.length > SHOWN_TARGET_CHARS ? path.slice(0, SHOWN_TARGET_CHARS) + '…' : path;
  return JSON.stringify(cut);
}
