// How a key id is written, and the special keyring ids, each in one place. Pure.

/** The id as /proc/keys prints it: 8 lower-case hex digits, no prefix. */
export function hexId(id: number): string {
  return (id >>> 0).toString(16).padStart(8, '0');
}

/** The id in a sentence: `0x1a2b3c4d`; a special id (negative) stays decimal. */
export function formatKeyId(id: number): string {
  return id < 0 ? String(id) : `0x${hexId(id)}`;
}

/**
 * The kernel's special key ids (KEY_SPEC_* in include/uapi/linux/keyctl.h): keyctl(2) and add_key(2) read
 * them as "the caller's thread keyring", and so on. -6 is accepted but never resolves (there are no group
 * keyrings); -7 and -8 exist only inside a request-key upcall.
 */
export const KEY_SPEC = {
  THREAD: -1,
  PROCESS: -2,
  SESSION: -3,
  USER: -4,
  USER_SESSION: -5,
  GROUP: -6,
  REQKEY_AUTH: -7,
  REQUESTOR: -8,
} as const;

/**
 * The special keyring ids of the calling process's own keyrings, as keyctl(1) spells them and
 * which snapshot anchor each one is. The kernel creates the user keyrings on first use of -4/-5, so the
 * scanner never passes those to it (it finds them by name in /proc/keys).
 */
export const SPECIAL_KEYRINGS = [
  { id: KEY_SPEC.THREAD, spec: '@t', anchor: 'thread', name: 'thread keyring' },
  { id: KEY_SPEC.PROCESS, spec: '@p', anchor: 'process', name: 'process keyring' },
  { id: KEY_SPEC.SESSION, spec: '@s', anchor: 'session', name: 'session keyring' },
  { id: KEY_SPEC.USER, spec: '@u', anchor: 'user', name: 'user keyring' },
  { id: KEY_SPEC.USER_SESSION, spec: '@us', anchor: 'userSession', name: 'user session keyring' },
] as const;

export type SpecialKeyring = (typeof SPECIAL_KEYRINGS)[number];

export function specialKeyring(id: number): SpecialKeyring | undefined {
  return SPECIAL_KEYRINGS.find((s) => s.id === id);
}

/** `@s` → -3, and so on; undefined for anything else. */
export function specialKeyringId(spec: string): number | undefined {
  return SPECIAL_KEYRINGS.find((s) => s.spec === spec)?.id;
}
