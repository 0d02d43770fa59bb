// Seeded pseudo-random numbers (mulberry32): generated trees, fuzz lines and random key topologies that are
// the same on every run, so a failure can be reproduced from its seed. For tests, benchmarks and demo data;
// never for anything secret. Pure.

/** A source of numbers in [0, 1). */
export type Rand = () => number;

export function seededRandom(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One of `items`, chosen by `rand`. */
export function pick<T>(rand: Rand, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T;
}
