// What a key costs its owner's byte quota (/proc/key-users' qnbytes), where the snapshot tells. From the
// kernel sources, and checked on this kernel against /proc/key-users (electron/keyring/quotaCharge.test.ts):
// - key_alloc (security/keys/key.c) charges strlen(description) + 1 (+ the type's def_datalen, 0 for every
//   type below);
// - instantiation then reserves the payload's charge (key_payload_reserve): user and logon keys their data's
//   length, a big_key a flat 16 bytes whatever its size (big_key.c: "an arbitrary quota"), a keyring 4 bytes
//   per link (KEYQUOTA_LINK_BYTES, keyring.c), given back when the link goes by unlink or clear.
// The kernel's garbage collector is the exception: it drops a collected member (expired, revoked,
// invalidated) from its keyrings without giving those 4 bytes back (keyring_gc), so such a keyring stays
// charged more than its members say until it is cleared: what a snapshot computes is then short of qnbytes.
// Keys the kernel makes outside the quota (kernel keyrings such as `.user_reg`, request_key's authorisation
// keys) cost nothing; /proc/key-users' nkeys − qnkeys counts them.
import type { KeyInfo } from './snapshot';

/** What big_key_preparse charges, whatever the payload's size. */
export const BIG_KEY_CHARGE = 16;

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

/**
 * Bytes `k` costs its owner's quota, or null where the snapshot cannot tell: a type whose payload length
 * /proc/keys does not state (or a key not instantiated), a description whose bytes were not UTF-8, and the
 * kernel's own keyrings (named with a '.', mostly outside the quota).
 */
export function quotaCharge(k: Pick<KeyInfo, 'type' | 'description' | 'payloadLength'>): number | null {
  if (k.payloadLength === undefined) return null;
  if (k.type === 'keyring' && k.description.startsWith('.')) return null;
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
  const sum: ChargeSum = { bytes: 0, keys: 0, unknown: 0 };
  for (const k of keys) {
    if (k.uid !== uid) continue;
    sum.keys++;
    const c = quotaCharge(k);
    if (c === null) sum.unknown++;
    else sum.bytes += c;
  }
  return sum;
}
