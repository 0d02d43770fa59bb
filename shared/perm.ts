// Key permission masks: 0xPPUUGGOO (possessor, user, group, other), each byte six bits.
// The kernel's rule (security/keys/permission.c key_task_permission): exactly one of user/group/other
// applies (uid match, else group match, else other); then the possessor byte is OR-ed in if possessed.
// Root gets no override.

export const PERM_BITS = { view: 0x01, read: 0x02, write: 0x04, search: 0x08, link: 0x10, setattr: 0x20 } as const;
export type PermName = keyof typeof PERM_BITS;
export const PERM_NAMES = Object.keys(PERM_BITS) as PermName[];

export const PERM_CLASSES = ['possessor', 'user', 'group', 'other'] as const;
export type PermClass = (typeof PERM_CLASSES)[number];

const CLASS_SHIFT: Record<PermClass, number> = { possessor: 24, user: 16, group: 8, other: 0 };
/** The bits the kernel defines in each byte; the rest are unused. */
export const PERM_ALL = 0x3f;
/** KEY_GRP_ALL etc.: a mask with only defined bits. */
export const VALID_PERM_MASK = 0x3f3f3f3f;

export interface Observer {
  uid: number;
  gid: number;
  /** Supplementary groups. */
  groups: readonly number[];
}

export interface KeyOwnership {
  uid: number;
  gid: number;
  perm: number;
}

/** The six permission bits one class is granted. */
export function classBits(perm: number, cls: PermClass): number {
  return ((perm >>> 0) >>> CLASS_SHIFT[cls]) & PERM_ALL;
}

export function withClassBits(perm: number, cls: PermClass, bits: number): number {
  const shift = CLASS_SHIFT[cls];
  return (((perm >>> 0) & ~(0xff << shift)) | ((bits & PERM_ALL) << shift)) >>> 0;
}

/** Which of user/group/other applies to this observer for this key (the kernel picks exactly one). */
export function applicableClass(key: KeyOwnership, who: Observer): 'user' | 'group' | 'other' {
  if (key.uid === who.uid) return 'user';
  // The group byte is consulted only when it grants something (KEY_GRP_ALL in the kernel).
  if (classBits(key.perm, 'group') !== 0 && (key.gid === who.gid || who.groups.includes(key.gid))) return 'group';
  return 'other';
}

/** The six bits this observer effectively has on the key. */
export function effectivePerm(key: KeyOwnership, who: Observer, possessed: boolean): number {
  let bits = classBits(key.perm, applicableClass(key, who));
  if (possessed) bits |= classBits(key.perm, 'possessor');
  return bits;
}

export function hasPerm(bits: number, name: PermName): boolean {
  return (bits & PERM_BITS[name]) !== 0;
}

/** `keyctl show` style: 'alswrv' letters for setattr, link, search, write, read, view; '-' where missing. */
/**
 * permLetters where some bits are granted only if a condition this process cannot tell holds (possession it cannot
 * tell: KeyInfo.possessionUnknown): `sure` bits as letters, bits only `maybe` grants as '?'.
 */
export function permLettersMaybe(sure: number, maybe: number): string {
  const known = permLetters(sure);
  const may = permLetters(maybe & ~sure);
  return [...known].map((ch, i) => (may[i] !== '-' ? '?' : ch)).join('');
}

export function permLetters(bits: number): string {
  const letters: [number, string][] = [
    [PERM_BITS.setattr, 'a'],
    [PERM_BITS.link, 'l'],
    [PERM_BITS.search, 's'],
    [PERM_BITS.write, 'w'],
    [PERM_BITS.read, 'r'],
    [PERM_BITS.view, 'v'],
  ];
  return letters.map(([bit, ch]) => (bits & bit ? ch : '-')).join('');
}

/** The mask as /proc/keys prints it: 8 lower-case hex digits. */
export function formatPermHex(perm: number): string {
  return (perm >>> 0).toString(16).padStart(8, '0');
}

export function decodePerm(perm: number): Record<PermClass, Record<PermName, boolean>> {
  const out = {} as Record<PermClass, Record<PermName, boolean>>;
  for (const cls of PERM_CLASSES) {
    const bits = classBits(perm, cls);
    out[cls] = Object.fromEntries(PERM_NAMES.map((n) => [n, hasPerm(bits, n)])) as Record<PermName, boolean>;
  }
  return out;
}

/**
 * Parses a mask typed by a person: hex with or without 0x ("3f010000", "0x3f010000").
 * Returns the mask, or the reason it is not one.
 */
export function parsePermMask(text: string): { ok: true; value: number } | { ok: false; reason: string } {
  const t = text.trim().toLowerCase().replace(/^0x/, '');
  if (!/^[0-9a-f]{1,8}$/.test(t)) return { ok: false, reason: 'a permission mask is 1 to 8 hex digits, like 3f010000' };
  const value = parseInt(t, 16) >>> 0;
  if ((value & ~VALID_PERM_MASK) !== 0) {
    return { ok: false, reason: 'each byte of the mask may only use bits 0x3f (view, read, write, search, link, setattr)' };
  }
  return { ok: true, value };
}
