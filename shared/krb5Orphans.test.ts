import { describe, expect, it } from 'vitest';
import { probableCaches } from './krb5Orphans';
import { parentsOf } from './reachability';
import type { KeyInfo } from './snapshot';
import { testKey } from './testing';

const ring = (id: number, description: string, extra: Partial<KeyInfo> = {}) =>
  testKey(id, { type: 'keyring', description, uid: 0, gid: 0, perm: 0x3f010000, links: null, usage: 1, possessed: false, ...extra });
const run = (list: KeyInfo[]) => {
  const keys = new Map(list.map((k) => [k.id, k]));
  return probableCaches(keys, parentsOf(keys));
};

describe('probableCaches', () => {
  const persistent = ring(1, '_persistent.0', { links: [2] });
  const krb = ring(2, '_krb');

  it("puts a krb_ccache_XXXXXXX keyring no visible keyring links under its owner's only unreadable collection, saying why", () => {
    const cache = ring(10, 'krb_ccache_6C9qzTw');
    const found = run([persistent, krb, cache]);
    expect(found.byCollection.get(2)).toEqual([10]);
    const why = found.byCache.get(10)?.why ?? '';
    expect(why).toMatch(/^Probably a credential cache in _krb \(0x00000002\), which this process may not read: /);
    expect(why).toMatch(/owned by uid 0 as _krb is, and the kernel counts 1 reference to it that no keyring this process can read explains/);
    expect(why).toMatch(/Inferred, not read/);
  });

  it('takes a readable keyring holding __krb5_princ__ as a cache too, whatever its name', () => {
    const cache = ring(11, '0', { links: [12] });
    const princ = testKey(12, { type: 'user', description: '__krb5_princ__', uid: 0 });
    expect(run([persistent, krb, cache, princ]).byCache.get(11)?.why).toMatch(/holding a __krb5_princ__ key/);
  });

  it('groups nothing it would have to guess', () => {
    const cache = ring(10, 'krb_ccache_6C9qzTw');
    // Two unreadable collections of the same uid: which one holds it is unknown.
    expect(run([persistent, krb, ring(3, '_krb_work'), cache]).byCache.size).toBe(0);
    // Another uid's collection.
    expect(run([persistent, krb, ring(10, 'krb_ccache_6C9qzTw', { uid: 1000 })]).byCache.size).toBe(0);
    // A visible keyring links it: it is where it is.
    expect(run([persistent, krb, ring(4, 'holder', { links: [10] }), cache]).byCache.size).toBe(0);
    // A readable collection lists its caches itself.
    expect(run([persistent, ring(2, '_krb', { links: [] }), cache]).byCache.size).toBe(0);
    // Not named like a cache, no principal inside: any keyring.
    expect(run([persistent, krb, ring(10, 'krb_ccache_short')]).byCache.size).toBe(0);
    expect(run([persistent, krb, ring(10, 'session-ish', { links: [] })]).byCache.size).toBe(0);
  });
});
