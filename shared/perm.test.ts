import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applicableClass, classBits, decodePerm, effectivePerm, formatPermHex, parsePermMask, permLetters, permLettersMaybe, withClassBits } from './perm';

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

  it("gives an observer outside the key's group the other byte, even when the group byte grants more", () => {
    // Group grants everything, other only view: alice (gid 1000, in group 27) is in neither group 5 nor 6.
    const key = { uid: 0, gid: 5, perm: 0x003f01 };
    expect(applicableClass(key, me)).toBe('other');
    expect(permLetters(effectivePerm(key, me, false))).toBe('-----v');
    // In the group by her primary gid, or by a supplementary one: the group byte, alone.
    expect(permLetters(effectivePerm({ ...key, gid: 1000 }, me, false))).toBe('alswrv');
    expect(permLetters(effectivePerm({ ...key, gid: 27 }, me, false))).toBe('alswrv');
    // The owner gets the user byte even when group and other grant more.
    expect(permLetters(effectivePerm({ uid: 1000, gid: 1000, perm: 0x00013f3f }, me, false))).toBe('-----v');
    // Possession adds the possessor byte to whichever applies; without possession it adds nothing.
    expect(permLetters(effectivePerm({ uid: 0, gid: 5, perm: 0x08000001 }, me, true))).toBe('--s--v');
    expect(permLetters(effectivePerm({ uid: 0, gid: 5, perm: 0x08000001 }, me, false))).toBe('-----v');
  });

  it('decodes and letters masks like keyctl', () => {
    expect(permLetters(0x3f)).toBe('alswrv');
    expect(permLetters(0x0b)).toBe('--s-rv');
    expect(['view', 'read', 'write', 'search', 'link', 'setattr'].map((_, i) => permLetters(1 << i))).toEqual([
      '-----v',
      '----r-',
      '---w--',
      '--s---',
      '-l----',
      'a-----',
    ]);
    expect(formatPermHex(0x3f0000)).toBe('003f0000');
    expect(formatPermHex(-1)).toBe('ffffffff');
    expect(decodePerm(0x00003f00).group.link).toBe(true);
    expect(decodePerm(0x00003f00).other.view).toBe(false);
    expect(decodePerm(0x00000020).other).toEqual({ view: false, read: false, write: false, search: false, link: false, setattr: true });
    expect(decodePerm(0x3f010000).possessor.setattr).toBe(true);
    expect(decodePerm(0x3f010000).user).toEqual({ view: true, read: false, write: false, search: false, link: false, setattr: false });
  });

  it('round-trips class bits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom('possessor', 'user', 'group', 'other' as const), fc.integer({ min: 0, max: 0x3f }), (p, c, b) => {
        expect(classBits(withClassBits(p, c, b), c)).toBe(b);
        // and leaves the other classes as they were
        for (const other of ['possessor', 'user', 'group', 'other'] as const) {
          if (other !== c) expect(classBits(withClassBits(p, c, b), other)).toBe(classBits(p, other));
        }
      }),
    );
  });

  it('parses typed masks and says why a bad one is refused', () => {
    expect(parsePermMask('0x3f010000')).toEqual({ ok: true, value: 0x3f010000 });
    expect(parsePermMask(' 3F3F0000 ')).toEqual({ ok: true, value: 0x3f3f0000 });
    expect(parsePermMask('ff000000')).toMatchObject({ ok: false });
    expect(parsePermMask('123456789')).toMatchObject({ ok: false });
    expect(parsePermMask('-1')).toMatchObject({ ok: false });
    // The whole text must be the mask: junk before or after it is refused, not skipped.
    for (const bad of ['xyz3f', '3fxyz', '3f0x01', '0x3f0100000', '3f 01', '0x', '', '0X0X3f']) {
      expect(parsePermMask(bad)).toEqual({ ok: false, reason: 'a permission mask is 1 to 8 hex digits, like 3f010000' });
    }
    expect(parsePermMask('0X3F')).toEqual({ ok: true, value: 0x3f });
    expect(parsePermMask('3f3f3f40')).toEqual({ ok: false, reason: 'each byte of the mask may only use bits 0x3f (view, read, write, search, link, setattr)' });
    fc.assert(fc.property(fc.string(), (s) => typeof parsePermMask(s).ok === 'boolean'));
  });
});

describe('permLettersMaybe', () => {
  it('shows what is surely granted as letters and what only possession would add as ?', () => {
    expect(permLettersMaybe(0x01, 0x3f)).toBe('?????v');
    expect(permLettersMaybe(0x09, 0x0b)).toBe('--s-?v');
    expect(permLettersMaybe(0x3f, 0x3f)).toBe(permLetters(0x3f));
    expect(permLettersMaybe(0, 0)).toBe('------');
  });
});
