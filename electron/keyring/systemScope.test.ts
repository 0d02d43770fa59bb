// The system view against the real kernel, as root: two throwaway users make keys as themselves (keyutils'
// keyctl under setpriv), and the `all` and `uid N` scans must show what each of them sees. The oracle is
// /proc/keys read by a process running as that user (in a fresh session of its own, so it possesses
// nothing of ours).
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quotaPercent, quotaLevel } from '../../shared/quota';
import type { KeyInfo, Snapshot } from '../../shared/snapshot';
import * as keyctl from './keyctl';
import { Scanner, scanSnapshot } from './scanner';
import { annotatePins } from './pins';
import { snapshotOf } from './scanState';
import { snapshotFileText } from '../../shared/snapshotFile';
import { bytesWritten, jsonChunks, pinEnvironmentAt } from './test/jsonWriters';
import { PoolReader } from '../threads/poolReader';
import { addThrowawayUser, exited, fillQuotaTo, removeThrowawayUser, runAs, type ThrowawayUser } from '../test/throwawayUsers';
import { procKeysAs } from './userProcess';
import { usagesSettle } from './test/kernelHelpers';
import { pick, seededRandom } from '../../shared/seededRandom';

const names = { a: `kbsa${process.pid}`, b: `kbsb${process.pid}` };
const uids = { a: -1, b: -1 };
const users: ThrowawayUser[] = [];
let sleeper: ChildProcess | null = null;

const as = runAs;

beforeAll(async () => {
  for (const k of ['a', 'b'] as const) {
    const user = addThrowawayUser(`kbs${k}`);
    users.push(user);
    uids[k] = user.uid;
  }
  as(uids.a, 'keyctl', 'add', 'user', 'a-secret', 'payload', '@u');
  // A session keyring only a sleeping process of user a holds.
  const started = spawn('setpriv', ['--reuid', String(uids.a), '--regid', String(uids.a), '--init-groups', 'keyctl', 'session', 'a-sleeping-session', 'sleep', '600'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  sleeper = started;
  // The session exists once keyctl says it joined it (before it runs the sleep).
  const joined = new Promise<void>((resolve, reject) => {
    let said = '';
    started.stderr.on('data', (d: Buffer) => void ((said += String(d)), /Joined session keyring: \d+/.test(said) && resolve()));
    started.once('exit', (code) => reject(new Error(`the sleeper's keyctl session exited (${code}): ${said}`)));
  });
  joined.catch(() => undefined); // awaited below
  // User b at 170 of its 200 keys (its two user keyrings count too).
  fillQuotaTo(uids.b, 170, 'b');
  await joined;
  expect(procKeysAs(uids.a).some((l) => l.rest.startsWith('a-sleeping-session'))).toBe(true);
});

afterAll(async () => {
  sleeper?.kill();
  await exited(sleeper);
  for (const user of users) removeThrowawayUser(user);
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

describe('scope all, as JSON (snapshot --json --all-users)', () => {
  it('writes the same bytes with the key records module as JSON.stringify writes, labels included', async () => {
    // Root's keys user a's group may view (as the bench's), which the module writes with their views' labels; the
    // users' own keys, which only their views list, are written by JSON.stringify in their place.
    const gidA = Number(execFileSync('id', ['-g', String(uids.a)], { encoding: 'utf8' }).trim());
    const session = keyctl.getKeyringId(keyctl.KEY_SPEC.SESSION);
    const ring = keyctl.addKey('keyring', 'shared with a', null, session);
    const shared: number[] = [];
    try {
      for (const id of [ring, ...Array.from({ length: 5 }, (_, i) => keyctl.addKey('user', `shared ${i}`, Buffer.from('x'), ring))]) {
        keyctl.chown(id, -1, gidA);
        keyctl.setPerm(id, 0x3f3f0b00);
        shared.push(id);
      }
      const scanner = new Scanner({ cacheNames: false, reader: new PoolReader('/proc'), scope: { kind: 'all' } });
      try {
        const state = await scanner.scanState();
        const env = pinEnvironmentAt(state.takenAt);
        const text = jsonChunks(state, env).join('');
        expect(bytesWritten(state, env).toString('utf8')).toBe(text);
        const snapshot = annotatePins(snapshotOf(state), env);
        expect(text).toBe(snapshotFileText(snapshot));
        const keys = byId(snapshot);
        for (const id of shared) expect(keys.get(id)?.seenBy).toEqual(['process', 'uid 0', `uid ${uids.a}`]);
        expect(snapshot.keys.find((k) => k.description === 'a-secret')?.seenBy).toEqual([`uid ${uids.a}`]);
      } finally {
        await scanner.close();
      }
    } finally {
      keyctl.unlink(ring, session);
    }
  });
});

describe('scope all, polled: views found unchanged are not merged again, and every change is seen', () => {
  let quiet: Scanner;
  beforeAll(() => {
    quiet = new Scanner({ scope: { kind: 'all' } });
  });
  afterAll(() => quiet.close());

  const keyOf = (s: Snapshot, description: string) => s.keys.find((k) => k.description === description);
  /**
   * One quiet poll between two full scans: null when the full scans disagree (the machine is shared: try again), else
   * whether the poll applied only the changes, once its `facts` are expected to be the full scans'.
   */
  const pollBetweenFullScans = async (facts: (s: Snapshot) => unknown, what: string): Promise<boolean | null> => {
    const first = await scanSnapshot({ scope: { kind: 'all' } });
    const snap = await quiet.scan();
    const changesOnly = quiet.lastStats.changesOnly === true;
    const last = await scanSnapshot({ scope: { kind: 'all' } });
    if (JSON.stringify(facts(first)) !== JSON.stringify(facts(last))) return null;
    expect(facts(snap), what).toEqual(facts(first));
    return changesOnly;
  };

  it('applies idle polls as they are, and sees a key appear that only a user may view', async () => {
    await quiet.scan();
    // Other work on the machine changes some views now and then: at least one of these polls finds none changed.
    let quietPolls = 0;
    for (let i = 0; i < 20 && quietPolls === 0; i++) {
      await quiet.scan();
      if (quiet.lastStats.changesOnly === true) quietPolls++;
    }
    expect(quietPolls).toBe(1);
    expect(keyOf(await quiet.scan(), 'a-fresh')).toBeUndefined();
    const fresh = Number(as(uids.a, 'keyctl', 'add', 'user', 'a-fresh', 'x', '@u'));
    // Root's own views do not list it: only user a's view can have changed.
    expect(keyOf(await quiet.scan(), 'a-fresh')).toMatchObject({ id: fresh, seenBy: [`uid ${uids.a}`] });
  });

  it("applies this process's own changes as changes, labelled as a full scan labels them", async () => {
    const session = keyctl.getKeyringId(keyctl.KEY_SPEC.SESSION);
    const gidA = Number(execFileSync('id', ['-g', String(uids.a)], { encoding: 'utf8' }).trim());
    const mine = keyctl.addKey('user', 'root-own', Buffer.from('1'), session);
    // One user a's group may view too: its changes change user a's view as well.
    const shared = keyctl.addKey('user', 'root-shared', Buffer.from('1'), session);
    keyctl.chown(shared, -1, gidA);
    keyctl.setPerm(shared, 0x3f3f0b00);
    const facts = (s: Snapshot) => [mine, shared].map((id) => s.keys.find((k) => k.id === id)).map((k) => k && { perm: k.perm, usage: k.usage, seenBy: k.seenBy });
    const changes: [string, () => void][] = [
      ['none', () => {}],
      ['permission of our own key', () => keyctl.setPerm(mine, 0x3f030000)],
      ['permission of the shared key', () => keyctl.setPerm(shared, 0x3f3f0f00)],
      ['a timeout', () => keyctl.setTimeout(mine, 3600)],
      ['unlinked', () => (keyctl.unlink(mine, session), keyctl.unlink(shared, session))],
    ];
    await quiet.scan();
    let applied = 0;
    for (const [what, change] of changes) {
      change();
      // Checked against full scans just before and after (retried until those agree: the machine is shared).
      let agreed = false;
      for (let attempt = 0; attempt < 10 && !agreed; attempt++) {
        const changesOnly = await pollBetweenFullScans(facts, what);
        if (changesOnly === null) continue;
        agreed = true;
        if (changesOnly) applied++;
      }
      expect(agreed, `full scans never agreed after "${what}"`).toBe(true);
    }
    expect(facts(await scanSnapshot({ scope: { kind: 'all' } }))[0]).toBeUndefined();
    expect(applied).toBeGreaterThan(0);
  });

  it("applies as a change a key's change that every view listing it shows alike: one root's reader and user a's view list, one only user a's view lists", async () => {
    const session = keyctl.getKeyringId(keyctl.KEY_SPEC.SESSION);
    const gidA = Number(execFileSync('id', ['-g', String(uids.a)], { encoding: 'utf8' }).trim());
    const shared = keyctl.addKey('user', 'root-shared-alike', Buffer.from('1'), session);
    keyctl.chown(shared, -1, gidA);
    keyctl.setPerm(shared, 0x3f3f0b00);
    // User a's own, in its user keyring, which only it may view (no group, no other) and write (made in a session of
    // its own, which possesses it while it sets that).
    const own = Number(as(uids.a, 'keyctl', 'session', '-', 'sh', '-c', 'k=$(keyctl add user a-alike x @s); keyctl setperm $k 0x3f050000; keyctl link $k @u; keyctl unlink $k @s >/dev/null; echo $k'));
    const facts = (s: Snapshot) =>
      [shared, own].map((id) => s.keys.find((k) => k.id === id)).map((k) => k && { perm: k.perm, usage: k.usage, payloadLength: k.payloadLength, seenBy: k.seenBy });
    const changes: [string, (i: number) => void][] = [
      ['the shared key', (i) => keyctl.setPerm(shared, i % 2 === 0 ? 0x3f3f0f00 : 0x3f3f0b00)],
      ["user a's own key", (i) => void as(uids.a, 'keyctl', 'update', String(own), 'x'.repeat(2 + (i % 2)))],
    ];
    await quiet.scan();
    expect(facts(await quiet.scan())[1]?.seenBy).toEqual([`uid ${uids.a}`]);
    for (const [what, change] of changes) {
      // Other work on the machine changes views now and then, which makes a poll a full scan: tried until one
      // applies only the changes, each checked against full scans just before and after.
      let applied = false;
      for (let attempt = 0; attempt < 10 && !applied; attempt++) {
        change(attempt);
        applied = (await pollBetweenFullScans(facts, what)) === true;
      }
      expect(applied, `no poll applied only the change of ${what}`).toBe(true);
    }
    keyctl.unlink(shared, session);
    as(uids.a, 'keyctl', 'unlink', String(own), '@u');
  });

  it('agrees with full scans through random changes, several keys at once, shared and only user a sees, kept and not', async () => {
    const rand = seededRandom(0x5e17);
    const session = keyctl.getKeyringId(keyctl.KEY_SPEC.SESSION);
    const gidA = Number(execFileSync('id', ['-g', String(uids.a)], { encoding: 'utf8' }).trim());
    const shared = [0, 1, 2].map((i) => {
      const id = keyctl.addKey('user', `root-shared-random-${i}`, Buffer.from('1'), session);
      keyctl.chown(id, -1, gidA);
      keyctl.setPerm(id, 0x3f3f0b00);
      return id;
    });
    // User a's keys, in its user keyring (view, write and setattr to it alone), made and changed by one shell per step.
    const make = (name: string) => `k=$(keyctl add user ${name} x @s); keyctl setperm $k 0x3f250000; keyctl link $k @u; keyctl unlink $k @s >/dev/null; echo $k`;
    const own = as(uids.a, 'keyctl', 'session', '-', 'sh', '-c', [0, 1, 2].map((i) => make(`a-random-${i}`)).join('\n')).split('\n').map(Number);
    const ours = (k: KeyInfo) => k.description.startsWith('root-shared-random-') || k.description.startsWith('a-random-');
    const facts = (s: Snapshot) =>
      s.keys.filter(ours).map((k) => ({ id: k.id, perm: k.perm, usage: k.usage, payloadLength: k.payloadLength, timeout: k.timeout === 'perm' ? 'perm' : 'set', seenBy: k.seenBy }));
    let made = 3;
    const changes: [string, () => string][] = [
      ['permission of a shared key', () => (keyctl.setPerm(pick(rand, shared), pick(rand, [0x3f3f0b00, 0x3f3f0f00, 0x3f3f0300])), '')],
      ["update of user a's key", () => `keyctl update ${pick(rand, own)} ${'x'.repeat(1 + Math.floor(rand() * 4))}`],
      ["timeout of user a's key", () => `keyctl timeout ${pick(rand, own)} ${pick(rand, [0, 7200])}`],
      ["a key user a adds (not applied: its keyring's members change)", () => `keyctl session - sh -c '${make(`a-random-${made++}`)}' 2>/dev/null`],
    ];
    await quiet.scan();
    let applied = 0;
    for (let step = 0; step < 12; step++) {
      const picked = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(rand, changes));
      const script = picked.map(([, change]) => change()).filter((line) => line !== '');
      // What the shell prints is the ids of the keys it added.
      if (script.length > 0) for (const id of as(uids.a, 'sh', '-c', script.join('\n')).split('\n')) if (id !== '') own.push(Number(id));
      const what = `step ${step}: ${picked.map(([w]) => w).join(', ')}`;
      let changesOnly: boolean | null = null;
      for (let attempt = 0; attempt < 10 && changesOnly === null; attempt++) changesOnly = await pollBetweenFullScans(facts, what);
      expect(changesOnly, `full scans never agreed after ${what}`).not.toBeNull();
      if (changesOnly === true) applied++;
    }
    expect(applied).toBeGreaterThan(0);
    for (const id of shared) keyctl.unlink(id, session);
    as(uids.a, 'sh', '-c', own.map((id) => `keyctl unlink ${id} @u`).join('\n'));
  });

  it("sees two same-named keys swapped between a user's keyrings that only that user may read (no /proc/keys line changes)", async () => {
    // Made by a shell of user a's that possesses them (its own session), then opened to the user (no possession
    // needed later) and linked from its user keyring, which root may not read: only user a's view shows them.
    const script = [
      'set -e',
      'open() { keyctl setperm $1 0x3f3f0000; echo $1; }',
      'l=$(keyctl newring swap-left @s); r=$(keyctl newring swap-right @s); h=$(keyctl newring swap-hold @s)',
      'open $l; open $r; open $h; keyctl link $l @u; keyctl link $r @u; keyctl link $h @u',
      'open $(keyctl add user twin 1 $l)',
      'y=$(keyctl add user twin 1 $r); open $y; keyctl link $y $h',
      'keyctl unlink $l @s; keyctl unlink $r @s; keyctl unlink $h @s >/dev/null',
    ].join('\n');
    const [left, right, , x, y] = as(uids.a, 'keyctl', 'session', '-', 'sh', '-c', script).split('\n').map(Number) as [number, number, number, number, number];
    const viewOfA = () => new Map(procKeysAs(uids.a).map((l) => [l.id, l]));
    const lines = () => {
      const seen = viewOfA();
      return JSON.stringify([left, right, x, y].map((id) => seen.get(id)));
    };
    // One reference per link, once the references the making shell dropped are gone (its unlinks' after an RCU grace
    // period, its session keyring's links when the garbage collector gets to it, some time after the shell ends).
    const linkUsages = [[left, 1], [right, 1], [x, 1], [y, 2]] as const;
    await usagesSettle(linkUsages, "drop the making shell's references", viewOfA);
    const linesBefore = lines();
    // Polled until a poll finds nothing changed (the oracle's own session keyring went; other work may change views).
    let before = await quiet.scan();
    for (let i = 0; i < 20 && quiet.lastStats.changesOnly !== true; i++) before = await quiet.scan();
    expect(quiet.lastStats.changesOnly).toBe(true);
    expect(before.keys.find((k) => k.id === left)).toMatchObject({ links: [x], seenBy: [`uid ${uids.a}`] });
    // Linking a key into a keyring that holds one of the same type and description replaces it. The replaced
    // links' references go after an RCU grace period: the poll is taken once the usages are back as they were.
    as(uids.a, 'sh', '-c', `keyctl link ${x} ${right} && keyctl link ${y} ${left}`);
    await usagesSettle(linkUsages, "drop the replaced links' references", viewOfA);
    const after = await quiet.scan();
    expect(after.keys.find((k) => k.id === left)?.links).toEqual([y]);
    expect(after.keys.find((k) => k.id === right)?.links).toEqual([x]);
    // No line of user a's view says so: only its member lists could.
    expect(lines()).toBe(linesBefore);
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

  it.each([{ kind: 'all' }, { kind: 'uid', uid: 0 }])('a scan of scope %o is refused with ScopeRefusedError, from the engine and its scan thread', (scope) => {
    const dist = resolve(__dirname, '..', '..', 'dist', 'electron');
    const script = `
      const { Scanner } = require(${JSON.stringify(resolve(dist, 'keyring', 'scanner.js'))});
      const { createWorkerSnapshotSource } = require(${JSON.stringify(resolve(dist, 'threads', 'scanThread.js'))});
      const scope = ${JSON.stringify(scope)};
      const scanner = new Scanner({ scope });
      const source = createWorkerSnapshotSource({ scope });
      const outcome = (p) => p.then(() => 'scanned', (e) => e.name + ': ' + e.message);
      Promise.all([outcome(scanner.scan()), outcome(source.scan())]).then(async (answers) => {
        await Promise.all([scanner.close(), source.close()]);
        process.stdout.write(JSON.stringify(answers));
      });`;
    const r = spawnSync('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', process.execPath, '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const flag = scope.kind === 'all' ? '--all-users' : '--uid 0';
    for (const answer of JSON.parse(r.stdout) as string[]) expect(answer).toMatch(new RegExp(`^ScopeRefusedError: ${flag} needs root`));
  });
});
