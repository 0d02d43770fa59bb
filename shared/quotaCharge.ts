// What a key costs its owner's byte quota (/proc/key-users' qnbytes), where the snapshot tells. From the
// kernel sources, and checked on this kernel against /proc/key-users (electron/keyring/quotaCharge.test.ts):
// - key_alloc (security/keys/key.c) charges strlen(description) + 1 (+ the type's def_datalen, 0 for every
//   type below), only to a key allocated in the quota: the `Q` of /proc/keys' flags (KEY_FLAG_IN_QUOTA). Keys
//   the kernel makes outside it (request_key's authorisation keys, most kernel keyrings) cost nothing; the
//   user registry `.user_reg` is in root's quota, and is charged like any keyring;
// - instantiation then reserves the payload's charge (key_payload_reserve): user and logon keys their data's
//   length, a big_key a flat 16 bytes whatever its size (big_key.c: "an arbitrary quota"), a keyring 4 bytes
//   per link (KEYQUOTA_LINK_BYTES, keyring.c), charged to the keyring's owner, given back when the link goes by
//   unlink, clear or revoke of the keyring, or with the keyring.
// Where the kernel charges more than a snapshot can see (shared/quotaGap.ts says so in words):
// - its garbage collector drops a collected member (invalidated, or revoked or expired and gc_delay later) from
//   its keyrings without giving those 4 bytes back (keyring_gc), so such a keyring stays charged for links it no
//   longer has until it is cleared, revoked or destroyed;
// - a key's charge is kept in 16 bits (struct key's quotalen and datalen, unsigned short) while the uid's total
//   is not: a keyring whose charge passed 65,535 bytes (16,384 links, live or collected) gives back only the
//   remainder modulo 65,536 when it is cleared, revoked or destroyed, so each wrap stays charged to the uid for
//   as long as the kernel keeps its accounting (root's: until reboot, for the kernel's own keyrings are root's).
//   Only a limit of 65,536 bytes or more lets a keyring get there: root's (root_maxbytes), not maxbytes' 20,000.
import type { KeyInfo } from './snapshot';

/** What big_key_preparse charges, whatever the payload's size. */
export const BIG_KEY_CHARGE = 16;

/** What a link costs its keyring's owner (KEYQUOTA_LINK_BYTES): a keyring's payload is 4 bytes a member. */
export const LINK_CHARGE = 4;

/** A key's own charge is kept modulo this (16 bits); a uid's total is not. */
export const KEY_CHARGE_MODULUS = 65_536;

/** The most links a keyring can hold (live, or collected and still charged) before its charge wraps. */
export function linksBeforeWrap(description: string): number {
  return Math.floor((KEY_CHARGE_MODULUS - 1 - (utf8Length(description) ?? description.length * 3) - 1) / LINK_CHARGE);
}

/** The UTF-8 length of `text`, or null where it holds U+FFFD (bytes that were not UTF-8: their count is lost). */
export function utf8Length(text: string): number | null {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c === 0xfffd) return null;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      n += 4; // a surrogate pair: one code point of 4 bytes
      i++;
    } else n += 3;
  }
  return n;
}

/** Whether /proc/keys' flags (`I--Q---`) say the key is in its owner's quota; null when they are not seven letters. */
function inQuota(flags: string | undefined): boolean | null {
  return flags?.length === 7 ? flags.charCodeAt(3) === 0x51 /* Q */ : null;
}

/**
 * Bytes `k` costs its owner's quota, or null where the snapshot cannot tell: a type whose payload length
 * /proc/keys does not state (or a key not instantiated), a description whose bytes were not UTF-8. A key outside
 * the quota (no `Q` in its flags) costs 0; without flags, a kernel keyring (named with a '.') is taken as unknown.
 */
export function quotaCharge(k: Pick<KeyInfo, 'type' | 'description' | 'payloadLength'> & { flags?: string }): number | null {
  const quota = inQuota(k.flags);
  if (quota === false) return 0;
  if (k.payloadLength === undefined) return null;
  if (quota === null && k.type === 'keyring' && k.description.startsWith('.')) return null;
  const description = utf8Length(k.description);
  if (description === null) return null;
  return description + 1 + (k.type === 'big_key' ? BIG_KEY_CHARGE : k.payloadLength);
}

/** What `uid`'s keys among `keys` cost its quota: the bytes of those whose charge is known, and how many are not. */
export interface ChargeSum {
  /** Sum of the known charges. */
  bytes: number;
  /** The uid's keys counted. */
  keys: number;
  /** Of those, the keys whose charge is not known (so `bytes` is a lower bound when this is not 0). */
  unknown: number;
}

export function chargesOf(keys: Iterable<KeyInfo>, uid: number): ChargeSum {
  return chargesByUid(keys).get(uid) ?? { bytes: 0, keys: 0, unknown: 0 };
}

/** Every uid's ChargeSum over `keys`, in one pass. */
export function chargesByUid(keys: Iterable<KeyInfo>): Map<number, ChargeSum> {
  const sums = new Map<number, ChargeSum>();
  for (const k of keys) addCharge(sums, k, 1);
  return sums;
}

/** Counts `k` in its uid's sum among `sums` (`sign` 1), or takes it out (-1): a key map's sums kept up to date. */
export function addCharge(sums: Map<number, ChargeSum>, k: KeyInfo, sign: 1 | -1): void {
  let sum = sums.get(k.uid);
  if (sum === undefined) sums.set(k.uid, (sum = { bytes: 0, keys: 0, unknown: 0 }));
  sum.keys += sign;
  const c = quotaCharge(k);
  if (c === null) sum.unknown += sign;
  else sum.bytes += sign * c;
}
