import { describe, expect, it } from 'vitest';
import { BIG_KEY_CHARGE, chargesByUid, chargesOf, KEY_CHARGE_MODULUS, linksBeforeWrap, quotaCharge, utf8Length } from './quotaCharge';
import { testKey } from './testing';

describe('quotaCharge', () => {
  it('is strlen(description) + 1 + the payload for user, logon and keyring keys', () => {
    expect(quotaCharge({ type: 'user', description: 'abcde', payloadLength: 9 })).toBe(15);
    expect(quotaCharge({ type: 'logon', description: 'q:b', payloadLength: 8 })).toBe(12);
    // A keyring's payload: 4 bytes per member.
    expect(quotaCharge({ type: 'keyring', description: '_uid.1001', payloadLength: 12 })).toBe(22);
  });

  it('charges a big_key a flat 16 bytes whatever its size', () => {
    expect(quotaCharge({ type: 'big_key', description: 'blob', payloadLength: 500_000 })).toBe(4 + 1 + BIG_KEY_CHARGE);
  });

  it('counts description bytes, not characters, and gives up on bytes that were not UTF-8', () => {
    expect(utf8Length('aé€😀')).toBe(1 + 2 + 3 + 4);
    expect(quotaCharge({ type: 'user', description: 'é', payloadLength: 1 })).toBe(4);
    expect(quotaCharge({ type: 'user', description: 'a\uFFFDb', payloadLength: 1 })).toBeNull();
  });

  it('is unknown without a stated length, and for a kernel keyring whose flags are not known', () => {
    expect(quotaCharge({ type: 'asymmetric', description: 'cert' })).toBeNull();
    expect(quotaCharge({ type: 'user', description: 'negative' })).toBeNull();
    expect(quotaCharge({ type: 'keyring', description: '.user_reg', payloadLength: 8 })).toBeNull();
  });

  it('follows the Q flag: nothing outside the quota, a kernel keyring in it (.user_reg, root’s) like any other', () => {
    expect(quotaCharge({ type: 'keyring', description: '.user_reg', payloadLength: 8, flags: 'I--Q---' })).toBe(9 + 1 + 8);
    expect(quotaCharge({ type: 'keyring', description: '.dns_resolver', payloadLength: 0, flags: 'I------' })).toBe(0);
    expect(quotaCharge({ type: 'asymmetric', description: 'cert', flags: 'I------' })).toBe(0);
    expect(quotaCharge({ type: 'asymmetric', description: 'cert', flags: 'I--Q---' })).toBeNull();
    expect(quotaCharge({ type: 'user', description: 'abc', payloadLength: 2, flags: 'I--Q---' })).toBe(6);
  });

  it('knows how many links a keyring holds before its 16-bit charge wraps', () => {
    // description + 1 + 4 per link must stay below 65,536.
    const n = linksBeforeWrap('flood-burst');
    expect(11 + 1 + 4 * n).toBeLessThan(KEY_CHARGE_MODULUS);
    expect(11 + 1 + 4 * (n + 1)).toBeGreaterThanOrEqual(KEY_CHARGE_MODULUS);
  });

  it('sums one uid’s keys and counts those of unknown size', () => {
    const keys = [
      testKey(1, { uid: 1000, description: 'a', payloadLength: 3 }),
      testKey(2, { uid: 1000, type: 'asymmetric', description: 'c' }),
      testKey(3, { uid: 0, description: 'root', payloadLength: 3 }),
    ];
    expect(chargesOf(keys, 1000)).toEqual({ bytes: 5, keys: 2, unknown: 1 });
    expect(chargesOf(keys, 1234)).toEqual({ bytes: 0, keys: 0, unknown: 0 });
    expect(chargesByUid(keys)).toEqual(
      new Map([
        [1000, { bytes: 5, keys: 2, unknown: 1 }],
        [0, { bytes: 8, keys: 1, unknown: 0 }],
      ]),
    );
  });
});
