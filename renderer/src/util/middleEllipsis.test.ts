import { describe, expect, it } from 'vitest';
import { middleCut, splitForMiddleEllipsis } from './middleEllipsis';

describe('splitForMiddleEllipsis', () => {
  it('keeps a Kerberos realm, a path end or the last characters whole', () => {
    expect(splitForMiddleEllipsis('krbtgt/EXAMPLE.TEST@EXAMPLE.TEST')).toEqual(['krbtgt/EXAMPLE.TEST', '@EXAMPLE.TEST']);
    expect(splitForMiddleEllipsis('nfs-idmap-cache/users/alice')).toEqual(['nfs-idmap-cache/users', '/alice']);
    expect(splitForMiddleEllipsis('x'.repeat(40))).toEqual(['x'.repeat(34), 'x'.repeat(6)]);
  });

  it('never splits a short text, and a separator too far from the end does not count', () => {
    expect(splitForMiddleEllipsis('_ses')).toEqual(['_ses', '']);
    const long = `a@${'b'.repeat(40)}`;
    expect(splitForMiddleEllipsis(long)).toEqual([long.slice(0, -6), long.slice(-6)]);
  });
});

describe('middleCut', () => {
  // One unit per character: the room is a character count.
  const chars = (s: string) => Array.from(s).length;
  const cut = (text: string, room: number) => middleCut(text, room, chars);

  it('leaves a text that fits alone', () => {
    expect(cut('krbtgt/EXAMPLE.TEST@EXAMPLE.TEST', 40)).toBe('krbtgt/EXAMPLE.TEST@EXAMPLE.TEST');
    expect(cut('_ses', 4)).toBe('_ses');
  });

  it('keeps a whole realm when the start beside it is long enough to read', () => {
    expect(cut('krbtgt/EXAMPLE.TEST@EXAMPLE.TEST', 24)).toBe('krbtgt/EXA…@EXAMPLE.TEST');
    expect(cut('krbtgt/EXAMPLE.TEST@EXAMPLE.TEST', 20)).toBe('krbtgt…@EXAMPLE.TEST');
    // One character less and the start would be too short to read: both ends share the room instead.
    expect(cut('krbtgt/EXAMPLE.TEST@EXAMPLE.TEST', 19)).toBe('krbtgt/EX…MPLE.TEST');
  });

  it('on a narrow node, both ends share the room, so keys of one realm still differ (they were all "k…@EXAMPL")', () => {
    const names = ['krbtgt/EXAMPLE.TEST@EXAMPLE.TEST', 'nfs/files.example.test@EXAMPLE.TEST', 'HTTP/intranet.example.test@EXAMPLE.TEST', 'kadmin/admin@EXAMPLE.TEST'];
    const shown = names.map((n) => cut(n, 15));
    expect(shown).toEqual(['krbtgt/…LE.TEST', 'nfs/fil…LE.TEST', 'HTTP/in…LE.TEST', 'kadmin/…LE.TEST']);
    for (const s of shown) expect(chars(s)).toBeLessThanOrEqual(15);
    expect(new Set(shown).size).toBe(names.length);
  });

  it('never exceeds the room, keeps one character at least, and never splits a code point', () => {
    for (let room = 1; room < 40; room++) {
      const s = cut('krb5_ccache_conf_data/pa_type/krbtgt\\/EXAMPLE.TEST\\@EXAMPLE.TEST', room);
      expect(chars(s)).toBeLessThanOrEqual(Math.max(room, 2));
      expect(s.startsWith('k')).toBe(true);
    }
    expect(cut('😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀', 7)).toBe('😀😀😀…😀😀😀');
  });

  it('works with real widths: a wide glyph costs more room', () => {
    const px = (s: string) => [...s].reduce((w, c) => w + (c === 'W' ? 3 : 1), 0);
    expect(px(middleCut('WWWWWWWWWWWWWWWWWWWWa', 10, px))).toBeLessThanOrEqual(10);
  });
});
