import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import * as keyctl from './keyctl';
import { KeyctlError } from './keyctl';

const kctl = (...args: string[]) => execFileSync('keyctl', args, { encoding: 'utf8' }).trim();

describe('keyctl through koffi', () => {
  it('finds the session keyring this test process joined, as keyctl does', () => {
    const session = keyctl.getKeyringId(keyctl.KEY_SPEC.SESSION);
    expect(session).toBeGreaterThan(0);
    expect(Number(kctl('show', '@s').split('\n')[1]!.trim().split(/\s+/)[0])).toBe(session);
  });

  it('names a keyring without throwing (keyringIdOrErrno): the id getKeyringId gives, or -errno where it throws', () => {
    const expected = (spec: number): number => {
      try {
        return keyctl.getKeyringId(spec, false);
      } catch (err) {
        expect(err).toBeInstanceOf(KeyctlError);
        return -(err as KeyctlError).errno;
      }
    };
    expect(keyctl.keyringIdOrErrno(keyctl.KEY_SPEC.SESSION)).toBeGreaterThan(0);
    // The thread and process keyrings are usually absent here (ENOKEY, as on the scan thread every poll).
    for (const spec of [keyctl.KEY_SPEC.SESSION, keyctl.KEY_SPEC.THREAD, keyctl.KEY_SPEC.PROCESS, 0]) {
      expect(keyctl.keyringIdOrErrno(spec)).toBe(expected(spec));
    }
  });

  it('adds, describes, reads and lists keys, matching keyctl rdescribe and rlist', () => {
    const ring = keyctl.addKey('keyring', 'kb-test-ring', null, keyctl.KEY_SPEC.SESSION);
    const a = keyctl.addKey('user', 'alpha; with semicolons', Buffer.from('secret-a'), ring);
    const b = keyctl.addKey('user', 'beta', Buffer.from('b'), ring);
    const d = keyctl.describe(a);
    expect(kctl('rdescribe', String(a))).toBe(`user;${d.uid};${d.gid};${d.perm.toString(16).padStart(8, '0')};alpha; with semicolons`);
    expect(d.description).toBe('alpha; with semicolons');
    expect(keyctl.read(a).toString()).toBe('secret-a');
    expect(keyctl.readKeyringMembers(ring)).toEqual(kctl('rlist', String(ring)).split(' ').map(Number));
    expect(keyctl.readKeyringMembers(ring)).toEqual([a, b]);
  });

  it('reads a member list unless it is byte for byte an earlier one (readKeyringMembersUnlessSame)', () => {
    const ring = keyctl.addKey('keyring', 'kb-same', null, keyctl.KEY_SPEC.SESSION);
    const a = keyctl.addKey('user', 'a', Buffer.from('a'), ring);
    const b = keyctl.addKey('user', 'b', Buffer.from('b'), ring);
    expect(keyctl.readKeyringMembersUnlessSame(ring, undefined)).toEqual([a, b]);
    expect(keyctl.readKeyringMembersUnlessSame(ring, keyctl.memberBytes([a, b]))).toBeNull();
    expect(keyctl.readKeyringMembersUnlessSame(ring, keyctl.memberBytes([b, a]))).toEqual([a, b]);
    expect(keyctl.readKeyringMembersUnlessSame(ring, keyctl.memberBytes([a]))).toEqual([a, b]);
    expect(keyctl.readKeyringMembersUnlessSame(ring, keyctl.memberBytes([a, b, 7]))).toEqual([a, b]);
    keyctl.clear(ring);
    expect(keyctl.readKeyringMembersUnlessSame(ring, keyctl.memberBytes([]))).toBeNull();
    expect(keyctl.readKeyringMembersUnlessSame(ring, keyctl.memberBytes([a]))).toEqual([]);
  });

  it('reads keyrings bigger than the scratch buffer', () => {
    const ring = keyctl.addKey('keyring', 'kb-big', null, keyctl.KEY_SPEC.SESSION);
    const ids: number[] = [];
    for (let i = 0; i < 5000; i++) ids.push(keyctl.addKey('user', `k${i}`, Buffer.from('x'), ring));
    expect(new Set(keyctl.readKeyringMembers(ring))).toEqual(new Set(ids));
    keyctl.clear(ring);
    expect(keyctl.readKeyringMembers(ring)).toEqual([]);
  });

  it('raises KeyctlError with errno name, operation and key id', () => {
    const k = keyctl.addKey('user', 'to-revoke', Buffer.from('x'), keyctl.KEY_SPEC.SESSION);
    keyctl.revoke(k);
    let err: unknown;
    try {
      keyctl.describe(k);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KeyctlError);
    expect((err as KeyctlError).code).toBe('EKEYREVOKED');
    expect((err as KeyctlError).op).toBe('KEYCTL_DESCRIBE');
    expect((err as KeyctlError).keyId).toBe(k);
    expect((err as Error).message).toMatch(/KEYCTL_DESCRIBE on key 0x[0-9a-f]{8} failed: EKEYREVOKED: the key has been revoked/);
    expect(() => keyctl.describe(0x7ffffff0)).toThrow(/ENOKEY/);
    const noRead = keyctl.addKey('user', 'view-only', Buffer.from('x'), keyctl.KEY_SPEC.SESSION);
    keyctl.setPerm(noRead, 0x01000000);
    expect(() => keyctl.read(noRead)).toThrow(/EACCES/);
  });

  it('sets timeouts, permissions, links and unlinks', () => {
    const ring = keyctl.addKey('keyring', 'kb-ops', null, keyctl.KEY_SPEC.SESSION);
    const k = keyctl.addKey('user', 'ops', Buffer.from('x'), ring);
    keyctl.setPerm(k, 0x3f3f0000);
    expect(keyctl.describe(k).perm).toBe(0x3f3f0000);
    keyctl.setTimeout(k, 100);
    expect(kctl('rdescribe', String(k))).toContain('user;');
    keyctl.link(k, keyctl.KEY_SPEC.SESSION);
    expect(keyctl.readKeyringMembers(keyctl.getKeyringId(keyctl.KEY_SPEC.SESSION))).toContain(k);
    keyctl.unlink(k, keyctl.KEY_SPEC.SESSION);
    expect(keyctl.readKeyringMembers(keyctl.getKeyringId(keyctl.KEY_SPEC.SESSION))).not.toContain(k);
    expect(keyctl.search(ring, 'user', 'ops')).toBe(k);
    expect(() => keyctl.search(ring, 'user', 'nope')).toThrow(/ENOKEY/);
    expect(typeof keyctl.getSecurity(k)).toBe('string');
  });
});
