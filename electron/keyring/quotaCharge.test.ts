// The byte charges the app computes (shared/quotaCharge.ts) against the kernel's own count: a throwaway user
// makes user and logon keys in several keyrings of its own, and the sum over that user's keys in an `all`
// scan must equal /proc/key-users' qnbytes for its uid. Then the one case where the kernel charges more than
// its keys show: a member the garbage collector removed from a keyring leaves its link's 4 bytes charged, until
// the keyring is cleared or destroyed, while an unlink gives them back at once. (A keyring's charge is kept in
// 16 bits, which only root's limit lets it pass: that wrap was measured by hand, as root, since each one stays
// charged to root until reboot; see shared/quotaCharge.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as delay } from 'node:timers/promises';
import { chargesOf } from '../../shared/quotaCharge';
import type { Snapshot } from '../../shared/snapshot';
import { scanSnapshot } from './scanner';
import { addThrowawayUser, quotaBytes, quotaKeys, removeThrowawayUser, runAsLogin, sessionsCollected, type ThrowawayUser } from '../test/throwawayUsers';
import { kernelDid } from './test/kernelHelpers';

let user: ThrowawayUser;
let members: { outer: number; ring: number; key: number };

const asLogin = (script: string) => runAsLogin(user.uid, script);

async function userScan(): Promise<Snapshot> {
  await sessionsCollected(user.uid);
  return scanSnapshot({ scope: { kind: 'all' } });
}

beforeAll(() => {
  user = addThrowawayUser('kbqc');
  // Keyrings of its own (one nested), user and logon keys of several lengths, a key in two keyrings,
  // descriptions of several byte lengths (é is two), and an empty keyring.
  const [ring, inner, key] = asLogin(
    [
      'a=$(keyctl newring qc-alpha @u)',
      'b=$(keyctl newring qc-beta-é $a)',
      'keyctl newring qc-empty @u >/dev/null',
      'keyctl add user qc-u1 abcde @u >/dev/null',
      'k=$(keyctl add user qc-u2 0123456789abcdef $a)',
      'keyctl add logon qc:l1 secret-logon-payload $a >/dev/null',
      'keyctl add logon qc:l2 x $b >/dev/null',
      'keyctl add user "qc u3: 9" zz $b >/dev/null',
      'keyctl link $k $b',
      'echo $a; echo $b; echo $k',
    ].join(' && '),
  )
    .split('\n')
    .map(Number) as [number, number, number];
  members = { outer: ring, ring: inner, key };
  expect(ring).toBeGreaterThan(0);
});

afterAll(() => {
  if (user) removeThrowawayUser(user);
});

describe('byte charges against /proc/key-users (as root, scope all)', () => {
  it('the sum over the user’s keys is its qnbytes, every charge known', async () => {
    const snapshot = await userScan();
    const sum = chargesOf(snapshot.keys, user.uid);
    expect(sum.unknown).toBe(0);
    // _uid, _uid_ses, three keyrings, five keys.
    expect(sum.keys).toBe(10);
    expect(sum.bytes).toBe(quotaBytes(user.uid));
  });

  it('the kernel keeps charging a link the collector removed (keyring_gc gives no bytes back)', async () => {
    asLogin(`keyctl invalidate ${members.key}`);
    let snapshot = await userScan();
    for (let i = 0; i < 100 && snapshot.keys.some((k) => k.id === members.key); i++) {
      await delay(20);
      snapshot = await userScan();
    }
    expect(snapshot.keys.some((k) => k.id === members.key)).toBe(false);
    // The key was in two keyrings: both stay charged 4 bytes for it.
    expect(quotaBytes(user.uid) - chargesOf(snapshot.keys, user.uid).bytes).toBe(2 * 4);
  });

  it('gives a link’s 4 bytes back at once when it is unlinked, not collected', async () => {
    // Each login's session keyring is charged too, until the collector takes it: read once it has.
    const charged = async () => (await sessionsCollected(user.uid), quotaBytes(user.uid));
    const before = await charged();
    const key = asLogin(`k=$(keyctl add user qc-linked 123 ${members.outer}) && keyctl link $k ${members.ring} && echo $k`);
    // 9 + 1 + 3, and a link in each keyring.
    expect((await charged()) - before).toBe(13 + 2 * 4);
    asLogin(`keyctl unlink ${key} ${members.ring}`);
    expect((await charged()) - before).toBe(13 + 4);
    asLogin(`keyctl unlink ${key} ${members.outer}`);
    await kernelDid(() => quotaKeys(user.uid) === 9, 'destroy the unlinked key');
    expect(await charged()).toBe(before);
  });

  it('gives the collected links’ bytes back when their keyring is cleared, and when it is destroyed', async () => {
    const gap = async () => quotaBytes(user.uid) - chargesOf((await userScan()).keys, user.uid).bytes;
    expect(await gap()).toBe(2 * 4);
    asLogin(`keyctl clear ${members.ring}`);
    await kernelDid(() => quotaKeys(user.uid) === 10 - 1 - 2, 'collect the cleared keyring’s two keys');
    expect(await gap()).toBe(4);
    // qc-alpha goes from @u: destroyed, with its 4 collected bytes (and qc-beta-é, which only it held).
    asLogin(`keyctl unlink ${members.outer} @u`);
    await kernelDid(() => quotaKeys(user.uid) === 10 - 1 - 2 - 3, 'destroy qc-alpha and what only it held');
    expect(await gap()).toBe(0);
  });
});
