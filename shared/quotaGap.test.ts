import { describe, expect, it } from 'vitest';
import { quotaGap, quotaGapSentence, unaccountedShort } from './quotaGap';

const user = (qnbytes: number) => ({ qnbytes, maxbytes: 20_000 });
const root = (qnbytes: number) => ({ qnbytes, maxbytes: 25_000_000 });

describe('quotaGap', () => {
  it('is what is charged less what the visible keys cost, never below 0', () => {
    expect(quotaGap(user(14_020), { bytes: 2_020, unknown: 0 })).toMatchObject({ charged: 14_020, accounted: 2_020, unaccounted: 12_000, material: true });
    expect(quotaGap(user(100), { bytes: 120, unknown: 0 })).toMatchObject({ unaccounted: 0, material: false });
  });

  it('is material from 1 % of the limit or 10 % of the charge, not below', () => {
    // 1 % of 20,000 is 200.
    expect(quotaGap(user(10_000), { bytes: 9_800, unknown: 0 }).material).toBe(true);
    expect(quotaGap(user(10_000), { bytes: 9_801, unknown: 0 }).material).toBe(false);
    // 10 % of the 100 charged is 10 (far below 1 % of the limit).
    expect(quotaGap(user(100), { bytes: 90, unknown: 0 }).material).toBe(true);
    expect(quotaGap(user(100), { bytes: 91, unknown: 0 }).material).toBe(false);
    expect(quotaGap(user(0), { bytes: 0, unknown: 0 }).material).toBe(false);
  });

  it('allows a wrap only where the limit lets a keyring pass 65,535 bytes', () => {
    expect(quotaGap(user(100), { bytes: 0, unknown: 0 }).wrapPossible).toBe(false);
    expect(quotaGap({ qnbytes: 100, maxbytes: 65_536 }, { bytes: 0, unknown: 0 }).wrapPossible).toBe(true);
    expect(quotaGap(root(100), { bytes: 0, unknown: 0 }).wrapPossible).toBe(true);
  });
});

describe('quotaGapSentence', () => {
  it('says nothing when the gap is not material', () => {
    expect(quotaGapSentence(quotaGap(user(10_000), { bytes: 9_900, unknown: 0 }), 1000)).toBeNull();
  });

  it('names the collector’s links and hidden keys for a user whose limit keeps keyrings below 16 bits', () => {
    const s = quotaGapSentence(quotaGap(user(14_020), { bytes: 2_020, unknown: 0 }), 4303)!;
    expect(s).toBe(
      '12,000 bytes are charged to no key this scan can see: a keyring keeps 4 bytes for each link the kernel’s garbage collector ' +
        'removed (a key invalidated, or revoked or expired and then collected) until the keyring is cleared or destroyed, and keys ' +
        'no view of this scan may see are charged too.',
    );
    expect(s).not.toContain('16 bits');
  });

  it('adds the 16-bit wrap for root, charged until reboot, and for another uid with such a limit, until it owns no key', () => {
    const gap = quotaGap(root(65_821), { bytes: 280, unknown: 0 });
    expect(quotaGapSentence(gap, 0)).toMatch(/^65,541 bytes are charged .*; and a keyring whose charge passed 65,535 bytes gives back 65,536 too few when cleared or destroyed \(the kernel keeps a key’s charge in 16 bits\), charged until reboot\.$/);
    expect(quotaGapSentence(quotaGap({ qnbytes: 70_000, maxbytes: 100_000 }, { bytes: 0, unknown: 0 }), 1000)).toMatch(/charged until this user owns no key\.$/);
  });

  it('says the keys of unknown size may cost part of it', () => {
    const gap = quotaGap(user(5_000), { bytes: 1_000, unknown: 2 });
    expect(quotaGapSentence(gap, 1000)).toMatch(/^4,000 bytes, less what its 2 keys of unknown size cost, are charged to no key/);
    expect(unaccountedShort(gap)).toBe('up to 4,000 bytes in no visible key');
    expect(unaccountedShort(quotaGap(user(5_000), { bytes: 1_000, unknown: 0 }))).toBe('4,000 bytes in no visible key');
  });
});
