import { describe, expect, it } from 'vitest';
import type { KeyInfo } from '../../shared/snapshot';
import { testKey } from '../../shared/testing';
import { shareRepeatedStrings } from './repeatedStrings';

const keys = (): KeyInfo[] => [
  testKey(1, { type: 'keyring', description: 'ring', links: [2, 3], timeout: 'perm' }),
  testKey(2, { description: 'a', flags: 'I--Q---', timeout: 'perm', pins: [{ kind: 'link', from: 1 }] }),
  testKey(3, { type: 'logon', description: 'b', flags: 'I--Q---', timeout: '59m', expiry: { from: 1, to: 2 } }),
  testKey(4, { description: 'c', timeout: 'expd', possessionUnknown: true }),
];

describe('shareRepeatedStrings', () => {
  it('keeps every key the same object with the same fields and values, absent ones absent', () => {
    // As a key arrives from the scan thread: a structured clone.
    const mine = structuredClone(keys());
    const before = structuredClone(mine);
    const objects = [...mine];
    shareRepeatedStrings(mine);
    expect(mine).toEqual(before);
    mine.forEach((key, i) => {
      expect(key).toBe(objects[i]);
      expect(Object.keys(key)).toEqual(Object.keys(before[i] as KeyInfo));
    });
  });
});
