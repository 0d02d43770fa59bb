import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { counted, cutMiddle, SHORT_TEXT } from './text';

describe('cutMiddle', () => {
  it('leaves short text alone', () => {
    expect(cutMiddle('krbtgt/EXAMPLE.TEST@EXAMPLE.TEST')).toBe('krbtgt/EXAMPLE.TEST@EXAMPLE.TEST');
  });

  it('keeps the head and the tail of long text', () => {
    expect(cutMiddle('krbtgt/VERY.LONG.REALM.NAME@EXAMPLE.TEST', 20)).toBe('krbtgt/VER…MPLE.TEST');
  });

  it('cuts a 4,095-byte description to the default length', () => {
    const out = cutMiddle('a'.repeat(4095));
    expect(Array.from(out)).toHaveLength(SHORT_TEXT);
    expect(out).toContain('…');
  });

  it('never splits a surrogate pair and never exceeds max code points', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 2, max: 100 }), (s, max) => {
        const out = cutMiddle(s, max);
        expect(Array.from(out).length).toBeLessThanOrEqual(max);
        expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
        if (Array.from(s).length <= max) expect(out).toBe(s);
      }),
    );
  });
});

describe('counted', () => {
  it('puts an s on the noun unless the count is one, and groups thousands', () => {
    expect([0, 1, 2, 20000].map((n) => counted(n, 'event'))).toEqual(['0 events', '1 event', '2 events', '20,000 events']);
  });
});
