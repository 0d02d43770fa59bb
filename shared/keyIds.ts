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
 * The special keyring ids (KEY_SPEC_*): the calling process's own keyrings, as keyctl(1) spells them and
 * which snapshot anchor each one is. The kernel creates the user keyrings on first use of -4/-5, so the
 * scanner never passes those to it (it finds them by name in /proc/keys).
 */
export const SPECIAL_KEYRINGS = [
  { id: -1, spec: '@t', anchor: 'thread', name: 'thread keyring' },
  { id: -2, spec: '@p', anchor: 'process', name: 'process keyring' },
  { id: -3, spec: '@s', anchor: 'session', name: 'session keyring' },
  { id: -4, spec: '@u', anchor: 'user', name: 'user keyring' },
  { id: -5, spec: '@us', anchor: 'userSession', name: 'user session keyring' },
] as const;

export type SpecialKeyring = (typeof SPECIAL_KEYRINGS)[number];

export function specialKeyring(id: number): SpecialKeyring | undefined {
  return SPECIAL_KEYRINGS.find((s) => s.id === id);
}

/** `@s` → -3, and so on; undefined for anything else. */
export function specialKeyringId(spec: string): number | undefined {
  return SPECIAL_KEYRINGS.find((s) => s.spec === spec)?.id;
}
