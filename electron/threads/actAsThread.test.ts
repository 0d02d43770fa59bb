// The act-as thread against the real kernel, as root: a throwaway user's key whose mask grants only its
// possessor (keyctl add's default 3f010000: the user category may only view) and that sits in the user's
// user keyring. The oracle is keyutils' keyctl run as that user (setpriv): a process of the user whose
// session keyring links @u (what a login's session does) may read it; one in a bare session may not.
// The thread, given the user's `_uid.N`, does as the login; without it, as the bare session. After every
// call its ids are its own and its session keyring holds nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addThrowawayUser, removeThrowawayUser, runAs, spawnAs, type ThrowawayUser } from '../test/throwawayUsers';
import { ActAsThread } from './actAsThread';
import { threadIds } from './credentials';
import * as keyctl from '../keyring/keyctl';

let user: ThrowawayUser;
let userKeyring = 0;
let key = 0;
let decoy = 0;
const thread = new ActAsThread();

/** keyctl as the user, from a fresh session: linking @u into it first (a login) or not (a bare session). */
const asUser = (login: boolean, ...args: string[]) =>
  spawnAs(user.uid, ['keyctl', 'session', '-', 'sh', '-c', `${login ? 'keyctl link @u @s >/dev/null && ' : ''}keyctl ${args.join(' ')}`]);

beforeAll(() => {
  user = addThrowawayUser('kbpos');
  key = Number(runAs(user.uid, 'keyctl', 'add', 'user', 'possessor-only', 'sesame', '@u'));
  userKeyring = Number(runAs(user.uid, 'keyctl', 'id', '@u'));
});

afterAll(async () => {
  await thread.close();
  removeThrowawayUser(user);
});

describe('acting as another user, possessing what its user keyring holds', () => {
  it('is a key only its possessor may read: the oracle reads it from a login-like session, not from a bare one', () => {
    expect(runAs(user.uid, 'keyctl', 'rdescribe', String(userKeyring))).toBe(`keyring;${user.uid};65534;1f3f0000;_uid.${user.uid}`);
    const login = asUser(true, 'print', String(key));
    expect(login.status, login.stderr).toBe(0);
    expect(login.stdout.trim()).toBe('sesame');
    const bare = asUser(false, 'print', String(key));
    expect(bare.status).not.toBe(0);
    expect(bare.stderr).toMatch(/Permission denied/);
  });

  it('reads it when given the user keyring, and says it held it', async () => {
    const payload = (await thread.call(user.uid, userKeyring, 'read', key)) as Buffer;
    expect(payload.toString()).toBe('sesame');
    expect(thread.lastHeld).toEqual({ userKeyring });
  });

  it('is refused EACCES without it, as the bare session is', async () => {
    await expect(thread.call(user.uid, null, 'read', key)).rejects.toMatchObject({ code: 'EACCES' });
    expect(thread.lastHeld).toMatchObject({ userKeyring: null });
  });

  it('changes the key as the login would (setattr is the possessor’s only): the oracle sees the new mask', async () => {
    await thread.call(user.uid, userKeyring, 'setPerm', key, 0x3f030000);
    expect(asUser(false, 'rdescribe', String(key)).stdout).toMatch(new RegExp(`^user;${user.uid};${user.uid};3f030000;possessor-only`));
  });

  it('refuses a keyring of the user’s that is not its user keyring', async () => {
    decoy = Number(runAs(user.uid, 'keyctl', 'newring', 'decoy', '@u'));
    await expect(thread.call(user.uid, decoy, 'read', key)).rejects.toThrow(/is not uid \d+'s user keyring \(it is keyring “decoy”/);
  });

  it('has its own ids and an empty session keyring after every call; the main thread never changed', async () => {
    expect(await thread.state()).toEqual({ fsuid: 0, fsgid: 0, sessionMembers: [] });
    expect(threadIds()).toMatchObject({ fsuid: 0, fsgid: 0 });
    // The user's keyrings hold what they held: nothing of the user's was linked or unlinked.
    expect(runAs(user.uid, 'keyctl', 'rdescribe', String(userKeyring))).toMatch(/^keyring;/);
    expect(new Set(runAs(user.uid, 'keyctl', 'rlist', '@u').split(' ').map(Number))).toEqual(new Set([key, decoy]));
    // Root's view: still no possession of the key, nor of the user keyring.
    expect(() => keyctl.describe(key)).toThrow(expect.objectContaining({ code: 'EACCES' }));
  });
});
