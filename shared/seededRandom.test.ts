import { describe, expect, it } from 'vitest';
import { pick, seededRandom } from './seededRandom';

describe('seededRandom', () => {
  it('is mulberry32: the same numbers for the same seed on every run', () => {
    const rand = seededRandom(42);
    expect([rand(), rand(), rand()]).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
    const again = seededRandom(42);
    expect(again()).toBe(0.6011037519201636);
  });

  it('stays in [0, 1) and spreads over it', () => {
    const rand = seededRandom(7);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const x = rand();
      expect(x >= 0 && x < 1).toBe(true);
      buckets[Math.floor(x * 10)]!++;
    }
    for (const n of buckets) expect(n).toBeGreaterThan(800);
  });

  it('picks every item of a list, and only those', () => {
    const rand = seededRandom(1);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(pick(rand, ['a', 'b', 'c']));
    expect([...seen].sort()).toEqual(['a', 'b', 'c']);
  });
});
