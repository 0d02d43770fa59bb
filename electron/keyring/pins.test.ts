import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isWindow } from '../../shared/expiry';
import type { KeyInfo, Pin, Snapshot } from '../../shared/snapshot';
import * as keyctl from './keyctl';
import { readPinEnvironment } from './pinEnvironment';
import { annotateKey, annotatePins, pinContext, pinContextAgain, pinsNameProcesses, withPins, type PinEnvironment } from './pins';
import { scanSnapshot } from './scanner';
import { testKey } from '../../shared/testing';
import { usagesSettle } from './test/kernelHelpers';

const NOW = 1_800_000_000_000;
const GC_DELAY = 300;

function env(overrides: Partial<PinEnvironment> = {}): PinEnvironment {
  return {
    now: NOW,
    processesByUid: new Map([[0, 120], [1000, 3]]),
    gcDelaySeconds: GC_DELAY,
    persistentExpirySeconds: 259200,
    userRegistryKeepsUserKeyrings: true,
    ...overrides,
  };
}

const key = testKey;

function ring(id: number, links: number[], fields: Partial<KeyInfo> = {}): KeyInfo {
  return key(id, { type: 'keyring', description: `ring${id}`, links, ...fields });
}

function snapshot(keys: KeyInfo[], anchors: Partial<Snapshot['anchors']> = {}): Snapshot {
  return {
    takenAt: NOW,
    uid: 0,
    gid: 0,
    groups: [],
    anchors: { thread: null, process: null, session: null, user: null, userSession: null, persistent: null, ...anchors },
    keys,
    quotas: [],
  };
}

function pinned(snap: Snapshot, id: number): KeyInfo {
  const found = snap.keys.find((k) => k.id === id);
  if (found === undefined) throw new Error(`key ${id} not in snapshot`);
  return found;
}

describe('withPins on hand-made snapshots', () => {
  it('a key linked once with usage 1 has one link pin and nothing else', () => {
    const out = withPins(snapshot([ring(10, [11], { usage: 2 }), key(11)]), env());
    expect(pinned(out, 11).pins).toEqual([{ kind: 'link', from: 10 }]);
    expect(pinned(out, 11).doomed).toBeNull();
  });

  it('a key linked from two keyrings has two link pins, in snapshot order', () => {
    const out = withPins(snapshot([ring(10, [12]), ring(11, [12]), key(12, { usage: 2 })]), env());
    expect(pinned(out, 12).pins).toEqual([
      { kind: 'link', from: 10 },
      { kind: 'link', from: 11 },
    ]);
  });

  it('references the links do not explain are credentials: a session keyring held by 3 processes', () => {
    const out = withPins(snapshot([ring(10, [], { description: '_ses', usage: 3 })], { session: 10 }), env());
    expect(pinned(out, 10).pins).toEqual([{ kind: 'credentials', count: 3 }]);
  });

  it('a keyring both linked and held by a process gets a link and a credentials pin', () => {
    const out = withPins(snapshot([ring(10, [11], { usage: 1 }), ring(11, [], { usage: 3 })]), env());
    expect(pinned(out, 11).pins).toEqual([
      { kind: 'link', from: 10 },
      { kind: 'credentials', count: 2 },
    ]);
  });

  it('never reports negative credentials when a scan sees more links than usage (a race)', () => {
    const out = withPins(snapshot([ring(10, [12]), ring(11, [12]), key(12, { usage: 1 })]), env());
    expect(pinned(out, 12).pins?.map((p) => p.kind)).toEqual(['link', 'link']);
  });

  it('gives a key with a future expiry a timer pin (when: the key says, in its expiry window)', () => {
    const expiry = { from: NOW + 60_000, to: NOW + 119_000 };
    const out = withPins(snapshot([ring(10, [11]), key(11, { timeout: '1m', expiry })]), env());
    expect(pinned(out, 11).pins).toContainEqual({ kind: 'timer' });
    expect(pinned(out, 11).doomed).toBeNull();
  });

  it("gives _persistent.<uid> a timer that only KEYCTL_GET_PERSISTENT renews, with the sysctl's period", () => {
    const expiry = { from: NOW + 2 * 86400_000, to: NOW + 3 * 86400_000 - 1000 };
    const out = withPins(
      snapshot([
        ring(10, [11], { description: '.persistent_register' }),
        ring(11, [], { description: '_persistent.0', timeout: '2d', expiry }),
      ]),
      env({ persistentExpirySeconds: 7200 }),
    );
    expect(pinned(out, 11).pins).toContainEqual({
      kind: 'timer',
      renewalSeconds: 7200,
      renewedBy: 'KEYCTL_GET_PERSISTENT',
    });
  });

  it("pins _uid.N and _uid_ses.N to their user, naming .user_reg on Linux 5.3+", () => {
    const keys = [
      ring(1, [2, 3], { description: '.user_reg', perm: 0x0c030000 }),
      ring(2, [3], { description: '_uid_ses.1000', uid: 1000, usage: 1 }),
      ring(3, [], { description: '_uid.1000', uid: 1000, usage: 2 }),
    ];
    const out = withPins(snapshot(keys), env());
    expect(pinned(out, 3).pins).toEqual([
      { kind: 'link', from: 1 },
      { kind: 'link', from: 2 },
      { kind: 'user', uid: 1000, processes: 3, userRegistry: 1 },
    ]);
    expect(pinned(out, 2).pins).toContainEqual({ kind: 'user', uid: 1000, processes: 3, userRegistry: 1 });

    const old = withPins(snapshot([ring(3, [], { description: '_uid.1000', uid: 1000 })]), env({ userRegistryKeepsUserKeyrings: false }));
    expect(pinned(old, 3).pins).toContainEqual({ kind: 'user', uid: 1000, processes: 3 });
  });

  it('counts 0 processes for a user with none, and ignores look-alike names not in .user_reg', () => {
    const keys = [
      ring(1, [2], { description: '.user_reg' }),
      ring(2, [], { description: '_uid.4242', uid: 4242 }),
      ring(5, [6]),
      ring(6, [], { description: '_uid.0' }),
    ];
    const out = withPins(snapshot(keys), env());
    expect(pinned(out, 2).pins).toContainEqual({ kind: 'user', uid: 4242, processes: 0, userRegistry: 1 });
    expect(pinned(out, 6).pins?.some((p) => p.kind === 'user')).toBe(false);
  });

  it('trusts the user anchors when .user_reg is not visible', () => {
    const out = withPins(snapshot([ring(6, [], { description: '_uid.0' })], { user: 6 }), env());
    expect(pinned(out, 6).pins).toContainEqual({ kind: 'user', uid: 0, processes: 120 });
  });

  it('dooms a revoked key: collected gc_delay after its revocation, bounded by now + gc_delay', () => {
    const keys = [ring(10, [11]), key(11, { flags: 'IR-Q---', timeout: 'expd', expiry: { from: 0, to: NOW } })];
    const out = withPins(snapshot(keys), env());
    expect(pinned(out, 11).doomed).toEqual({ reason: 'revoked', collectAfter: NOW + GC_DELAY * 1000 });
    expect(pinned(out, 11).pins).toEqual([{ kind: 'link', from: 10 }]);

    // Seen revoked 30 s earlier: the earlier bound stands.
    const later = { ...snapshot(keys), takenAt: NOW + 30_000 };
    later.keys = [ring(10, [11]), key(11, { flags: 'IR-Q---', timeout: 'expd', expiry: { from: 0, to: NOW + 30_000 } })];
    const again = withPins(later, env({ now: NOW + 30_000 }), out);
    expect(pinned(again, 11).doomed).toEqual({ reason: 'revoked', collectAfter: NOW + GC_DELAY * 1000 });
  });

  it('dooms an expired key at expiry + gc_delay, and drops its timer', () => {
    const keys = [ring(10, [11]), key(11, { timeout: 'expd', expiry: { from: NOW - 11_000, to: NOW - 10_000 } })];
    const out = withPins(snapshot(keys), env());
    // At the latest: the window's end.
    expect(pinned(out, 11).doomed).toEqual({ reason: 'expired', collectAfter: NOW - 10_000 + GC_DELAY * 1000 });
    expect(pinned(out, 11).pins?.some((p) => p.kind === 'timer')).toBe(false);
  });

  it('treats a window that ended since the scan as expired even if /proc/keys still showed a countdown', () => {
    const keys = [ring(10, [11]), key(11, { timeout: '1s', expiry: { from: NOW - 1000, to: NOW - 1000 } })];
    expect(pinned(withPins(snapshot(keys), env()), 11).doomed?.reason).toBe('expired');
    // A window that has not ended yet may still hold a future expiry: not expired.
    const open = [ring(10, [11]), key(11, { timeout: '1m', expiry: { from: NOW - 1000, to: NOW + 58_000 } })];
    expect(pinned(withPins(snapshot(open), env()), 11).doomed).toBeNull();
  });

  it('reaps dns_resolver keys at expiry, without gc_delay (KEY_TYPE_INSTANT_REAP)', () => {
    const keys = [ring(10, [11]), key(11, { type: 'dns_resolver', timeout: 'expd', expiry: { from: NOW - 5_000, to: NOW - 5_000 } })];
    expect(pinned(withPins(snapshot(keys), env()), 11).doomed).toEqual({ reason: 'expired', collectAfter: NOW - 5_000 });
  });

  it('dooms invalidated and dead keys at once', () => {
    const keys = [ring(10, [11, 12]), key(11, { flags: 'I--Q--i' }), key(12, { flags: 'I-DQ---' })];
    const out = withPins(snapshot(keys), env());
    expect(pinned(out, 11).doomed).toEqual({ reason: 'invalidated', collectAfter: NOW });
    expect(pinned(out, 12).doomed).toEqual({ reason: 'dead', collectAfter: NOW });
  });

  it('dooms a negative key after its timeout + gc_delay, or leaves the time unknown without one', () => {
    const keys = [
      ring(10, [11, 12]),
      key(11, { flags: 'I--Q-N-', timeout: '1m', expiry: { from: NOW + 60_000, to: NOW + 60_000 } }),
      key(12, { flags: 'I--Q-N-' }),
    ];
    const out = withPins(snapshot(keys), env());
    expect(pinned(out, 11).doomed).toEqual({ reason: 'negative', collectAfter: NOW + 60_000 + GC_DELAY * 1000 });
    expect(pinned(out, 12).doomed).toEqual({ reason: 'negative', collectAfter: null });
  });

  it('dooms a key nothing holds (usage 0, no link: a scan racing with its last unlink)', () => {
    const out = withPins(snapshot([key(11, { usage: 0 })]), env());
    expect(pinned(out, 11).pins).toEqual([]);
    expect(pinned(out, 11).doomed).toEqual({ reason: 'unpinned', collectAfter: NOW });
  });

  it('a timer alone does not keep a key alive', () => {
    const out = withPins(snapshot([key(11, { usage: 0, timeout: '5m', expiry: { from: NOW + 300_000, to: NOW + 359_000 } })]), env());
    expect(pinned(out, 11).doomed?.reason).toBe('unpinned');
  });

  it('returns a new snapshot and leaves the input untouched', () => {
    const input = snapshot([ring(10, [11]), key(11)]);
    const frozen = JSON.stringify(input);
    const out = withPins(input, env());
    expect(JSON.stringify(input)).toBe(frozen);
    expect(out).not.toBe(input);
    expect(out.keys[1]).toMatchObject({ ...input.keys[1], pins: [{ kind: 'link', from: 10 }] });
  });

  it('annotatePins does the same in place, for a caller that owns a fresh snapshot', () => {
    const input = snapshot([ring(10, [11]), key(11, { flags: 'IR-Q---', timeout: 'expd', expiry: { from: 0, to: NOW } })]);
    const expected = withPins(input, env());
    const out = annotatePins(input, env());
    expect(out).toBe(input);
    expect(out).toEqual(expected);
  });

  it('handles 40k keys in 400 keyrings (one pass over keys and links)', () => {
    const keys: KeyInfo[] = [];
    const ringIds: number[] = [];
    for (let r = 0; r < 400; r++) {
      const members = Array.from({ length: 100 }, (_, i) => 1_000_000 + r * 100 + i);
      for (const m of members) keys.push(key(m));
      ringIds.push(r + 1);
      keys.push(ring(r + 1, members, { usage: 1 }));
    }
    keys.push(ring(5000, ringIds, { description: '_ses', usage: 1 }));
    const out = withPins(snapshot(keys, { session: 5000 }), env());
    expect(out.keys).toHaveLength(40_401);
    expect(out.keys.every((k) => k.doomed === null)).toBe(true);
    expect(pinned(out, 1_039_999).pins).toEqual([{ kind: 'link', from: 400 }]);
  });
});

describe('withPins at the edges a user reaches', () => {
  it('a key held by two keyrings and a process, with a timeout, shows the same pins on the next quiet poll, which reuses the links', () => {
    const keys = [ring(1, [3]), ring(2, [3]), key(3, { usage: 3, timeout: '5m', expiry: { from: NOW + 300_000, to: NOW + 359_000 } })];
    const first = pinContext(keys, snapshot(keys), env());
    const seen = { ...keys[2]! };
    annotateKey(seen, first);
    const expected: Pin[] = [{ kind: 'link', from: 1 }, { kind: 'link', from: 2 }, { kind: 'credentials', count: 1 }, { kind: 'timer' }];
    expect(seen.pins).toEqual(expected);
    // quietPoll.ts: the next poll keeps this poll's links and annotates a fresh copy of the key.
    const again = pinContextAgain(first, NOW + 250, env({ now: NOW + 250 }), snapshot([keys[0]!, keys[1]!, seen]));
    const next = { ...keys[2]! };
    annotateKey(next, again);
    expect(next.pins).toEqual(expected);
    expect(seen.pins).toEqual(expected);
  });

  it('a key of another type named like a user keyring is no user keyring, even where the name is all there is', () => {
    const keys = [ring(1, [2, 3]), key(2, { description: '_uid.1000', uid: 1000 }), ring(3, [], { description: '_uid.1000', uid: 1000 })];
    const out = withPins(snapshot(keys), env({ userRegistryKeepsUserKeyrings: false }));
    expect(pinned(out, 2).pins).toEqual([{ kind: 'link', from: 1 }]);
    expect(pinned(out, 3).pins).toContainEqual({ kind: 'user', uid: 1000, processes: 3 });
  });

  it('before Linux 5.3 a keyring named .user_reg is just a name: _uid.N is kept only while its user has processes', () => {
    const keys = [ring(1, [2], { description: '.user_reg' }), ring(2, [], { description: '_uid.1000', uid: 1000 })];
    const out = withPins(snapshot(keys), env({ userRegistryKeepsUserKeyrings: false }));
    expect(pinned(out, 2).pins).toEqual([{ kind: 'link', from: 1 }, { kind: 'user', uid: 1000, processes: 3 }]);
  });

  it("trusts the user-session anchor too when .user_reg is not visible", () => {
    const out = withPins(snapshot([ring(7, [], { description: '_uid_ses.0' })], { userSession: 7 }), env());
    expect(pinned(out, 7).pins).toContainEqual({ kind: 'user', uid: 0, processes: 120 });
  });

  it("lists the user's processes on _uid.N only (the keyring they keep), a copy of the environment's list", () => {
    const list = [{ pid: 4100, command: 'bash' }, { pid: 4107, command: 'ssh-agent' }];
    const keys = [
      ring(1, [2, 3], { description: '.user_reg' }),
      ring(2, [3], { description: '_uid_ses.1000', uid: 1000 }),
      ring(3, [], { description: '_uid.1000', uid: 1000, usage: 2 }),
    ];
    const out = withPins(snapshot(keys), env({ processListByUid: new Map([[1000, list]]) }));
    const userPin = (id: number) => pinned(out, id).pins?.find((p) => p.kind === 'user');
    expect(userPin(3)).toEqual({ kind: 'user', uid: 1000, processes: 3, userRegistry: 1, processList: list });
    expect((userPin(3) as { processList?: unknown }).processList).not.toBe(list);
    expect(userPin(2)).toEqual({ kind: 'user', uid: 1000, processes: 3, userRegistry: 1 });
  });

  it('says how many of the processes are kernel threads, where the environment counted them', () => {
    const keys = [ring(1, [2, 3], { description: '.user_reg' }), ring(2, [], { description: '_uid.0' }), ring(3, [], { description: '_uid.1000', uid: 1000 })];
    const out = withPins(snapshot(keys), env({ processListByUid: new Map([[0, []], [1000, []]]), kernelThreadsByUid: new Map([[0, 60]]) }));
    const userPin = (id: number) => pinned(out, id).pins?.find((p) => p.kind === 'user');
    expect(userPin(2)).toEqual({ kind: 'user', uid: 0, processes: 120, kernelThreads: 60, userRegistry: 1, processList: [] });
    expect(userPin(3)).toEqual({ kind: 'user', uid: 1000, processes: 3, userRegistry: 1, processList: [] });
  });

  it('exactly the keys pinsNameProcesses names get other pins when the processes change (a quiet poll recomputes only those)', () => {
    const keys = [
      ring(1, [2, 3, 4, 5, 6, 7, 8], { description: '.user_reg' }),
      ring(2, [], { description: '_uid.1000', uid: 1000 }),
      ring(3, [], { description: '_uid_ses.1000', uid: 1000 }),
      key(4, { description: '_uid.1000', uid: 1000 }),
      ring(5, [], { description: '_uid.x' }),
      ring(6, [], { description: '_persistent.1000', timeout: '3d', expiry: { from: NOW + 3 * 86_400_000, to: NOW + 4 * 86_400_000 } }),
      ring(7, [], { description: 'x_uid.1000' }),
      key(8, { usage: 2 }),
    ];
    for (const userRegistryKeepsUserKeyrings of [true, false]) {
      const before = withPins(snapshot(keys), env({ userRegistryKeepsUserKeyrings }));
      const after = withPins(
        snapshot(keys),
        env({
          userRegistryKeepsUserKeyrings,
          processesByUid: new Map([[1000, 4]]),
          processListByUid: new Map([[1000, [{ pid: 9, command: 'sh' }]]]),
          kernelThreadsByUid: new Map([[1000, 1]]),
        }),
      );
      for (const k of keys) {
        const changed = JSON.stringify(pinned(before, k.id).pins) !== JSON.stringify(pinned(after, k.id).pins);
        expect({ key: k.description, type: k.type, changed }).toEqual({ key: k.description, type: k.type, changed: pinsNameProcesses(k) });
      }
    }
    expect(keys.filter((k) => pinsNameProcesses(k)).map((k) => k.id)).toEqual([2, 3]);
  });

  it("only _persistent.N keyrings get KEYCTL_GET_PERSISTENT's renewal: another keyring's timer, or a user key of that name, just runs out", () => {
    const timeout = { timeout: '5m', expiry: { from: NOW + 300_000, to: NOW + 359_000 } };
    const keys = [ring(1, [2, 3, 4]), ring(2, [], { description: '_persistent.0', ...timeout }), ring(3, [], timeout), key(4, { description: '_persistent.0', ...timeout })];
    const out = withPins(snapshot(keys), env());
    expect(pinned(out, 2).pins).toContainEqual({ kind: 'timer', renewalSeconds: 259200, renewedBy: 'KEYCTL_GET_PERSISTENT' });
    expect(pinned(out, 3).pins).toEqual([{ kind: 'link', from: 1 }, { kind: 'timer' }]);
    expect(pinned(out, 4).pins).toEqual([{ kind: 'link', from: 1 }, { kind: 'timer' }]);
  });

  it('a key whose window ends exactly now has expired (the kernel expires it at that second)', () => {
    const keys = [ring(10, [11]), key(11, { timeout: '1s', expiry: { from: NOW, to: NOW } })];
    const out = withPins(snapshot(keys), env());
    expect(pinned(out, 11).doomed).toEqual({ reason: 'expired', collectAfter: NOW + GC_DELAY * 1000 });
    expect(pinned(out, 11).pins).toEqual([{ kind: 'link', from: 10 }]);
  });

  it('believes /proc/keys\' expd even when the scan started before the second its window ends, key by key among keys with the same flags', () => {
    // expiryFromColumn gives `expd` the window [0, the second the read ended]: `now` taken before it lies inside.
    const expd = { timeout: 'expd', expiry: { from: 0, to: NOW + 1000 } };
    const counting = { timeout: '5m', expiry: { from: NOW + 300_000, to: NOW + 359_000 } };
    const keys = [
      ring(10, [11, 12, 13, 14]),
      key(11, { flags: 'IR-Q---', ...expd }),
      key(12, { flags: 'I--Q---', ...counting }),
      key(13, { flags: 'I--Q---', ...expd }),
      key(14, { flags: 'I--Q---', ...counting }),
    ];
    const out = withPins(snapshot(keys), env());
    expect(pinned(out, 11).doomed).toEqual({ reason: 'revoked', collectAfter: NOW + GC_DELAY * 1000 });
    expect(pinned(out, 12).doomed).toBeNull();
    expect(pinned(out, 13).doomed).toEqual({ reason: 'expired', collectAfter: NOW + GC_DELAY * 1000 });
    expect(pinned(out, 13).pins).toEqual([{ kind: 'link', from: 10 }]);
    expect(pinned(out, 14).doomed).toBeNull();
    expect(pinned(out, 14).pins).toEqual([{ kind: 'link', from: 10 }, { kind: 'timer' }]);
  });

  it('a key revoked since the last poll is doomed from now (the last poll had no doom for it to keep)', () => {
    const live = [ring(10, [11]), key(11)];
    const first = withPins(snapshot(live), env());
    const revoked = [ring(10, [11]), key(11, { flags: 'IR-Q---', timeout: 'expd', expiry: { from: 0, to: NOW + 30_000 } })];
    const again = withPins({ ...snapshot(revoked), takenAt: NOW + 30_000 }, env({ now: NOW + 30_000 }), first);
    expect(pinned(again, 11).doomed).toEqual({ reason: 'revoked', collectAfter: NOW + 30_000 + GC_DELAY * 1000 });
  });

  it("keeps an earlier collection bound only for the same reason: a new key under a collected key's reused id has its own", () => {
    const first = withPins(snapshot([ring(10, [11]), key(11, { flags: 'IR-Q---', timeout: 'expd', expiry: { from: 0, to: NOW } })]), env());
    expect(pinned(first, 11).doomed).toEqual({ reason: 'revoked', collectAfter: NOW + GC_DELAY * 1000 });
    // 400 s later: that key is gone, and a new one with the same serial expired 10 s ago.
    const later = NOW + 400_000;
    const reused = [ring(10, [11]), key(11, { timeout: 'expd', expiry: { from: later - 11_000, to: later - 10_000 } })];
    const again = withPins({ ...snapshot(reused), takenAt: later }, env({ now: later }), first);
    expect(pinned(again, 11).doomed).toEqual({ reason: 'expired', collectAfter: later - 10_000 + GC_DELAY * 1000 });
  });
});

// ---------------------------------------------------------------------------------------------------
// Against the kernel: this test process sits in its own anonymous session keyring (setupSession.ts).

const session = () => keyctl.getKeyringId(keyctl.KEY_SPEC.SESSION);

async function pinnedScan(): Promise<{ snap: Snapshot; env: PinEnvironment }> {
  const raw = await scanSnapshot();
  const pinEnv = readPinEnvironment(raw.takenAt);
  return { snap: withPins(raw, pinEnv), env: pinEnv };
}

function pinsOf(snap: Snapshot, id: number): Pin[] {
  const found = snap.keys.find((k) => k.id === id);
  if (found === undefined) throw new Error(`key 0x${id.toString(16)} not in the snapshot`);
  return found.pins ?? [];
}

describe('withPins against the kernel', () => {
  it('usage counts exactly one reference per link: a user key linked 1, 2 and 3 times has no other pin', async () => {
    const k = keyctl.addKey('user', 'pins-linked', Buffer.from('x'), session());
    const second = keyctl.addKey('keyring', 'pins-second', null, session());
    const third = keyctl.addKey('keyring', 'pins-third', null, session());

    let { snap } = await pinnedScan();
    expect(pinsOf(snap, k)).toEqual([{ kind: 'link', from: session() }]);

    keyctl.link(k, second);
    ({ snap } = await pinnedScan());
    expect(pinsOf(snap, k)).toHaveLength(2);
    expect(pinsOf(snap, k)).toEqual(
      expect.arrayContaining([
        { kind: 'link', from: session() },
        { kind: 'link', from: second },
      ]),
    );

    keyctl.link(k, third);
    ({ snap } = await pinnedScan());
    expect(snap.keys.find((x) => x.id === k)?.usage).toBe(3);
    expect(pinsOf(snap, k).map((p) => p.kind)).toEqual(['link', 'link', 'link']);
  });

  it("pins this test's session keyring by credentials: one per process whose creds name it", async () => {
    const sessionId = session();
    const before = await pinnedScan();
    const credentials = (snap: Snapshot) =>
      pinsOf(snap, sessionId).find((p): p is Extract<Pin, { kind: 'credentials' }> => p.kind === 'credentials')?.count ?? 0;
    expect(before.snap.anchors.session).toBe(sessionId);
    expect(pinsOf(before.snap, sessionId).some((p) => p.kind === 'link')).toBe(false); // anonymous: nothing links it
    expect(credentials(before.snap)).toBeGreaterThanOrEqual(1);

    // A child inherits the session keyring. Once it has exec'd it holds two references: its own cred, and
    // the cred its executable file was opened with (the pre-exec one, kept alive by mm->exe_file's f_cred).
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
      const during = await pinnedScan();
      expect(credentials(during.snap)).toBe(credentials(before.snap) + 2);
    } finally {
      child.kill();
    }
  });

  it('pins _uid.0 to uid 0 and to .user_reg, which links it', async () => {
    keyctl.getKeyringId(keyctl.KEY_SPEC.USER); // make sure it exists (this creates it if not)
    const { snap } = await pinnedScan();
    const userRing = snap.anchors.user;
    expect(userRing).not.toBeNull();
    const registry = snap.keys.find((k) => k.type === 'keyring' && k.description === '.user_reg');
    expect(registry).toBeDefined();
    const pins = pinsOf(snap, userRing as number);
    expect(pins).toContainEqual({ kind: 'link', from: registry?.id });
    const user = pins.find((p) => p.kind === 'user');
    expect(user).toMatchObject({ kind: 'user', uid: 0, userRegistry: registry?.id });
    expect((user as { processes: number }).processes).toBeGreaterThanOrEqual(1); // this test runs as root
  });

  it('gives a key with a timeout a timer pin', async () => {
    const k = keyctl.addKey('user', 'pins-timed', Buffer.from('x'), session());
    keyctl.setTimeout(k, 600);
    const { snap } = await pinnedScan();
    expect(pinsOf(snap, k)).toContainEqual({ kind: 'timer' });
    expect(snap.keys.find((x) => x.id === k)?.doomed).toBeNull();
  });

  it('gives the persistent keyring a timer that KEYCTL_GET_PERSISTENT renews, with the sysctl period', async () => {
    const persistent = keyctl.getPersistent(process.getuid?.() ?? 0, session());
    const { snap, env: pinEnv } = await pinnedScan();
    const timer = pinsOf(snap, persistent).find((p) => p.kind === 'timer');
    expect(timer).toMatchObject({
      kind: 'timer',
      renewalSeconds: pinEnv.persistentExpirySeconds,
      renewedBy: 'KEYCTL_GET_PERSISTENT',
    });
    const register = snap.keys.find((k) => k.description === '.persistent_register');
    expect(pinsOf(snap, persistent)).toEqual(
      expect.arrayContaining([
        { kind: 'link', from: session() },
        ...(register === undefined ? [] : [{ kind: 'link', from: register.id }]),
      ]),
    );
  });

  it('dooms a revoked key, to be collected within gc_delay', async () => {
    const k = keyctl.addKey('user', 'pins-revoked', Buffer.from('x'), session());
    keyctl.revoke(k);
    const { snap, env: pinEnv } = await pinnedScan();
    const revoked = snap.keys.find((x) => x.id === k);
    expect(revoked?.timeout).toBe('expd'); // revocation time and expiry share one field in struct key
    expect(revoked?.doomed?.reason).toBe('revoked');
    expect(revoked?.doomed?.collectAfter).toBeGreaterThanOrEqual(snap.takenAt);
    expect(revoked?.doomed?.collectAfter).toBeLessThanOrEqual(pinEnv.now + pinEnv.gcDelaySeconds * 1000);
    expect(pinsOf(snap, k)).toEqual([{ kind: 'link', from: session() }]); // still linked until the collector runs
  });

  it('dooms a negative key (a failed request_key) at its negation timeout + gc_delay', async () => {
    // No request-key rule matches this description, so /sbin/request-key negates the key (for 60 s by default).
    const description = `kb-pins-negative-${process.pid}`;
    const result = spawnSync('keyctl', ['request2', 'user', description, 'callout', '@s'], { encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    const { snap, env: pinEnv } = await pinnedScan();
    const negative = snap.keys.find((k) => k.description === description);
    expect(negative?.flags).toMatch(/^I....N.$/);
    expect(negative?.doomed?.reason).toBe('negative');
    const expiry = negative?.expiry;
    expect(isWindow(expiry)).toBe(true);
    // Collected at the latest gc_delay after the window's end.
    expect(negative?.doomed?.collectAfter).toBe((isWindow(expiry) ? expiry.to : Number.NaN) + pinEnv.gcDelaySeconds * 1000);
    expect(pinsOf(snap, negative?.id ?? 0)).toContainEqual({ kind: 'link', from: session() });
  });

  it('revoking a keyring drops its links at once: a member left with no other holder is gone', async () => {
    const holder = keyctl.addKey('keyring', 'pins-revoked-ring', null, session());
    const member = keyctl.addKey('user', 'pins-member', Buffer.from('x'), holder);
    keyctl.revoke(holder);
    // The revoked keyring's reference to its member goes after an RCU grace period: wait for the kernel.
    await usagesSettle([[member, 0]], "drop the revoked keyring's reference to its member");
    const { snap } = await pinnedScan();
    expect(snap.keys.find((x) => x.id === holder)?.doomed?.reason).toBe('revoked');
    const left = snap.keys.find((x) => x.id === member);
    // Gone, or (the collector's work queue not yet run) seen with nothing holding it.
    if (left !== undefined) expect(left.doomed?.reason).toBe('unpinned');
  });
});
