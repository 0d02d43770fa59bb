// Input validation for the actions, pure and shared: the UI shows the reason next to the field, the
// service checks the same rules before the kernel is called. Every function answers with a value or a
// reason in words and never throws, whatever it is given.
import type { AddableKeyType } from './api';
import { specialKeyring, specialKeyringId } from './keyIds';
import { parsePermMask, VALID_PERM_MASK } from './perm';

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const bad = <T = never>(reason: string): Checked<T> => ({ ok: false, reason });

export const MAX_KEY_SERIAL = 0x7fff_ffff;
/** The kernel's limit on a description (4096 bytes with its NUL). */
export const MAX_DESCRIPTION_BYTES = 4095;
/** Key type names are at most 31 characters (32 bytes with the NUL). */
export const MAX_TYPE_LENGTH = 31;
/** Largest timeout KEYCTL_SET_TIMEOUT takes (an unsigned int of seconds). */
export const MAX_TIMEOUT_SECONDS = 0xffff_ffff;
/** Payload limits by key type, in bytes (user and logon: 32767; a keyring takes none). */
export const PAYLOAD_LIMITS: Record<AddableKeyType | 'big_key', { min: number; max: number }> = {
  user: { min: 1, max: 32767 },
  logon: { min: 1, max: 32767 },
  keyring: { min: 0, max: 0 },
  big_key: { min: 1, max: 1024 * 1024 },
};
/** Largest uid/gid KEYCTL_CHOWN accepts ((uid_t)-1 means "leave unchanged"). */
export const MAX_ID = 0xffff_fffe;


/** A key serial (positive int32) or, where `allowSpecial`, one of -1..-5 (thread, process, session, user, user-session). */
export function checkKeyId(value: unknown, allowSpecial = false): Checked<number> {
  if (typeof value !== 'number' || !Number.isInteger(value)) return bad('a key id is a whole number');
  if (value >= 1 && value <= MAX_KEY_SERIAL) return ok(value);
  if (allowSpecial && specialKeyring(value)) return ok(value);
  return bad(
    allowSpecial
      ? 'a keyring is a key serial (1 to 0x7fffffff) or @t, @p, @s, @u, @us'
      : 'a key id is a serial between 1 and 0x7fffffff',
  );
}

/** Parses what a person typed: hex (0x1a2b or bare hex as /proc/keys prints it with a letter), decimal, or @s and friends. */
export function parseKeyId(text: unknown, allowSpecial = false): Checked<number> {
  if (typeof text !== 'string') return bad('a key id is text like 0x1a2b3c4d, 439041101 or @s');
  const t = text.trim().toLowerCase();
  if (t === '') return bad('enter a key id (0x1a2b3c4d, decimal, or @s)');
  if (t.startsWith('@')) {
    const id = specialKeyringId(t);
    if (id === undefined) return bad(`unknown special keyring ${text.trim()}: use @t, @p, @s, @u or @us`);
    return allowSpecial ? ok(id) : bad('a special keyring name is not allowed here: give the key’s serial');
  }
  let n: number;
  if (/^0x[0-9a-f]{1,8}$/.test(t)) n = parseInt(t.slice(2), 16);
  else if (/^[0-9]{1,10}$/.test(t)) n = Number(t);
  else if (/^[0-9a-f]{1,8}$/.test(t)) n = parseInt(t, 16);
  else return bad('a key id is hex (0x1a2b3c4d), decimal, or @s');
  return checkKeyId(n, allowSpecial);
}

export function checkTimeout(value: unknown): Checked<number> {
  if (typeof value !== 'number' || !Number.isFinite(value)) return bad('a timeout is a number of seconds');
  if (!Number.isInteger(value)) return bad('a timeout is a whole number of seconds');
  if (value < 0) return bad('a timeout cannot be negative (0 removes the timeout)');
  if (value > MAX_TIMEOUT_SECONDS) return bad(`a timeout is at most ${MAX_TIMEOUT_SECONDS} seconds`);
  return ok(value);
}

const TIMEOUT_UNITS: Record<string, number> = { s: 1, sec: 1, m: 60, min: 60, h: 3600, d: 86400, w: 604800 };
// Longer spellings first: with `s` first, "90sec" would stop at "90s" and refuse "ec".
const TIMEOUT_PART = /(\d+)\s*(sec|min|s|m|h|d|w)/gy;

/**
 * A timeout as a person types it: whole seconds (`600`), or parts with units (`90s`, `10m`, `1h 30m`, `2d`,
 * `1w`), added up. Too large says so, whatever the number of digits.
 */
export function parseTimeout(text: unknown): Checked<number> {
  if (typeof text !== 'string' || text.trim() === '') return bad('enter seconds, or a duration like 90s, 10m, 1h 30m, 2d (0 removes the timeout)');
  const t = text.trim().toLowerCase();
  if (/^-/.test(t)) return bad('a timeout cannot be negative (0 removes the timeout)');
  let seconds: number;
  if (/^\d+$/.test(t)) seconds = Number(t);
  else {
    seconds = 0;
    let at = 0;
    for (;;) {
      while (t[at] === ' ') at++;
      if (at === t.length) break;
      TIMEOUT_PART.lastIndex = at;
      const m = TIMEOUT_PART.exec(t);
      if (!m) return bad('a timeout is whole seconds, or a duration like 90s, 10m, 1h 30m, 2d');
      seconds += Number(m[1]) * TIMEOUT_UNITS[m[2]!]!;
      at = TIMEOUT_PART.lastIndex;
    }
  }
  if (seconds > MAX_TIMEOUT_SECONDS) return bad(`too large: a timeout is at most ${MAX_TIMEOUT_SECONDS} seconds (about 136 years)`);
  return checkTimeout(seconds);
}

export function checkPermMask(value: unknown): Checked<number> {
  if (typeof value !== 'number' || !Number.isInteger(value)) return bad('a permission mask is a whole number');
  if (value < 0 || value > 0xffff_ffff) return bad('a permission mask is 32 bits');
  if ((value & ~VALID_PERM_MASK) !== 0) {
    return bad('each byte of the mask may only use bits 0x3f (view, read, write, search, link, setattr)');
  }
  return ok(value >>> 0);
}

export function parsePerm(text: unknown): Checked<number> {
  if (typeof text !== 'string') return bad('a permission mask is 1 to 8 hex digits, like 3f010000');
  const parsed = parsePermMask(text);
  return parsed.ok ? ok(parsed.value) : bad(parsed.reason);
}

export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

export function checkDescription(value: unknown): Checked<string> {
  if (typeof value !== 'string') return bad('a description is text');
  if (value.length === 0) return bad('a description cannot be empty');
  if (value.includes('\0')) return bad('a description cannot contain a NUL character');
  const bytes = utf8Length(value);
  if (bytes > MAX_DESCRIPTION_BYTES) return bad(`a description is at most ${MAX_DESCRIPTION_BYTES} bytes of UTF-8 (this one is ${bytes})`);
  return ok(value);
}

export function checkKeyType(value: unknown): Checked<string> {
  if (typeof value !== 'string' || value.length === 0) return bad('a key type is a name like user, logon or keyring');
  if (value.length > MAX_TYPE_LENGTH) return bad(`a key type name is at most ${MAX_TYPE_LENGTH} characters`);
  if (!/^[a-z0-9_.:-]+$/i.test(value)) return bad('a key type name has only letters, digits and _ . : -');
  return ok(value);
}

/** Whether `bytes` bytes of payload fit a key of this type. */
export function checkPayloadSize(type: AddableKeyType | 'big_key', bytes: number): Checked<number> {
  const limit = PAYLOAD_LIMITS[type];
  if (!limit) return bad(`unknown key type ${String(type)}`);
  if (limit.max === 0) return bytes === 0 ? ok(0) : bad('a keyring takes no payload');
  if (bytes < limit.min) return bad(`a ${type} key needs a payload of at least ${limit.min} byte`);
  if (bytes > limit.max) return bad(`a ${type} key’s payload is at most ${limit.max} bytes (this one is ${bytes})`);
  return ok(bytes);
}

export type PayloadEncoding = 'text' | 'hex';

/** Turns what was typed into payload bytes: UTF-8 text, or hex digits (spaces and colons allowed between bytes). */
export function parsePayload(text: unknown, encoding: PayloadEncoding): Checked<Uint8Array> {
  if (typeof text !== 'string') return bad('the payload is text');
  if (encoding === 'text') return ok(new TextEncoder().encode(text));
  const digits = text.replace(/[\s:]/g, '').replace(/^0x/i, '');
  if (!/^[0-9a-f]*$/i.test(digits)) return bad('hex payloads use only 0-9 and a-f');
  if (digits.length % 2 !== 0) return bad('hex payloads need two digits per byte');
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return ok(out);
}

/** A uid or gid by number or by name (looked up in `names`, number → name). Empty means "leave unchanged" (null). */
export function parseIdentity(text: unknown, names: Record<number, string>, what: 'user' | 'group'): Checked<number | null> {
  if (text === null || text === undefined) return ok(null);
  if (typeof text === 'number') return checkIdNumber(text, what);
  if (typeof text !== 'string') return bad(`a ${what} is a name or a number`);
  const t = text.trim();
  if (t === '') return ok(null);
  if (/^[0-9]+$/.test(t)) return checkIdNumber(Number(t), what);
  for (const [id, name] of Object.entries(names)) if (name === t) return ok(Number(id));
  return bad(`no ${what} named “${t}” on this host`);
}

function checkIdNumber(n: number, what: 'user' | 'group'): Checked<number> {
  if (!Number.isInteger(n) || n < 0 || n > MAX_ID) return bad(`a ${what} id is a whole number from 0 to ${MAX_ID}`);
  return ok(n);
}

// --- base64, without Buffer or atob so both sides (and shared/) can use it ---------------------------

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    out += B64[a >> 2]! + B64[((a & 3) << 4) | ((b ?? 0) >> 4)]!;
    out += b === undefined ? '=' : B64[((b & 15) << 2) | ((c ?? 0) >> 6)]!;
    out += c === undefined ? '=' : B64[c & 63]!;
  }
  return out;
}

export function base64ToBytes(text: unknown): Checked<Uint8Array> {
  if (typeof text !== 'string') return bad('the payload must be base64 text');
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return bad('the payload is not valid base64');
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const n =
      (B64.indexOf(text[i]!) << 18) |
      (B64.indexOf(text[i + 1]!) << 12) |
      ((Math.max(0, B64.indexOf(text[i + 2]!)) & 63) << 6) |
      (Math.max(0, B64.indexOf(text[i + 3]!)) & 63);
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return ok(out);
}

/** Bytes as hex pairs separated by spaces, for the payload viewer. */
export function bytesToHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
