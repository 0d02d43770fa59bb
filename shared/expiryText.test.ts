import { describe, expect, it } from 'vitest';
import { expiryCountdown, expiryInWords, formatDateTime, formatLeft, formatSpan } from './expiryText';

const S = 1000;
const H = 3600 * S;
const D = 24 * H;

describe('formatLeft', () => {
  it('is compact and to the second, rounded down', () => {
    expect(formatLeft(0)).toBe('expired');
    expect(formatLeft(59_999)).toBe('59s');
    expect(formatLeft(4 * 60 * S + 5 * S)).toBe('4m 05s');
    expect(formatLeft(3 * H + 12 * 60 * S)).toBe('3h 12m');
    expect(formatLeft(2 * D + 4 * H)).toBe('2d 4h');
  });

  it('counts weeks from a week on, as /proc/keys does: 4294967295 s is 7101w 3d, not 49710d', () => {
    expect(formatLeft(7 * D)).toBe('1w 0d');
    expect(formatLeft(4294967295 * S)).toBe('7101w 3d');
  });
});

describe('formatSpan', () => {
  it('gives one or two largest units, weeks included', () => {
    expect(formatSpan(30 * 60 * S)).toBe('30m');
    expect(formatSpan(3 * D + 12 * H)).toBe('3d 12h');
    expect(formatSpan(7 * D)).toBe('1w');
    expect(formatSpan(10 * D)).toBe('1w 3d');
  });
});

describe('expiryCountdown', () => {
  const now = 1_000_000_000_000;
  it('says exactly what is known: exact, a window with its width, expired, never', () => {
    expect(expiryCountdown(null, now)).toMatchObject({ state: 'never', text: '' });
    expect(expiryCountdown({ from: now + 65 * S, to: now + 65 * S }, now)).toMatchObject({ state: 'exact', text: '1m 05s' });
    expect(expiryCountdown({ from: now + 9 * H, to: now + 10 * H }, now)).toMatchObject({ state: 'window', text: '≈9h 30m ±30m' });
    expect(expiryCountdown({ from: now - S, to: now + 5 * S }, now)).toMatchObject({ state: 'window', text: '≤5s' });
    expect(expiryCountdown({ from: now - 2 * S, to: now - S }, now)).toMatchObject({ state: 'expired' });
    expect(expiryCountdown('unknown', now)).toMatchObject({ state: 'unknown', text: '?' });
  });

  it('reads a week-wide window in weeks and days', () => {
    const w = 7 * D;
    expect(expiryCountdown({ from: now + 7101 * w, to: now + 7102 * w }, now).text).toBe('≈7101w 3d ±4d');
  });
});

describe('expiryInWords', () => {
  const now = 1_000_000_000_000;
  it("speaks the kernel's own range while the window is its rounded figure", () => {
    expect(expiryInWords({ from: now + 9 * H, to: now + 10 * H - S }, now)).toBe('in 9–10 h');
    expect(expiryInWords(null, now)).toBe('');
  });

  it('says the condition a window narrowed while polling rests on (no reset since its first reading)', () => {
    const since = now - 60 * S;
    expect(expiryInWords({ from: now + 65 * S, to: now + 65 * S, since }, now)).toBe(`in ≈1m 05s if its timeout was not reset since ${formatDateTime(since)}`);
    expect(expiryInWords({ from: now - 2 * S, to: now - S, since }, now)).toBe(`expired if its timeout was not reset since ${formatDateTime(since)}`);
  });
});

describe('a window that assumes no reset since a moment', () => {
  const now = 1_000_000_000_000;
  it('counts down as "≈" when exact, and its title says the condition and that the column alone is always true', () => {
    const since = now - 60 * S;
    const c = expiryCountdown({ from: now + 65 * S, to: now + 65 * S, since }, now);
    expect(c).toMatchObject({ state: 'exact', text: '≈1m 05s' });
    expect(c.title).toContain(`if its timeout was not reset since ${formatDateTime(since)}`);
    expect(c.title).toContain("/proc/keys' rounded figure");
    expect(expiryCountdown({ from: now + 9 * H, to: now + 10 * H, since }, now).text).toBe('≈9h 30m ±30m');
  });
});
