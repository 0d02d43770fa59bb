import { describe, expect, it } from 'vitest';
import type { KeyInfo } from './snapshot';
import { testKey } from './testing';
import { whyUnreadable } from './unreadable';

const root = { uid: 0, gid: 0, groups: [0] };
const ring = (id: number, description: string, extra: Partial<KeyInfo> = {}) =>
  testKey(id, { type: 'keyring', description, uid: 0, gid: 0, perm: 0x3f030000, links: null, possessed: false, ...extra });

describe('whyUnreadable', () => {
  const persistent = ring(1, '_persistent.0', { perm: 0x3f080000 });
  const krb = ring(2, '_krb', { perm: 0x3f010000 });
  const keys = new Map([persistent, krb].map((k) => [k.id, k]));
  const parents = new Map([[2, [1]]]);
  const why = (k: KeyInfo) => whyUnreadable(k, root, (id) => keys.get(id), (id) => parents.get(id) ?? []);

  it('says a possessor-only keyring inside a not-possessed _persistent.N is read after "Get persistent keyring"', () => {
    const answer = why(krb);
    expect(answer.reason).toMatch(/Only a possessor may read/);
    expect(answer.hint).toMatch(/inside _persistent\.0, the persistent keyring of uid 0, .*"Get persistent keyring" links it/);
  });

  it('says the same of _persistent.N itself', () => {
    expect(why(persistent).hint).toMatch(/^It is the persistent keyring of uid 0, which no keyring of this process links/);
  });

  it('gives no hint where possession would not help or is already there', () => {
    expect(why(ring(3, 'theirs', { uid: 1000, perm: 0x3f010000 })).hint).toBeNull();
    const possessedPersistent = ring(4, '_persistent.0', { possessed: true, perm: 0x3f080000 });
    expect(whyUnreadable(krb, root, (id) => (id === 1 ? possessedPersistent : undefined), () => [1]).hint).toBeNull();
    expect(why(ring(5, 'locked', { perm: 0x01010000 })).reason).toMatch(/No row of its permissions/);
  });
});
