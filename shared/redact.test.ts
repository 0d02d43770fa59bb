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

// Random snapshots: keys with random descriptions and types, keyrings linking random ids (some of
// them not in the snapshot), anchors and pins pointing at random ids.
const typeArb = fc.constantFrom('user', 'logon', 'keyring', 'asymmetric');
const descArb = fc.oneof(
  { weight: 8, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('_ses', '_uid.1000', '_uid_ses.0', '_persistent.7', '.user_reg') },
);
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
