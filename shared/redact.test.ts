import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aliasFor, buildRedaction, isKernelAssignedName, REDACTED_ID_BASE, redactSnapshot } from './redact';
import type { KeyInfo, Snapshot } from './snapshot';
import { NO_ANCHORS, testKey, testSnapshot } from './testing';

/** A user key owned by uid 1000 (the snapshot's own uid below). */
function key(id: number, description: string, extra: Partial<KeyInfo> = {}): KeyInfo {
  return testKey(id, { description, uid: 1000, gid: 1000, ...extra });
}
const ring = (id: number, description: string, links: number[] | null, extra: Partial<KeyInfo> = {}) =>
  key(id, description, { type: 'keyring', links, ...extra });

function sample(): Snapshot {
  return {
    takenAt: 1000,
    uid: 1000,
    gid: 1000,
    groups: [1000, 27],
    anchors: { thread: null, process: null, session: 100, user: 300, userSession: null, persistent: null },
    keys: [
      ring(100, '_ses', [200, 201, 999], { pins: [{ kind: 'credentials', count: 2 }] }),
      ring(200, 'krb5cc:alice@EXAMPLE.COM', [201]),
      key(201, 'db-password', { pins: [{ kind: 'link', from: 100 }, { kind: 'link', from: 200 }], doomed: null }),
      ring(300, '_uid.1000', [], { pins: [{ kind: 'user', uid: 1000, processes: 3, userRegistry: 400 }] }),
      ring(400, '.user_reg', [300], { uid: 0, gid: 0 }),
      key(500, 'nfs:alice', { type: 'logon', uid: 1234, gid: 65534, doomed: { reason: 'revoked', collectAfter: 5 } }),
    ],
    quotas: [{ uid: 1000, name: 'alice', usage: 4, nkeys: 4, nikeys: 4, qnkeys: 4, maxkeys: 200, qnbytes: 40, maxbytes: 20000 }],
  };
}

describe('redactSnapshot', () => {
  it('replaces user descriptions by aliases per type and keeps kernel-assigned names', () => {
    const r = redactSnapshot(sample(), { uids: 'keep' });
    expect(r.keys.map((k) => k.description)).toEqual(['_ses', 'keyring #1', 'user key #1', '_uid.1000', '.user_reg', 'logon key #1']);
  });

  it('renumbers ids in snapshot order and remaps links, anchors and pins consistently', () => {
    const r = redactSnapshot(sample(), { uids: 'keep' });
    const B = REDACTED_ID_BASE;
    expect(r.keys.map((k) => k.id)).toEqual([B, B + 1, B + 2, B + 3, B + 4, B + 5]);
    expect(r.keys[0]!.links).toEqual([B + 1, B + 2, B + 6]); // 999 is invisible: still remapped
    expect(r.anchors.session).toBe(B);
    expect(r.anchors.user).toBe(B + 3);
    expect(r.keys[2]!.pins).toEqual([{ kind: 'link', from: B }, { kind: 'link', from: B + 1 }]);
    expect(r.keys[3]!.pins).toEqual([{ kind: 'user', uid: 1000, processes: 3, userRegistry: B + 4 }]);
    expect(r.keys[5]!.doomed).toEqual({ reason: 'revoked', collectAfter: 5 });
  });

  it('replaces uids and gids (and the uid in _uid.N) when asked, keeping root and nobody', () => {
    const r = redactSnapshot(sample(), { uids: 'replace' });
    expect(r.uid).toBe(1000);
    expect(r.keys.find((k) => k.description.startsWith('_uid.'))!.description).toBe('_uid.1000');
    const logon = r.keys.find((k) => k.type === 'logon')!;
    expect(logon.uid).toBe(1001);
    expect(logon.gid).toBe(65534);
    expect(r.keys.find((k) => k.description === '.user_reg')!.uid).toBe(0);
    expect(r.groups).toEqual([1000, 1001]);
    const s = sample();
    s.uid = 4242;
    s.keys[3]!.description = '_uid.4242';
    const r2 = redactSnapshot(s, { uids: 'replace' });
    expect(r2.uid).toBe(1000);
    expect(r2.keys[3]!.description).toBe('_uid.1000'); // the observer's uid is numbered first
    expect(JSON.stringify(r2)).not.toContain('4242');
  });

  it('drops fields it does not know (nothing leaks by accident)', () => {
    const s = sample();
    (s.keys[2] as unknown as Record<string, unknown>).payload = 'hunter2';
    (s as unknown as Record<string, unknown>).secret = 'hunter3';
    const out = JSON.stringify(redactSnapshot(s, { uids: 'keep' }));
    expect(out).not.toContain('hunter');
  });

  it('keeps payload lengths (a length, not the bytes) and leaves them out where the kernel stated none', () => {
    const s = sample();
    s.keys[2]!.payloadLength = 9;
    const r = redactSnapshot(s, { uids: 'keep' });
    expect(r.keys[2]!.payloadLength).toBe(9);
    expect('payloadLength' in r.keys[1]!).toBe(false);
  });

  it('lets a picture find the redacted key for an original id', () => {
    const r = buildRedaction(sample(), { uids: 'keep' });
    expect(r.keyOf(201)!.description).toBe('user key #1');
    expect(r.id(999)).toBe(REDACTED_ID_BASE + 6);
  });

  it('names kernel keyrings only when the type is keyring', () => {
    expect(isKernelAssignedName('keyring', '.dns_resolver')).toBe(true);
    expect(isKernelAssignedName('user', '_ses')).toBe(false);
    expect(isKernelAssignedName('keyring', '_ses.mine')).toBe(false);
    expect(aliasFor('asymmetric', 2)).toBe('asymmetric key #2');
  });
});

describe('redactSnapshot, names', () => {
  const descriptions = (s: Snapshot, o: { uids: 'keep' | 'replace' } = { uids: 'keep' }) => redactSnapshot(s, o).keys.map((k) => k.description);

  it("keeps the names the kernel gives a thread's, a process's and a session's keyring", () => {
    const s = testSnapshot([ring(1, '_tid', []), ring(2, '_pid', []), ring(3, '_ses', [])], { anchors: { ...NO_ANCHORS, thread: 1, process: 2, session: 3 } });
    expect(descriptions(s)).toEqual(['_tid', '_pid', '_ses']);
  });

  it('hides a keyring name that only contains a kernel name (the user chose it)', () => {
    const s = testSnapshot([ring(1, 'alice_uid.1000', []), ring(2, '_uid.1000-alice', []), ring(3, '_persistent.0 alice', []), ring(4, '_uid_ses.1000', [])]);
    const out = descriptions(s);
    expect(out).toEqual(['keyring #3', 'keyring #2', 'keyring #1', '_uid_ses.1000']); // aliases by description
    expect(out.join()).not.toContain('alice');
  });

  it("keeps krb5's role names on the key types krb5 stores (user, big_key) and on no other", () => {
    const s = testSnapshot([
      key(1, '__krb5_time_offsets__'),
      key(2, '__krb5_princ__', { type: 'big_key' }),
      key(3, 'krb5_ccache_conf_data/refresh_time/krbtgt\\/EXAMPLE.TEST\\@EXAMPLE.TEST@X-CACHECONF:', { type: 'big_key' }),
      key(4, '__krb5_princ__', { type: 'logon' }),
      key(5, 'alice krb5_ccache_conf_data/pa_type/x'),
    ]);
    const out = descriptions(s);
    expect(out).toEqual(['__krb5_time_offsets__', '__krb5_princ__', 'krb5_ccache_conf_data/refresh_time/…', 'logon key #1', 'user key #1']);
    expect(out.join()).not.toMatch(/alice|EXAMPLE/);
  });

  it("numbers aliases along the anchors' trees in the kernel's link order, not alphabetically", () => {
    // The session keyring links zz before mm; AA hangs from no anchor and comes after both.
    const s = testSnapshot([ring(1, '_ses', [3, 2]), key(2, 'mm'), key(3, 'zz'), key(4, 'AA')], { anchors: { ...NO_ANCHORS, session: 1 } });
    expect(descriptions(s)).toEqual(['_ses', 'user key #2', 'user key #1', 'user key #3']);
  });

  it('numbers keys outside the anchored trees by description, whatever their serials', () => {
    const s = testSnapshot([key(1, 'beta'), key(2, 'gamma'), key(3, 'alpha'), key(4, 'delta')]);
    expect(descriptions(s)).toEqual(['user key #2', 'user key #4', 'user key #1', 'user key #3']);
  });

  it('orders by description before type', () => {
    // User key a, then keyring b and its member c: were keyring b taken first (by type), c would be user key #1.
    const s = testSnapshot([key(1, 'a'), ring(2, 'b', [3]), key(3, 'c')]);
    expect(descriptions(s)).toEqual(['user key #1', 'keyring #1', 'user key #2']);
  });

  it('breaks a tie of description by type, whatever their serials', () => {
    // keyring "x" sorts before user key "x": its member z is numbered before the user key.
    const userFirst = testSnapshot([key(1, 'x'), ring(2, 'x', [3]), key(3, 'z')]);
    expect(descriptions(userFirst)).toEqual(['user key #2', 'keyring #1', 'user key #1']);
    const ringFirst = testSnapshot([ring(1, 'x', [3]), key(2, 'x'), key(3, 'z')]);
    expect(descriptions(ringFirst)).toEqual(['keyring #1', 'user key #2', 'user key #1']);
  });

  it('takes keys alike in description and type in serial order', () => {
    const s = testSnapshot([ring(1, 'x', [3]), ring(2, 'x', [4]), key(3, 'z1'), key(4, 'z2')]);
    expect(descriptions(s)).toEqual(['keyring #1', 'keyring #2', 'user key #1', 'user key #2']);
  });
});

describe('redactSnapshot, what else an export shows', () => {
  it('keeps uids and gids as they are unless asked to replace them', () => {
    const r = redactSnapshot(sample(), { uids: 'keep' });
    expect(r.keys.map((k) => [k.uid, k.gid])).toEqual([[1000, 1000], [1000, 1000], [1000, 1000], [1000, 1000], [0, 0], [1234, 65534]]);
    expect(r.groups).toEqual([1000, 27]);
    expect(r.quotas[0]!.uid).toBe(1000);
  });

  it("keeps a persistent keyring's timer and what renews it", () => {
    const s = testSnapshot([
      ring(1, '_persistent.0', [], { pins: [{ kind: 'timer', renewalSeconds: 259200, renewedBy: 'KEYCTL_GET_PERSISTENT' }] }),
      key(2, 'session-token', { pins: [{ kind: 'timer' }] }),
    ]);
    const r = redactSnapshot(s, { uids: 'replace' });
    expect(r.keys[0]!.pins).toEqual([{ kind: 'timer', renewalSeconds: 259200, renewedBy: 'KEYCTL_GET_PERSISTENT' }]);
    expect(r.keys[1]!.pins).toEqual([{ kind: 'timer' }]);
  });

  it("hides the commands of the processes that pin a user's keyring, keeping their pids", () => {
    const s = testSnapshot([
      ring(1, '_uid.1000', [], { pins: [{ kind: 'user', uid: 1000, processes: 2, processList: [{ pid: 41, command: 'ssh alice@db.example' }, { pid: 42, command: 'bash' }] }] }),
    ]);
    const r = redactSnapshot(s, { uids: 'keep' });
    expect(r.keys[0]!.pins).toEqual([{ kind: 'user', uid: 1000, processes: 2, processList: [{ pid: 41, command: 'process' }, { pid: 42, command: 'process' }] }]);
    expect(JSON.stringify(r)).not.toMatch(/alice|ssh|bash/);
  });

  it('maps the uid in the scan scope and in which views list a key', () => {
    const s = testSnapshot([key(1, 'k', { uid: 4242, seenBy: ['process', 'uid 4242', 'all'] })], { uid: 0, scope: { kind: 'uid', uid: 4242 } });
    const r = redactSnapshot(s, { uids: 'replace' });
    expect(r.keys[0]!.seenBy).toEqual(['process', 'uid 1000', 'all']);
    expect(r.scope).toEqual({ kind: 'uid', uid: 1000 });
    expect(JSON.stringify(r)).not.toContain('4242');
  });

  it("drops a view label that is not one the app writes (a snapshot file's may name anyone)", () => {
    const s = testSnapshot([key(1, 'k', { uid: 4242, seenBy: ['uid 4242', 'uid 4242 (alice)', 'alice uid 4242', 'alice'] })], { uid: 4242 });
    const r = redactSnapshot(s, { uids: 'replace' });
    expect(r.keys[0]!.seenBy).toEqual(['uid 1000']);
    expect(JSON.stringify(r)).not.toMatch(/alice|4242/);
  });

  it('gives an id the snapshot names but does not hold one number wherever it appears, after the keys', () => {
    // 77 (an invisible member), 88 (an unviewable .user_reg) and 99 (a persistent keyring out of view).
    const s = testSnapshot(
      [ring(1, '_uid.0', [77], { pins: [{ kind: 'user', uid: 0, processes: 1, userRegistry: 88 }] }), ring(2, 'r', [77, 88])],
      { anchors: { ...NO_ANCHORS, user: 1, persistent: 99 } },
    );
    const red = buildRedaction(s, { uids: 'keep' });
    const B = REDACTED_ID_BASE;
    expect(red.snapshot.keys.map((k) => k.id)).toEqual([B, B + 1]);
    const [m77, m88, m99] = [red.id(77), red.id(88), red.id(99)];
    expect(new Set([m77, m88, m99]).size).toBe(3);
    expect([m77, m88, m99].every((v) => v >= B + 2 && v <= B + 4)).toBe(true);
    expect(red.snapshot.keys[0]!.links).toEqual([m77]);
    expect(red.snapshot.keys[1]!.links).toEqual([m77, m88]);
    expect(red.snapshot.keys[0]!.pins).toEqual([{ kind: 'user', uid: 0, processes: 1, userRegistry: m88 }]);
    expect(red.snapshot.anchors.persistent).toBe(m99);
  });
});

// Random snapshots: keys with random descriptions and types, keyrings linking random ids (some of
// them not in the snapshot), anchors and pins pointing at random ids.
const typeArb = fc.constantFrom('user', 'logon', 'keyring', 'asymmetric');
const descArb = fc.oneof(
  { weight: 8, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('_ses', '_uid.1000', '_uid_ses.0', '_persistent.7', '.user_reg') },
);
// Members may form cycles; the redaction's walk (treeOrder) takes each key once, so a case costs its ≤ 25 keys × 5 links.
const snapshotArb: fc.Arbitrary<Snapshot> = fc
  .uniqueArray(fc.integer({ min: 1, max: 0x7fffffff }), { minLength: 1, maxLength: 25 })
  .chain((ids) =>
    fc.record({
      takenAt: fc.nat(),
      uid: fc.constantFrom(0, 1000, 1234),
      gid: fc.constantFrom(0, 1000),
      groups: fc.array(fc.integer({ min: 0, max: 70000 }), { maxLength: 3 }),
      anchors: fc.record({
        thread: fc.option(fc.constantFrom(...ids)),
        process: fc.option(fc.constantFrom(...ids)),
        session: fc.option(fc.constantFrom(...ids)),
        user: fc.option(fc.constantFrom(...ids)),
        userSession: fc.option(fc.constantFrom(...ids)),
        persistent: fc.option(fc.integer({ min: 1, max: 0x7fffffff })),
      }),
      keys: fc.tuple(
        ...ids.map((id) =>
          fc.record({ type: typeArb, description: descArb, uid: fc.integer({ min: 0, max: 70000 }), members: fc.array(fc.oneof(fc.constantFrom(...ids), fc.integer({ min: 1, max: 99 })), { maxLength: 5 }) }).map(
            ({ type, description, uid, members }): KeyInfo =>
              type === 'keyring'
                ? ring(id, description, [...new Set(members)], { uid, pins: members.slice(0, 2).map((from) => ({ kind: 'link' as const, from })) })
                : key(id, description, { type, uid }),
          ),
        ),
      ),
      quotas: fc.array(fc.record({ uid: fc.integer({ min: 0, max: 70000 }), name: fc.option(fc.string({ maxLength: 8 })), usage: fc.nat(), nkeys: fc.nat(), nikeys: fc.nat(), qnkeys: fc.nat(), maxkeys: fc.nat(), qnbytes: fc.nat(), maxbytes: fc.nat() }), { maxLength: 3 }),
    }),
  );
const optionsArb = fc.constantFrom({ uids: 'keep' as const }, { uids: 'replace' as const });
const ALIAS = /^[a-z_]+ (key )?#\d+$/;

describe('redactSnapshot, properties', () => {
  it('no original description survives, except kernel-assigned names', () => {
    fc.assert(
      fc.property(snapshotArb, optionsArb, (s, o) => {
        const r = redactSnapshot(s, o);
        for (const k of r.keys) {
          if (isKernelAssignedName(k.type, k.description)) continue;
          expect(k.description).toMatch(ALIAS);
        }
        const out = new Set(r.keys.map((k) => k.description));
        for (const k of s.keys) {
          // A user key may be called `_ses` too: that string survives through the real `_ses`, not through it.
          if (isKernelAssignedName('keyring', k.description) || ALIAS.test(k.description)) continue;
          expect(out.has(k.description)).toBe(false);
        }
      }),
    );
  });

  it('keeps counts, types and the link structure (an isomorphism of ids)', () => {
    fc.assert(
      fc.property(snapshotArb, optionsArb, (s, o) => {
        const red = buildRedaction(s, o);
        const r = red.snapshot;
        expect(r.keys.length).toBe(s.keys.length);
        expect(r.quotas.length).toBe(s.quotas.length);
        expect(new Set(r.keys.map((k) => k.id)).size).toBe(s.keys.length);
        s.keys.forEach((k, i) => {
          const rk = r.keys[i]!;
          expect(rk.id).toBe(red.id(k.id));
          expect(rk.type).toBe(k.type);
          expect(rk.links?.length).toBe(k.links?.length);
          expect(rk.links).toEqual(k.links?.map((m) => red.id(m)));
          rk.pins?.forEach((p, j) => {
            const q = k.pins![j]!;
            if (p.kind === 'link' && q.kind === 'link') expect(p.from).toBe(red.id(q.from));
          });
        });
        for (const name of ['thread', 'process', 'session', 'user', 'userSession', 'persistent'] as const) {
          const a = s.anchors[name];
          expect(r.anchors[name]).toBe(a == null ? null : red.id(a));
        }
        // Distinct ids stay distinct (links to two keys never merge).
        const all = new Set<number>([...s.keys.map((k) => k.id), ...s.keys.flatMap((k) => k.links ?? [])]);
        expect(new Set([...all].map((v) => red.id(v))).size).toBe(all.size);
      }),
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(snapshotArb, optionsArb, (s, o) => {
        expect(JSON.stringify(redactSnapshot(s, o))).toBe(JSON.stringify(redactSnapshot(structuredClone(s), o)));
      }),
    );
  });

  it('with uids replaced, no uid outside 0, 65534 and the replacement range remains', () => {
    fc.assert(
      fc.property(snapshotArb, (s) => {
        const r = redactSnapshot(s, { uids: 'replace' });
        const ok = (u: number) => u === 0 || u === 65534 || (u >= 1000 && u < 1000 + 200);
        expect(ok(r.uid)).toBe(true);
        for (const k of r.keys) expect(ok(k.uid)).toBe(true);
        for (const q of r.quotas) expect(ok(q.uid)).toBe(true);
      }),
    );
  });

  it('keeps no user name but root\'s and nobody\'s', () => {
    fc.assert(
      fc.property(snapshotArb, optionsArb, (s, o) => {
        const r = redactSnapshot(s, o);
        r.quotas.forEach((q, i) => {
          const before = s.quotas[i]!;
          if (before.name === null) expect(q.name).toBeNull();
          else if (before.uid === 0 || before.uid === 65534) expect(q.name).toBe(before.name);
          else expect(q.name).toBe(`user${q.uid}`);
        });
      }),
    );
  });
});

describe('redaction of Kerberos caches', () => {
  const krb = (ids: number[]): Snapshot => {
    const [ses, coll, primary, cache, princ, ticket, conf, persistent, pkrb] = ids as [number, number, number, number, number, number, number, number, number];
    return testSnapshot(
      [
        testKey(ses, { type: 'keyring', description: '_ses', links: [coll, persistent] }),
        testKey(coll, { type: 'keyring', description: '_krb_work', links: [primary, cache] }),
        testKey(primary, { description: 'krb_ccache:primary' }),
        testKey(cache, { type: 'keyring', description: 'krb_ccache_6C9qzTw', links: [princ, ticket, conf] }),
        testKey(princ, { description: '__krb5_princ__' }),
        testKey(ticket, { description: 'host/localhost@EXAMPLE.TEST' }),
        testKey(conf, { description: 'krb5_ccache_conf_data/fast_avail/krbtgt\\/EXAMPLE.TEST\\@EXAMPLE.TEST@X-CACHECONF:' }),
        testKey(persistent, { type: 'keyring', description: '_persistent.0', links: [pkrb] }),
        testKey(pkrb, { type: 'keyring', description: '_krb', links: null }),
      ].sort((a, b) => a.id - b.id),
      { anchors: { ...NO_ANCHORS, session: ses } },
    );
  };

  it("keeps krb5's and the kernel's role names, hides principals, realms and collection names", () => {
    const out = redactSnapshot(krb([1, 2, 3, 4, 5, 6, 7, 8, 9]), { uids: 'keep' });
    const names = out.keys.map((k) => k.description);
    expect(names).toEqual(
      expect.arrayContaining(['_ses', '_krb_collection#1', 'krb_ccache:primary', '__krb5_princ__', 'krb5_ccache_conf_data/fast_avail/…', '_persistent.0', '_krb']),
    );
    expect(JSON.stringify(out)).not.toMatch(/EXAMPLE|localhost|work|6C9qzTw/);
  });

  it('gives the same tree the same aliases whatever serials the kernel handed out', () => {
    const a = redactSnapshot(krb([1, 2, 3, 4, 5, 6, 7, 8, 9]), { uids: 'keep' });
    const b = redactSnapshot(krb([90, 12, 70, 5, 44, 3, 61, 20, 8]), { uids: 'keep' });
    const byName = (s: Snapshot) => s.keys.map((k) => k.description).sort();
    expect(byName(b)).toEqual(byName(a));
    // The ticket is the first user key in tree order with no fixed name, in both.
    expect(a.keys.map((k) => k.description)).toContain('user key #1');
    expect(b.keys.map((k) => k.description)).toContain('user key #1');
  });
});
