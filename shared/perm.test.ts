import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applicableClass, classBits, decodePerm, effectivePerm, parsePermMask, permLetters, withClassBits } from './perm';
import { decodeFlags, flagWords, stateBadges } from './flags';

const me = { uid: 1000, gid: 1000, groups: [27] };

describe('permissions', () => {
  it('applies exactly one of user, group, other, then ORs in the possessor byte', () => {
    const k = { uid: 1000, gid: 5, perm: 0x3f010203 };
    expect(applicableClass(k, me)).toBe('user');
    expect(effectivePerm(k, me, false)).toBe(0x01);
    expect(effectivePerm(k, me, true)).toBe(0x3f);
    expect(applicableClass({ uid: 0, gid: 27, perm: 0x00000800 }, me)).toBe('group');
    // A group byte of zero is skipped by the kernel: other applies.
    expect(applicableClass({ uid: 0, gid: 27, perm: 0x00000008 }, me)).toBe('other');
    expect(effectivePerm({ uid: 0, gid: 0, perm: 0x00000008 }, me, false)).toBe(0x08);
  });

  it('decodes and letters masks like keyctl', () => {
    expect(permLetters(0x3f)).toBe('alswrv');
    expect(permLetters(0x0b)).toBe('--s-rv');
    expect(decodePerm(0x3f010000).possessor.setattr).toBe(true);
    expect(decodePerm(0x3f010000).user).toEqual({ view: true, read: false, write: false, search: false, link: false, setattr: false });
  });

  it('round-trips class bits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom('possessor', 'user', 'group', 'other' as const), fc.integer({ min: 0, max: 0x3f }), (p, c, b) => {
        expect(classBits(withClassBits(p, c, b), c)).toBe(b);
      }),
    );
  });

  it('parses typed masks and says why a bad one is refused', () => {
    expect(parsePermMask('0x3f010000')).toEqual({ ok: true, value: 0x3f010000 });
    expect(parsePermMask(' 3F3F0000 ')).toEqual({ ok: true, value: 0x3f3f0000 });
    expect(parsePermMask('ff000000')).toMatchObject({ ok: false });
    expect(parsePermMask('123456789')).toMatchObject({ ok: false });
    expect(parsePermMask('-1')).toMatchObject({ ok: false });
    fc.assert(fc.property(fc.string(), (s) => typeof parsePermMask(s).ok === 'boolean'));
  });
});

describe('flags', () => {
  it('decodes the /proc/keys flag column', () => {
    expect(decodeFlags('IR-Q---')).toMatchObject({ instantiated: true, revoked: true, quota: true, negative: false, expired: false });
    expect(decodeFlags('I--Q--i').invalidated).toBe(true);
    expect(decodeFlags('---Q-N-', 'expd')).toMatchObject({ negative: true, expired: true });
    expect(stateBadges('IR-Q-N-', 'expd')).toEqual(['revoked', 'expired', 'negative']);
    expect(flagWords('I--Q---')).toHaveLength(2);
  });
});
