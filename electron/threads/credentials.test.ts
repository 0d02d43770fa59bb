// Taking a user's credentials on one thread, for real: a throwaway user adds a key to its user keyring
// (keyutils' keyctl run as that user by setpriv); a reader thread given that user's credentials sees the key
// in /proc/keys and may describe it, while this (main) thread, root, sees neither: key permissions are not
// subject to root's DAC override, and only the reader thread changed.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as keyctl from '../keyring/keyctl';
import { threadIds, userCredentials } from './credentials';
import { ReaderThread } from './readerThread';
import { addThrowawayUser, removeThrowawayUser, runAs, type ThrowawayUser } from '../test/throwawayUsers';

const hex = (id: number): string => id.toString(16).padStart(8, '0');
let user: ThrowawayUser | null = null;
let uid = -1;

/** keyutils' keyctl as the throwaway user (its ids and its groups, as a login would give). */
function keyctlAs(...args: string[]): string {
  return runAs(uid, 'keyctl', ...args);
}

beforeAll(() => {
  user = addThrowawayUser('kbthr');
  uid = user.uid;
});

afterAll(() => {
  removeThrowawayUser(user);
});

describe('a thread with another user’s credentials', () => {
  it('reads /proc/keys and describes keys as that user; the main thread stays root and sees neither', async () => {
    const key = Number(keyctlAs('add', 'user', 'theirs', 'payload', '@u'));
    expect(key).toBeGreaterThan(0);
    const credentials = userCredentials(uid);
    expect(credentials).toMatchObject({ uid, gid: uid }); // --user-group: a group of the same id
    const before = threadIds();

    const reader = new ReaderThread({ credentials });
    try {
      const { keys } = await reader.read('/proc');
      expect(keys.text).toContain(`${hex(key)} `);
      const [d] = await reader.describe([key]);
      expect(d).toEqual({ id: key, description: { type: 'user', uid, gid: uid, perm: 0x3f010000, description: 'theirs' } });

      // This thread: unchanged ids, and the key is out of its sight.
      expect(threadIds()).toEqual(before);
      expect(before.fsuid).toBe(0);
      expect(readFileSync('/proc/keys', 'utf8')).not.toContain(`${hex(key)} `);
      expect(() => keyctl.describe(key)).toThrow(expect.objectContaining({ code: 'EACCES' }));
      // A reader keeping this thread's credentials does not see it either.
      const plain = new ReaderThread();
      try {
        expect((await plain.read('/proc')).keys.text).not.toContain(`${hex(key)} `);
      } finally {
        await plain.close();
      }
    } finally {
      await reader.close();
    }
  });

  it('takes the user’s supplementary groups from /etc/group', () => {
    const c = userCredentials(uid);
    expect(c.groups).toContain(c.gid);
    expect(() => userCredentials(0x7ffffff0)).toThrow(/not in \/etc\/passwd/);
  });
});
