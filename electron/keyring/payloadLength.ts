// A key's payload length, where /proc/keys states it: what the type's describe() prints after the description
// when the key is positive (instantiated, not negative), from the kernel sources:
// - user and logon (security/keys/user_defined.c, user_describe): ": <datalen>", e.g. "token: 5";
// - big_key (big_key.c, big_key_describe): ": <length> [buff]" or "[file]";
// - keyring (keyring.c, keyring_describe): ": <members>" or ": empty". A keyring's payload is its member list,
//   4 bytes a member (what KEYCTL_READ returns, and what the kernel charges its owner for each link).
// Other types print no length (asymmetric, .request_key_auth, …) or one whose meaning we have not checked
// (encrypted, trusted, dns_resolver, …): their length stays unknown. Pure: text in, number out.

import { LINK_CHARGE } from '../../shared/quotaCharge';

/** The types whose /proc/keys suffix states the payload's length. */
export const STATES_PAYLOAD_LENGTH: ReadonlySet<string> = new Set(['user', 'logon', 'big_key', 'keyring']);

/** The non-negative integer in text[start, end) (digits only, at most 9 of them), or -1. */
function digitsValue(text: string, start: number, end: number): number {
  if (end <= start || end - start > 9) return -1;
  let v = 0;
  for (let p = start; p < end; p++) {
    const c = text.charCodeAt(p);
    if (c < 0x30 || c > 0x39) return -1;
    v = v * 10 + (c - 0x30);
  }
  return v;
}

/**
 * The payload length that the suffix text[start, end) (what follows the description) states for a key of type
 * `type`; undefined when it states none (another type, a negative or unfinished key, which prints no suffix).
 */
export function payloadLengthFromSuffix(type: string, text: string, start: number, end: number): number | undefined {
  if (end - start < 3 || text.charCodeAt(start) !== 0x3a /* : */ || text.charCodeAt(start + 1) !== 0x20) return undefined;
  const from = start + 2;
  let n: number;
  switch (type) {
    case 'user':
    case 'logon':
      n = digitsValue(text, from, end);
      break;
    case 'keyring':
      if (end - from === 5 && text.startsWith('empty', from)) return 0;
      n = digitsValue(text, from, end);
      if (n >= 0) n *= LINK_CHARGE;
      break;
    case 'big_key':
      n = end - from > 7 && (text.endsWith(' [buff]', end) || text.endsWith(' [file]', end)) ? digitsValue(text, from, end - 7) : -1;
      break;
    default:
      return undefined;
  }
  return n >= 0 ? n : undefined;
}
