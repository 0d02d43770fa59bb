// A removed throwaway user leaves nothing in the kernel: /proc/key-users (the oracle: it lists every uid
// that owns a key) drops its uid once the garbage collector has destroyed the keys forgetUserKeys invalidated.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import * as keyctl from './keyctl';
import { forgetUserKeys, keysOwnedBy } from './forgetUserKeys';
import { addThrowawayUser, fillQuotaTo, keyUsersForget, keyUsersLists, removeThrowawayUser, runAs, type ThrowawayUser } from '../test/throwawayUsers';

/** maxkeys for a uid other than root. */
const quotaMaxKeys = () => Number(readFileSync('/proc/sys/kernel/keys/maxkeys', 'utf8').trim());

let user: ThrowawayUser | null = null;

afterAll(() => {
  // Only when a test failed before removing it.
  if (user) removeThrowawayUser(user);
});

describe('removeThrowawayUser', () => {
  it('leaves no key of the user behind: /proc/key-users forgets the uid', async () => {
    user = addThrowawayUser('kbfg');
    const { uid } = user;
    // Keys the owner may only view (keyctl add's default mask), a logon key, a keyring of its own with a key
    // in it, and a session keyring a process of the user's held.
    runAs(uid, 'keyctl', 'add', 'user', 'plain', 'payload', '@u');
    runAs(uid, 'keyctl', 'add', 'logon', 'svc:token', 'secret', '@u');
    // (possessing its user keyring, as a login does: the new keyring's mask lets only a possessor write)
    runAs(uid, 'keyctl', 'session', '-', 'sh', '-c', 'keyctl link @u @s >/dev/null && r=$(keyctl newring inner @u) && keyctl add user nested x $r >/dev/null');
    runAs(uid, 'keyctl', 'session', 'kbfg-session', 'keyctl', 'add', 'user', 'in-session', 'x', '@s');
    expect(keyUsersLists(uid)).toBe(true);
    expect(keysOwnedBy(uid).length).toBeGreaterThanOrEqual(6);

    removeThrowawayUser(user);
    user = null;
    expect(await keyUsersForget(uid)).toBe(true);
  });

  it("touches no other uid's keys", () => {
    const other = addThrowawayUser('kbfo');
    try {
      const ours = keyctl.addKey('user', `kbfg-root-${process.pid}`, Buffer.from('x'), keyctl.KEY_SPEC.SESSION);
      runAs(other.uid, 'keyctl', 'add', 'user', 'theirs', 'x', '@u');
      const forgotten = forgetUserKeys(other.uid);
      // Its user keyring, its user-session keyring and its key (which it may only view, so that one is refused
      // and goes with its keyring).
      expect(forgotten.invalidated + forgotten.refused).toBe(3);
      expect(forgotten.invalidated).toBeGreaterThanOrEqual(2);
      expect(keyctl.describe(ours)).toMatchObject({ description: `kbfg-root-${process.pid}` });
    } finally {
      removeThrowawayUser(other);
    }
  });

  it('at a full quota reads in the caller\'s session, and a forged /proc/keys record cannot make it invalidate a key the caller possesses', async () => {
    const full = addThrowawayUser('kbff');
    try {
      // A key of ours the user's process would possess through our session, which a description with a line
      // break names in a record of its own, as if the user owned it.
      const ours = keyctl.addKey('user', `kbff-root-${process.pid}`, Buffer.from('x'), keyctl.KEY_SPEC.SESSION);
      const forged = `forged\n${ours.toString(16).padStart(8, '0')} I--Q---     1 perm 3f010000  ${full.uid}  ${full.uid} user      kbff-root: 1`;
      runAs(full.uid, 'keyctl', 'add', 'user', forged, 'y', '@u');
      // No room left for a session keyring of its own.
      fillQuotaTo(full.uid, quotaMaxKeys(), 'kbff');
      expect(keysOwnedBy(full.uid)).toContain(ours); // the forged record, read back
      forgetUserKeys(full.uid);
      expect(keyctl.describe(ours)).toMatchObject({ description: `kbff-root-${process.pid}` });
    } finally {
      removeThrowawayUser(full);
    }
    expect(await keyUsersForget(full.uid)).toBe(true);
  }, 240_000); // a user's 200 keys made and invalidated one keyctl at a time: 26 s with a fifth of a core (load ~10 on 2 cores)

  it('has nothing to do for a uid without keys', () => {
    // A uid no one uses (the top of the 32-bit range, below (uid_t)-1).
    expect(forgetUserKeys(4_294_967_294 - 1)).toEqual({ invalidated: 0, refused: 0 });
  });
});
