import { describe, expect, it } from 'vitest';
import { BADGE_LABELS, decodeFlags, FLAG_LETTERS, flagWords, stateBadges } from './flags';

// Each flag alone in its column, as /proc/keys prints it: 'I------', '-R-----', … '------i'.
const alone = FLAG_LETTERS.map(([letter], i) => ({ letter, column: '-'.repeat(i) + letter + '-'.repeat(6 - i) }));

describe('the flag column', () => {
  it('reads each letter only in its own column', () => {
    for (const { column } of alone) {
      const set = Object.entries(decodeFlags(column)).filter(([, on]) => on).map(([name]) => name);
      expect(set).toHaveLength(1);
    }
    // 'i' (invalidated) in the instantiated column is not a flag: letters count only where the kernel puts them.
    expect(decodeFlags('i------').instantiated).toBe(false);
    expect(decodeFlags('i------').invalidated).toBe(false);
    expect(decodeFlags('-------')).toMatchObject({ instantiated: false, revoked: false, expired: false });
    expect(decodeFlags('-------', 'expd').expired).toBe(true);
    expect(decodeFlags('-------', '5m').expired).toBe(false);
  });

  it('puts each set flag in words for the details panel, in column order', () => {
    const words = alone.map(({ column }) => flagWords(column));
    expect(words).toEqual([
      ['instantiated (has a payload or a definite state)'],
      ['revoked (any access fails with EKEYREVOKED; collected after gc_delay)'],
      ['dead (its type was unregistered; about to be collected)'],
      ['counts against its owner’s quota'],
      ['under construction (request_key upcall in progress)'],
      ['negative (a failed lookup cached as a key; access fails with ENOKEY or EKEYREJECTED)'],
      ['invalidated (gone at once; the collector removes it)'],
    ]);
    expect(flagWords('IR-Q---')).toEqual([...words[0]!, ...words[1]!, ...words[3]!]);
    expect(flagWords('-------')).toEqual([]);
  });

  it('badges what an administrator must notice, most severe first, with readable labels', () => {
    expect(stateBadges('I-DQUNi', 'expd')).toEqual(['invalidated', 'dead', 'expired', 'negative', 'underConstruction']);
    // Revoking sets the expiry to that moment: /proc/keys says expd for every revoked key, and the badge says revoked once.
    expect(stateBadges('IRDQUNi', 'expd')).toEqual(['revoked', 'invalidated', 'dead', 'negative', 'underConstruction']);
    expect(stateBadges('IR-Q---', 'expd')).toEqual(['revoked']);
    expect(stateBadges('I--Q---', 'perm')).toEqual([]);
    expect(stateBadges('----U--', '10s')).toEqual(['underConstruction']);
    expect(stateBadges('I--Q---', 'expd')).toEqual(['expired']);
    // A revoked key prints expd (revoking sets its expiry): it is revoked, not also expired.
    expect(stateBadges('IR-Q-N-', 'expd')).toEqual(['revoked', 'negative']);
    expect(BADGE_LABELS).toEqual({
      revoked: 'revoked',
      invalidated: 'invalidated',
      dead: 'dead',
      expired: 'expired',
      negative: 'negative',
      underConstruction: 'under construction',
    });
  });
});
