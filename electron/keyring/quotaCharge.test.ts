// The byte charges the app computes (shared/quotaCharge.ts) against the kernel's own count: a throwaway user
// makes user and logon keys in several keyrings of its own, and the sum over that user's keys in an `all`
// scan must equal /proc/key-users' qnbytes for its uid. Then the one case where the kernel charges more than
// its keys show: a member the garbage collector removed from a keyring leaves its link's 4 bytes charged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as delay } from 'node:timers/promises';
import { readFileSync } from 'node:fs';
import { chargesOf } from '../../shared/quotaCharge';
import type { Snapshot } from '../../shared/snapshot';
import { parseKeyUsers } from './keyUsers';
import { parseProcKeys } from './procKeys';
import { scanSnapshot } from './scanner';
import { addThrowawayUser, removeThrowawayUser, runAs, type ThrowawayUser } from '../test/throwawayUsers';

let user: ThrowawayUser;
let members: { ring: number; key: number };

/** Runs `script` as the user in a session of its own that links its user keyring (so it possesses, and may write into, its keyrings). */
const asLogin = (script: string) => runAs(user.uid, 'keyctl', 'session', '-', 'sh', '-c', `keyctl link @u @s >/dev/null && ${script}`);

const qnbytes = (uid: number) => parseKeyUsers(readFileSync('/proc/key-users', 'utf8')).quotas.find((q) => q.uid === uid)?.qnbytes;

/** Waits until no session keyring of the user's is left (each asLogin made one; the collector destroys it soon after). */
async function sessionsCollected(uid: number): Promise<void> {
  for (let i = 0; i < 250; i++) {
    const own = parseProcKeys(runAs(uid, 'cat', '/proc/keys') + '\n').lines.filter((l) => l.uid === uid);
    if (!own.some((l) => l.rest.startsWith('_ses'))) return;
    await delay(20);
  }
  throw new Error(`uid ${uid}'s session keyrings were not collected within 5 s`);
}

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
  members = { ring: inner, key };
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
    expect(sum.bytes).toBe(qnbytes(user.uid));
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
    expect(qnbytes(user.uid)! - chargesOf(snapshot.keys, user.uid).bytes).toBe(2 * 4);
  });
});
