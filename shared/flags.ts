// The /proc/keys flag column, decoded. Letters in order: I instantiated, R revoked, D dead, Q quota,
// U under construction, N negative, i invalidated; '-' where unset.

export const FLAG_LETTERS = [
  ['I', 'instantiated'],
  ['R', 'revoked'],
  ['D', 'dead'],
  ['Q', 'quota'],
  ['U', 'underConstruction'],
  ['N', 'negative'],
  ['i', 'invalidated'],
] as const;

export type FlagName = (typeof FLAG_LETTERS)[number][1];

export interface KeyState extends Record<FlagName, boolean> {
  /** From the timeout column (`expd`): the key has expired and waits for the garbage collector. */
  expired: boolean;
}

export function decodeFlags(flags: string, timeout = 'perm'): KeyState {
  const state = { expired: timeout === 'expd' } as KeyState;
  FLAG_LETTERS.forEach(([letter, name], i) => {
    state[name] = flags[i] === letter;
  });
  return state;
}

/** Words for each flag that is set, for the details panel. */
export const FLAG_WORDS: Record<FlagName, string> = {
  instantiated: 'instantiated (has a payload or a definite state)',
  revoked: 'revoked (any access fails with EKEYREVOKED; collected after gc_delay)',
  dead: 'dead (its type was unregistered; about to be collected)',
  quota: 'counts against its owner’s quota',
  underConstruction: 'under construction (request_key upcall in progress)',
  negative: 'negative (a failed lookup cached as a key; access fails with ENOKEY or EKEYREJECTED)',
  invalidated: 'invalidated (gone at once; the collector removes it)',
};

export function flagWords(flags: string): string[] {
  const state = decodeFlags(flags);
  return FLAG_LETTERS.filter(([, name]) => state[name]).map(([, name]) => FLAG_WORDS[name]);
}

/** The states worth a badge: things an administrator must notice. Ordered by severity. */
export type BadgeKind = 'revoked' | 'invalidated' | 'dead' | 'expired' | 'negative' | 'underConstruction';

export const BADGE_LABELS: Record<BadgeKind, string> = {
  revoked: 'revoked',
  invalidated: 'invalidated',
  dead: 'dead',
  expired: 'expired',
  negative: 'negative',
  underConstruction: 'under construction',
};

export function stateBadges(flags: string, timeout: string): BadgeKind[] {
  const s = decodeFlags(flags, timeout);
  // Revoking sets the key's expiry to that moment (security/keys/key.c key_revoke), so /proc/keys prints
  // `expd` for every revoked key: an "expired" badge beside "revoked" would report the revocation twice.
  if (s.revoked) s.expired = false;
  const order: BadgeKind[] = ['revoked', 'invalidated', 'dead', 'expired', 'negative', 'underConstruction'];
  return order.filter((k) => s[k]);
}

/** What a badge means, for its tooltip. */
export const BADGE_TITLES: Record<BadgeKind, string> = {
  revoked: 'Revoked: every use fails with EKEYREVOKED; only unlinking still works. The kernel set its expiry to the moment of revocation (/proc/keys prints expd) and collects it gc_delay later.',
  invalidated: 'Invalidated: gone for every use (ENOKEY); the collector removes it at once.',
  dead: 'Dead: its key type was unregistered; the collector removes it.',
  expired: 'Expired: every use fails with EKEYEXPIRED; the collector removes it gc_delay after its expiry.',
  negative: 'Negative: a failed lookup cached as a key; using it fails with ENOKEY or EKEYREJECTED.',
  underConstruction: 'Under construction: a request_key upcall is instantiating it.',
};

