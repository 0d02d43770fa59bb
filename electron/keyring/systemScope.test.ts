// The system view against the real kernel, as root: two throwaway users make keys as themselves (keyutils'
// keyctl under setpriv), and the `all` and `uid N` scans must show what each of them sees. The oracle is
// /proc/keys read by a process running as that user (in a fresh session of its own, so it possesses
// nothing of ours).
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quotaPercent, quotaLevel } from '../../shared/quota';
import type { KeyInfo, Snapshot } from '../../shared/snapshot';
import { scanSnapshot } from './scanner';
import { fillQuotaTo, procKeysAs, runAs } from '../test/throwawayUsers';

const names = { a: `kbsa${process.pid}`, b: `kbsb${process.pid}` };
const uids = { a: -1, b: -1 };
let sleeper: ChildProcess | null = null;

const as = runAs;

beforeAll(() => {
  for (const k of ['a', 'b'] as const) {
    execFileSync('useradd', ['--no-create-home', '--user-group', '--shell', '/usr/sbin/nologin', names[k]]);
    uids[k] = Number(execFileSync('id', ['-u', names[k]], { encoding: 'utf8' }).trim());
  }
  as(uids.a, 'keyctl', 'add', 'user', 'a-secret', 'payload', '@u');
  // A session keyring only a sleeping process of user a holds.
  sleeper = spawn('setpriv', ['--reuid', String(uids.a), '--regid', String(uids.a), '--init-groups', 'keyctl', 'session', 'a-sleeping-session', 'sleep', '600'], { stdio: 'ignore' });
  // User b at 170 of its 200 keys (its two user keyrings count too).
  fillQuotaTo(uids.b, 170, 'b');
  // Wait for the sleeper's session to exist.
  for (let i = 0; i < 100 && !procKeysAs(uids.a).some((l) => l.rest.startsWith('a-sleeping-session')); i++) execFileSync('sleep', ['0.05']);
});

afterAll(() => {
  sleeper?.kill();
  for (const k of ['a', 'b'] as const) {
    if (uids[k] >= 0) as(uids[k], 'keyctl', 'clear', '@u');
    spawnSync('userdel', [names[k]]);
  }
});

const byId = (s: Snapshot) => new Map(s.keys.map((k) => [k.id, k]));

describe('scope all (as root)', () => {
  let snapshot: Snapshot;
  beforeAll(async () => {
    snapshot = await scanSnapshot({ scope: { kind: 'all' } });
  });

  it('holds every key each user sees, with the same flags and usage, and says that user sees it', () => {
    const keys = byId(snapshot);
    for (const uid of [uids.a, uids.b]) {
      const oracle = procKeysAs(uid);
      expect(oracle.length).toBeGreaterThan(1);
      for (const line of oracle) {
        const k = keys.get(line.id) as KeyInfo;
        expect(k, `key ${line.id.toString(16)} of uid ${uid}`).toBeDefined();
        expect({ id: k.id, flags: k.flags, usage: k.usage }).toEqual({ id: line.id, flags: line.flags, usage: line.usage });
        expect(k.seenBy).toContain(`uid ${uid}`);
      }
    }
  });

  it("shows a session keyring held only by a sleeping process of the user's, not possessed by us", () => {
    const ring = snapshot.keys.find((k) => k.type === 'keyring' && k.description === 'a-sleeping-session');
    expect(ring).toMatchObject({ uid: uids.a, possessed: false, orphan: true });
    expect(ring?.seenBy).toEqual([`uid ${uids.a}`]);
  });

  it("finds each user's keyrings with their members and names the users in the quotas", () => {
    const userRing = snapshot.keys.find((k) => k.description === `_uid.${uids.a}`);
    const secret = snapshot.keys.find((k) => k.description === 'a-secret');
    expect(userRing?.links).toContain(secret?.id);
    const quota = snapshot.quotas.find((q) => q.uid === uids.b);
    expect(quota).toMatchObject({ name: names.b, qnkeys: 170, maxkeys: 200 });
    expect(quotaPercent(quota!.qnkeys, quota!.maxkeys)).toBe(85);
    expect(quotaLevel(quota!.qnkeys, quota!.maxkeys)).toBe('warn');
    expect(snapshot.scope).toEqual({ kind: 'all' });
  });

  it('keeps possession relative to this process, and marks its own view', () => {
    const session = snapshot.keys.find((k) => k.id === snapshot.anchors.session);
    expect(session).toMatchObject({ possessed: true });
    expect(session?.seenBy).toContain('process');
    for (const k of snapshot.keys) if (k.uid === uids.a || k.uid === uids.b) expect(k.possessed).toBe(false);
  });
});

describe('scope uid N (as root)', () => {
  it("shows what that uid sees and nothing only another user sees", async () => {
    const s = await scanSnapshot({ scope: { kind: 'uid', uid: uids.a } });
    const descriptions = new Set(s.keys.map((k) => k.description));
    expect(descriptions.has('a-secret')).toBe(true);
    expect(descriptions.has('b1')).toBe(false);
    expect(s.scope).toEqual({ kind: 'uid', uid: uids.a });
  });

  it('is no error for a uid that has no keys (or lost its last one mid-scan)', async () => {
    const s = await scanSnapshot({ scope: { kind: 'uid', uid: 0x7ffffff0 } });
    expect(s.keys.every((k) => !(k.seenBy ?? []).includes(`uid ${0x7ffffff0}`))).toBe(true);
  });
});

describe('without root', () => {
  it('snapshot --all-users is refused in a sentence that says to run as root', () => {
    const bin = resolve(__dirname, '..', '..', 'bin', 'keyring-browser');
    const r = spawnSync('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', process.execPath, bin, 'snapshot', '--all-users'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--all-users needs root: .* Run it as root/);
  });
});
