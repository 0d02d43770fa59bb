// Descriptions from /proc/keys: each record's `rest` is the key's description followed by whatever its
// type's describe() appended (`: 3`, `: empty`, ` pid:12 ci:4`, ...). Strip that suffix where the kernel's
// format makes it certain, and say "cannot tell" (null / false) where it does not, so the scanner DESCRIBEs
// exactly those keys. Pure: text in, bounds out.
import type { KeyTable } from './keyTable';
import type { NameCache } from './nameCache';
import { fullTypeName } from './typeNames';

/**
 * Names the rows [from, end) whose type and description /proc/keys tells (the name cache first, when it has
 * one); returns the rows it could not name, for DESCRIBE.
 */
export function nameFromText(table: KeyTable, from: number, names: NameCache | null = null): number[] {
  const ambiguous: number[] = [];
  const bounds: TextBounds = { start: 0, end: 0 };
  const byCut: ({ type: string; code: number } | null | undefined)[] = [];
  for (let row = from; row < table.length; row++) {
    if (table.type(row) !== null) continue;
    const cached = names?.get(table, row) ?? null;
    if (cached !== null) {
      table.setName(row, cached.type, cached.description);
      continue;
    }
    // Full type names per type column: a table has a handful of columns and thousands of rows.
    const cut = table.typeCutCode(row);
    let known = byCut[cut];
    if (known === undefined) {
      const type = fullTypeName(table.typeCut(row));
      known = byCut[cut] = type === null ? null : { type, code: table.typeCode(type) };
    }
    const source = table.source(row);
    const start = table.restStart[row] as number;
    const end = table.restEnd[row] as number;
    if (known !== null && !table.isMultiline(row) && descriptionBounds(known.type, source, start, end, table.flags(row), bounds)) {
      table.setNameAt(row, known.code, bounds.start, bounds.end);
      names?.remember(table, row);
    } else {
      ambiguous.push(row);
    }
  }
  return ambiguous;
}


/**
 * How a type's describe() prints, from the kernel sources:
 * - `suffix`: description, then a suffix matching `re` exactly when the key is positive
 *   (instantiated and not negative): user_describe and friends, keyring_describe, big_key,
 *   dns_resolver, fscrypt-provisioning.
 * - `asymmetric`: description, then `: <subtype> [<key id tail>] []` when the key has a subtype
 *   (every positive key); parsed strictly and refused when two splits are possible.
 * - `plain`: description only (blacklist).
 * - `optional`: description, then a suffix that may or may not be there whatever the flags (rxrpc
 *   prints its token list, possibly empty): known only when the text cannot end in such a suffix.
 * - `requestKeyAuth`: 'key:' + description [+ ' pid:<n> ci:<n>' if positive]; nothing when revoked.
 */
type DescribeFormat =
  | { kind: 'suffix'; suffixAt: SuffixFinder }
  | { kind: 'asymmetric' }
  | { kind: 'plain' }
  | { kind: 'optional'; re: RegExp }
  | { kind: 'requestKeyAuth' };

/** Where the type's suffix starts in text[start, end), or -1 when that text does not end in one. */
type SuffixFinder = (text: string, start: number, end: number) => number;

function regexSuffix(re: RegExp): SuffixFinder {
  return (text, start, end) => {
    const m = re.exec(text.slice(start, end));
    return m === null ? -1 : start + m.index;
  };
}

/**
 * `: <digits>` at the end (the regex /: \d+$/ without building a string per key: this runs for every user
 * key and keyring of every scan). The match starts where the maximal run of trailing digits is preceded by ': '.
 */
function digitsSuffixAt(text: string, start: number, end: number): number {
  let p = end;
  while (p > start) {
    const c = text.charCodeAt(p - 1);
    if (c < 0x30 || c > 0x39) break;
    p--;
  }
  if (p === end || p - 2 < start) return -1;
  return text.charCodeAt(p - 1) === 0x20 /* ' ' */ && text.charCodeAt(p - 2) === 0x3a /* ':' */ ? p - 2 : -1;
}

/** keyring_describe's `: empty` or `: <n>`. */
function keyringSuffixAt(text: string, start: number, end: number): number {
  if (end - start >= 7 && text.startsWith(': empty', end - 7)) return end - 7;
  return digitsSuffixAt(text, start, end);
}

/** user_describe: `seq_printf(m, ": %u", key->datalen)` when positive. */
const USER_SUFFIX: DescribeFormat = { kind: 'suffix', suffixAt: digitsSuffixAt };

const DESCRIBE_FORMATS: ReadonlyMap<string, DescribeFormat> = new Map<string, DescribeFormat>([
  ['user', USER_SUFFIX],
  ['logon', USER_SUFFIX],
  ['encrypted', USER_SUFFIX],
  ['trusted', USER_SUFFIX],
  ['id_resolver', USER_SUFFIX],
  ['id_legacy', USER_SUFFIX],
  ['cifs.spnego', USER_SUFFIX],
  ['cifs.idmap', USER_SUFFIX],
  ['pkcs7_test', USER_SUFFIX],
  // keyring_describe: ': empty' or ': <nr_leaves_on_tree>' when positive ('[anon]' for no description).
  ['keyring', { kind: 'suffix', suffixAt: keyringSuffixAt }],
  // big_key_describe: ': %zu [buff|file]'.
  ['big_key', { kind: 'suffix', suffixAt: regexSuffix(/: \d+ \[(?:buff|file)\]$/) }],
  // dns_resolver_describe: ': %d' (a negative errno for a cached failure) or ': %u'.
  ['dns_resolver', { kind: 'suffix', suffixAt: regexSuffix(/: -?\d+$/) }],
  // fscrypt_provisioning_key_describe: ': %u [%u]'.
  ['fscrypt-provisioning', { kind: 'suffix', suffixAt: regexSuffix(/: \d+ \[\d+\]$/) }],
  ['asymmetric', { kind: 'asymmetric' }],
  ['blacklist', { kind: 'plain' }],
  // rxrpc_describe: ': ' then the space-separated token kinds, nothing when the key has no token.
  ['rxrpc', { kind: 'optional', re: /: (?:ka|ygk|\d+)(?: (?:ka|ygk|\d+))*$/ }],
  ['.request_key_auth', { kind: 'requestKeyAuth' }],
]);

/**
 * For procKeysParse.wat's `name`, which strips the two commonest suffixes itself (every user key and keyring of a
 * one-shot scan): 1 where the type's suffix is `: <digits>` (digitsSuffixAt), 2 where it is keyring_describe's
 * (keyringSuffixAt), 0 for the other types (nameFromText names them).
 */
export function suffixKindForModule(fullType: string): 0 | 1 | 2 {
  const format = DESCRIBE_FORMATS.get(fullType);
  if (format?.kind !== 'suffix') return 0;
  return format.suffixAt === digitsSuffixAt ? 1 : format.suffixAt === keyringSuffixAt ? 2 : 0;
}

const REQUEST_KEY_AUTH_SUFFIX = regexSuffix(/ pid:-?\d+ ci:\d+$/);

/**
 * Strip the type's describe() suffix from `rest`; returns null when the description cannot be known for
 * sure from /proc/keys alone (unknown type, or a cut type name), so the caller DESCRIBEs it instead.
 * `fullType` is the full type name (fullTypeName() of the column, or DESCRIBE's); a cut name gives null.
 *
 * Whether a suffix was printed depends on the key's state, which the kernel reads twice: once for the
 * flags, once inside describe(). A key under construction (no 'I') or negative ('N') may become positive
 * in between; when such a key's text ends in something that looks like the suffix, we return null
 * rather than guess. Revoked and invalidated keys cannot change state, and DESCRIBE refuses them, so
 * their flags are trusted. If DESCRIBE then fails too (an expired negative key), `rest` itself is the
 * best text there is: it is the exact description unless the key was instantiated during the read.
 */
export function descriptionFromRest(fullType: string, rest: string, flags: string): string | null {
  return descriptionFromText(fullType, rest, 0, rest.length, flags);
}

/** descriptionFromRest() of text[start, end), without slicing `rest` out first. */
export function descriptionFromText(fullType: string, text: string, start: number, end: number, flags: string): string | null {
  const bounds: TextBounds = { start: 0, end: 0 };
  return descriptionBounds(fullType, text, start, end, flags, bounds) ? text.slice(bounds.start, bounds.end) : null;
}

export interface TextBounds {
  start: number;
  end: number;
}

/**
 * Where the description lies in text[start, end) (a record's `rest`): true with `out` set, false when
 * /proc/keys cannot tell (descriptionFromRest's null). Makes no string in the common cases: a scan calls it
 * for every key and keeps only the bounds.
 */
export function descriptionBounds(fullType: string, text: string, start: number, end: number, flags: string, out: TextBounds): boolean {
  const format = DESCRIBE_FORMATS.get(fullType);
  if (format === undefined) return false;
  const positive = flags.charCodeAt(0) === 0x49 /* I */ && flags.charCodeAt(5) !== 0x4e; /* N */
  const settled = positive || flags.charCodeAt(1) === 0x52 /* R */ || flags.charCodeAt(6) === 0x69; /* i */
  out.start = start;
  out.end = end;

  switch (format.kind) {
    case 'plain':
      return true;
    case 'optional':
      return !format.re.test(text.slice(start, end));
    case 'suffix': {
      const descriptionEnd = suffixStripped(text, start, end, format.suffixAt, positive, settled);
      if (descriptionEnd < 0) return false;
      out.end = descriptionEnd;
      // keyring_describe prints '[anon]' for a keyring without a description: a keyring really named
      // '[anon]' looks the same.
      return !(fullType === 'keyring' && descriptionEnd - start === 6 && text.startsWith('[anon]', start));
    }
    case 'asymmetric': {
      const rest = text.slice(start, end);
      const stripped = stripAsymmetricSuffix(rest);
      if (positive) {
        if (stripped === null) return false;
        out.end = start + stripped.length;
        return true;
      }
      return settled || stripped === null;
    }
    case 'requestKeyAuth': {
      // Revoked auth keys print nothing at all (their payload is gone).
      if (end - start < 4 || !text.startsWith('key:', start)) return false;
      const descriptionEnd = suffixStripped(text, start + 4, end, REQUEST_KEY_AUTH_SUFFIX, positive, settled);
      if (descriptionEnd < 0) return false;
      out.start = start + 4;
      out.end = descriptionEnd;
      return true;
    }
  }
}

/** Where the description ends once the suffix is stripped; -1 when /proc/keys cannot tell. */
function suffixStripped(text: string, start: number, end: number, suffixAt: SuffixFinder, positive: boolean, settled: boolean): number {
  const at = suffixAt(text, start, end);
  if (positive) return at;
  if (at >= 0 && !settled) return -1;
  return end;
}

// asymmetric_key_describe: ': ' + subtype->describe() (public_key: '<id_type>.<pkey_algo>', possibly
// empty) + [' ' + last 8 characters of the key id (hex)] + ' []'.
const ASYMMETRIC_TAIL = /^: [^ ]*(?: [0-9a-f]{1,8})? \[\]$/;
/** Longest suffix we look at: subtype names are short; this bounds the scan on long descriptions. */
const ASYMMETRIC_TAIL_MAX = 256;

function stripAsymmetricSuffix(rest: string): string | null {
  if (!rest.endsWith(' []')) return null;
  let found = -1;
  const stop = Math.max(0, rest.length - ASYMMETRIC_TAIL_MAX);
  for (let at = rest.lastIndexOf(': '); at >= stop; at = at > 0 ? rest.lastIndexOf(': ', at - 1) : -1) {
    if (ASYMMETRIC_TAIL.test(rest.slice(at))) {
      if (found !== -1) return null; // two ways to split: ambiguous
      found = at;
    }
  }
  return found === -1 ? null : rest.slice(0, found);
}

