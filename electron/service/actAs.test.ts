// Actions on another user's keys, as root against the real kernel: a throwaway user's key that root
// cannot even see (the kernel gives root no override on key permissions) is read, timed out and revoked
// through the service of an all-users view, on a thread that takes that user's filesystem ids and groups;
// the main thread's stay root's. The oracle is /proc/keys read as that user.
// Possession: the thread links the user's `_uid.N` into a session keyring of its own for the call, as a
// login's session does, so a key whose permissions grant only its possessor (the default for `keyctl add`,
// 3f010000: the user category may only view) is acted on when the user keyring holds it, and refused when
// only another session keyring of the user's holds it, exactly as to a login of that user (the oracle).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWorkerSnapshotSource } from '../threads/scanThread';
import { threadIds } from '../threads/credentials';
import { addThrowawayUser, exited, removeThrowawayUser, runAs, setprivAs, spawnAs, type ThrowawayUser } from '../test/throwawayUsers';
import { KeyringService } from './keyringService';
import { procKeysAs } from '../keyring/userProcess';

let user: ThrowawayUser | null = null;
let service: KeyringService;
let secret = 0;
let possessorOnly = 0;
/** A possessor-only key in a session keyring a sleeping process of the user's holds, not in its user keyring. */
let elsewhere = 0;
let sleeper: ChildProcess | null = null;

beforeAll(async () => {
  user = addThrowawayUser('kbact');
  // Made in a fresh session of the user's own (so it possesses them while it sets them up), then linked into
  // its user keyring and left there: afterwards no process of the user possesses them.
  const make = (name: string, perm: string | null) =>
    Number(runAs(user!.uid, 'keyctl', 'session', '-', 'sh', '-c', `id=$(keyctl add user ${name} sesame @s) && ${perm ? `keyctl setperm $id ${perm} && ` : ''}keyctl link $id @u && echo $id`));
  // Possessor and user may do everything: what the user category grants is what the thread can use.
  secret = make('act-secret', '0x3f3f0000');
  possessorOnly = make('act-possessed', null);
  sleeper = spawn('setpriv', [...setprivAs(user.uid), 'keyctl', 'session', '-', 'sh', '-c', 'keyctl add user act-elsewhere x @s && exec sleep 120'], { stdio: ['ignore', 'pipe', 'ignore'] });
  elsewhere = Number(await new Promise<string>((resolve) => sleeper!.stdout!.once('data', (d: Buffer) => resolve(d.toString()))));
  service = new KeyringService({ source: createWorkerSnapshotSource({ scope: { kind: 'all' } }), scope: { kind: 'all' } });
  await service.getSnapshot();
});

afterAll(async () => {
  sleeper?.kill();
  await service?.close();
  await exited(sleeper);
  removeThrowawayUser(user);
});

/** keyctl as the user in a fresh session that links its user keyring, as a login's session does. */
const loginAs = (...args: string[]) => spawnAs(user!.uid, ['keyctl', 'session', '-', 'sh', '-c', `keyctl link @u @s >/dev/null && keyctl ${args.join(' ')}`]);
const oracle = (id: number) => procKeysAs(user!.uid).find((l) => l.id === id);

describe('an action on a key only another user sees', () => {
  it('is a key root cannot touch by itself', async () => {
    const key = (await service.getSnapshot()).snapshot.keys.find((k) => k.id === secret);
    expect(key?.seenBy).toEqual([`uid ${user!.uid}`]);
    expect(() => execFileSync('keyctl', ['describe', String(secret)], { stdio: 'pipe' })).toThrow();
  });

  it('reads its payload as that user', async () => {
    const read = await service.readPayload(secret);
    expect(Buffer.from(read.base64, 'base64').toString()).toBe('sesame');
  });

  it('sets its timeout and revokes it as that user, and says so', async () => {
    const timed = await service.setKeyTimeout(secret, 3600);
    expect(timed.message).toContain(`as uid ${user!.uid} (${user!.name})`);
    expect(oracle(secret)?.timeout).not.toBe('perm');
    const revoked = await service.revokeKey(secret);
    expect(revoked.message).toMatch(new RegExp(`^Revoked .* as uid ${user!.uid} \\(${user!.name}\\), holding _uid\\.\\d+ \\(0x[0-9a-f]+\\) as its logins do: every use`));
    expect(oracle(secret)?.flags).toContain('R');
  });

  it('possesses what the user keyring holds, as a login of that user does, and says what it held', async () => {
    // The oracle: that user's login-like session (linking @u) may revoke it.
    expect(loginAs('rdescribe', String(possessorOnly)).status).toBe(0);
    const revoked = await service.revokeKey(possessorOnly);
    expect(revoked.message).toMatch(new RegExp(`as uid ${user!.uid} \\(${user!.name}\\), holding _uid\\.${user!.uid} \\(0x[0-9a-f]+\\) as its logins do`));
    expect(oracle(possessorOnly)?.flags).toContain('R');
  });

  it('is refused, as to a login of that user, on a possessor-only key its user keyring does not hold', async () => {
    await service.refresh();
    expect(loginAs('revoke', String(elsewhere)).stderr).toMatch(/Permission denied/);
    await expect(service.revokeKey(elsewhere)).rejects.toThrow(/^EACCES: /);
    expect(oracle(elsewhere)?.flags).not.toContain('R');
  });

  it("never changes the main thread's credentials", () => {
    expect(threadIds()).toMatchObject({ fsuid: 0, fsgid: 0 });
  });

  it('refuses a special keyring with it: @u would be root’s, not that user’s', async () => {
    await expect(service.linkKey(secret, -4)).rejects.toThrow(/special keyrings name this process's own keyrings; to act as uid \d+, choose that user's keyring by its id/);
  });
});
