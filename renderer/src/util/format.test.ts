import { describe, expect, it } from 'vitest';
import { formatRemaining, hexId } from './format';

describe('format', () => {
  it('prints ids as /proc/keys does: 8 hex digits', () => {
    expect(hexId(0xc)).toBe('0000000c');
    expect(hexId(0x7fffffff)).toBe('7fffffff');
  });

  it('counts down compactly', () => {
    expect(formatRemaining(59_999, 0)).toBe('59s');
    expect(formatRemaining(245_000, 0)).toBe('4m 05s');
    expect(formatRemaining(3 * 3600_000 + 12 * 60_000, 0)).toBe('3h 12m');
    expect(formatRemaining(2 * 86400_000 + 4 * 3600_000, 0)).toBe('2d 4h');
    expect(formatRemaining(1000, 1000)).toBe('expired');
  });
});
