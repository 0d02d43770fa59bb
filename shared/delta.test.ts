import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDelta, applyDeltaToMap, diffSnapshots, indexById, keyChanges, sameValue } from './delta';
import type { Anchors, Doom, DoomReason, Expiry, KeyInfo, Pin, QuotaInfo, Snapshot } from './snapshot';
import { idsThatMayDiffer } from './keyLineage';
import { testKey } from './testing';

const anchors = { thread: null, process: null, session: 1, user: null, userSession: null, persistent: null };

const key = testKey;

function snap(keys: KeyInfo[], takenAt = 1000): Snapshot {
  return { takenAt, uid: 0, gid: 0, groups: [], anchors, keys: [...keys].sort((a, b) => a.id - b.id), quotas: [] };
}

// --- Every field of a snapshot, as a poll sees it ----------------------------------------------------
// An expiry is a window (from ≤ expiry ≤ to), exact, unknown or none: each changes independently of the column.
const T = 1_800_000_000_000;
const arbTimeout = fc.constantFrom('perm', 'expd', '10s', '5m', '3h', '9d');
const arbExpiry: fc.Arbitrary<Expiry> = fc.constantFrom<Expiry>(
  null,
  'unknown',
  { from: 0, to: T },
  { from: T + 10_000, to: T + 10_000 },
  { from: T + 10_000, to: T + 11_000 },
  { from: T + 300_000, to: T + 360_000 },
  { from: T + 300_000, to: T + 300_000 },
);
const arbId = fc.integer({ min: 1, max: 12 });
const arbPin: fc.Arbitrary<Pin> = fc.oneof(
  fc.record({ kind: fc.constant('link' as const), from: arbId }),
  fc.record({ kind: fc.constant('credentials' as const), count: fc.integer({ min: 1, max: 3 }) }),
  fc.record(
    {
      kind: fc.constant('timer' as const),
      renewalSeconds: fc.constantFrom(3600, 259200),
      renewedBy: fc.constant('KEYCTL_GET_PERSISTENT' as const),
    },
    { requiredKeys: ['kind'] },
  ),
  fc.record(
    {
      kind: fc.constant('user' as const),
      uid: fc.constantFrom(0, 1000),
      processes: fc.integer({ min: 0, max: 3 }),
      userRegistry: arbId,
      processList: fc.array(fc.record({ pid: fc.integer({ min: 1, max: 9 }), command: fc.constantFrom('bash', 'sshd') }), { maxLength: 2 }),
    },
    { requiredKeys: ['kind', 'uid', 'processes'] },
  ),
);
const arbDoom: fc.Arbitrary<Doom | null> = fc.option(
  fc.record({
    reason: fc.constantFrom<DoomReason>('revoked', 'invalidated', 'expired', 'negative', 'dead', 'unpinned'),
    collectAfter: fc.option(fc.constantFrom(T, T + 300_000), { nil: null }),
  }),
  { nil: null },
);
const arbFullKey = (seenBy: boolean): fc.Arbitrary<KeyInfo> =>
  fc
    .record({
      id: arbId,
      type: fc.constantFrom('user', 'keyring', 'logon'),
      description: fc.constantFrom('a', 'b', 'é\n'),
      uid: fc.constantFrom(0, 1000, 4294967294),
      gid: fc.constantFrom(0, 100, 65534),
      perm: fc.constantFrom(0x3f010000, 0x3f3f0000, 0x01000000, 0x3f3f3f3f),
      flags: fc.constantFrom('I--Q---', 'IR-Q---', 'I--Q-N-', 'I--Q--i', '---QU--'),
      usage: fc.integer({ min: 0, max: 3 }),
      timeout: arbTimeout,
      expiry: arbExpiry,
      possessed: fc.boolean(),
      orphan: fc.boolean(),
      links: fc.option(fc.uniqueArray(arbId, { maxLength: 4 }), { nil: null }),
      seenBy: fc.subarray(['process', 'uid 0', 'uid 1000']),
      pins: fc.array(arbPin, { maxLength: 3 }),
      doomed: arbDoom,
      payloadLength: fc.option(fc.constantFrom(0, 5, 12), { nil: undefined }),
    })
    .map(({ links, seenBy: views, payloadLength, ...k }) => ({
      ...k,
      // Stated for some keys only (absent, not undefined, where not: as a scan makes them).
      ...(payloadLength === undefined ? {} : { payloadLength }),
      // Only keyrings have links (null where unreadable); seenBy exists in every key of a wider scan, in none otherwise.
      ...(k.type === 'keyring' ? { links } : {}),
      ...(seenBy ? { seenBy: views } : {}),
    }));
const arbQuota: fc.Arbitrary<QuotaInfo> = fc.record({
  uid: fc.constantFrom(0, 1000),
  name: fc.constantFrom(null, 'root', 'alice'),
  usage: fc.integer({ min: 0, max: 3 }),
  nkeys: fc.integer({ min: 0, max: 3 }),
  nikeys: fc.integer({ min: 0, max: 3 }),
  qnkeys: fc.integer({ min: 0, max: 3 }),
  maxkeys: fc.constantFrom(200, 1_000_000),
  qnbytes: fc.integer({ min: 0, max: 3 }),
  maxbytes: fc.constantFrom(20_000, 25_000_000),
});
const arbAnchors: fc.Arbitrary<Anchors> = fc.record({
  thread: fc.option(arbId, { nil: null }),
  process: fc.option(arbId, { nil: null }),
  session: fc.option(arbId, { nil: null }),
  user: fc.option(arbId, { nil: null }),
  userSession: fc.option(arbId, { nil: null }),
  persistent: fc.option(arbId, { nil: null }),
});
const arbFullSnapshot = (seenBy: boolean): fc.Arbitrary<Snapshot> =>
  fc
    .record({
      keys: fc.uniqueArray(arbFullKey(seenBy), { selector: (k) => k.id, maxLength: 10 }),
      anchors: arbAnchors,
      quotas: fc.array(arbQuota, { maxLength: 2 }),
    })
    .map(({ keys, anchors: a, quotas }) => ({ takenAt: T, uid: 0, gid: 0, groups: [], anchors: a, keys: keys.sort((x, y) => x.id - y.id), quotas }));

/**
 * Pairs of snapshots: independent ones (every field of a common key differs at once), and a snapshot with a
 * copy of it where each field of each key was taken from one or the other (one field changing alone).
 */
const arbPair: fc.Arbitrary<[Snapshot, Snapshot]> = fc.boolean().chain((seenBy) =>
  fc.oneof(
    fc.tuple(arbFullSnapshot(seenBy), arbFullSnapshot(seenBy)),
    fc.tuple(arbFullSnapshot(seenBy), arbFullSnapshot(seenBy), fc.infiniteStream(fc.boolean())).map(([a, c, picks]): [Snapshot, Snapshot] => {
      const other = new Map(c.keys.map((k) => [k.id, k]));
      const keys = a.keys.map((k) => {
        const o = other.get(k.id);
        if (o === undefined || o.type !== k.type) return k;
        const mixed = { ...k };
        for (const field of Object.keys(k) as (keyof KeyInfo)[]) {
          if (picks.next().value) (mixed as Record<string, unknown>)[field] = o[field];
        }
        return mixed;
      });
      return [a, { ...a, keys, anchors: picks.next().value ? c.anchors : a.anchors, quotas: picks.next().value ? c.quotas : a.quotas }];
    }),
  ),
);

/** The links of a snapshot as "keyring>member" strings. */
function linkSet(s: Snapshot): Set<string> {
  return new Set(s.keys.flatMap((k) => (k.links ?? []).map((m) => `${k.id}>${m}`)));
}

function normalise(s: Snapshot) {
  return s.keys.map((k) => JSON.parse(JSON.stringify(k)));
}

describe('diffSnapshots / applyDelta', () => {
  it('applying the diff to the first gives exactly the second: every field of every key, anchors and quotas', () => {
    fc.assert(
      fc.property(arbPair, ([a, b]) => {
        const d = diffSnapshots(a, b, 7);
        const out = d === null ? a : applyDelta(a, d);
        expect(JSON.parse(JSON.stringify(out))).toEqual(JSON.parse(JSON.stringify(b)));
        if (d !== null) expect(d.seq).toBe(7);
      }),
      { numRuns: 500 },
    );
  });

  it('lists exactly the links that appeared and disappeared (the change log and the graph read these)', () => {
    fc.assert(
      fc.property(arbPair, ([a, b]) => {
        const d = diffSnapshots(a, b, 1);
        const before = linkSet(a);
        const after = linkSet(b);
        const added = (d?.linksAdded ?? []).map(([r, m]) => `${r}>${m}`);
        const removed = (d?.linksRemoved ?? []).map(([r, m]) => `${r}>${m}`);
        expect(new Set(added)).toEqual(new Set([...after].filter((l) => !before.has(l))));
        expect(new Set(removed)).toEqual(new Set([...before].filter((l) => !after.has(l))));
        expect(added).toHaveLength(new Set(added).size);
        expect(removed).toHaveLength(new Set(removed).size);
      }),
      { numRuns: 300 },
    );
  });

  it('reports nothing when nothing changed', () => {
    fc.assert(fc.property(fc.boolean().chain(arbFullSnapshot), (a) => diffSnapshots(a, structuredClone(a), 1) === null));
  });

  it('applying a delta twice changes nothing more (idempotent)', () => {
    fc.assert(
      fc.property(arbPair, ([a, b]) => {
        const d = diffSnapshots(a, b, 1);
        const twice = d === null ? a : applyDelta(applyDelta(a, d), d);
        expect(normalise(twice)).toEqual(normalise(b));
      }),
    );
  });

  it('lists link changes and names the changed fields only', () => {
    const a = snap([key(1, { type: 'keyring', links: [2, 3] }), key(2), key(3)]);
    const b = snap([key(1, { type: 'keyring', links: [2, 4] }), key(2, { flags: 'IR-Q---' }), key(4)]);
    const d = diffSnapshots(a, b, 1)!;
    expect(d.added.map((k) => k.id)).toEqual([4]);
    expect(d.removed).toEqual([3]);
    expect(d.changed).toEqual([
      { id: 1, changes: { links: [2, 4] } },
      { id: 2, changes: { flags: 'IR-Q---' } },
    ]);
    expect(d.linksAdded).toEqual([[1, 4]]);
    expect(d.linksRemoved).toEqual([[1, 3]]);
  });

  it('sends an expiry window only when it changes (the tracker keeps it steady between rollovers)', () => {
    const window = { from: 301_000, to: 360_000 };
    const a = snap([key(1, { timeout: '5m', expiry: window })], 1000);
    const b = snap([key(1, { timeout: '5m', expiry: { ...window } })], 2000);
    expect(diffSnapshots(a, b, 1)).toBeNull();
    const c = snap([key(1, { timeout: '4m', expiry: { from: 301_000, to: 301_000 } })], 62_000);
    expect(diffSnapshots(a, c, 1)!.changed[0]!.changes).toEqual({ timeout: '4m', expiry: { from: 301_000, to: 301_000 } });
    const d = snap([key(1, { timeout: 'perm', expiry: null })], 63_000);
    expect(diffSnapshots(c, d, 2)!.changed[0]!.changes).toEqual({ timeout: 'perm', expiry: null });
  });

  it('treats a serial reused by a key of another type as a removal and an addition', () => {
    const a = snap([key(1, { type: 'keyring', links: [] })]);
    const b = snap([key(1, { type: 'user' })]);
    const d = diffSnapshots(a, b, 1)!;
    expect(d.removed).toEqual([1]);
    expect(d.added.map((k) => k.type)).toEqual(['user']);
    expect(applyDelta(a, d).keys[0]).not.toHaveProperty('links');
  });

  it('reports anchor and quota changes', () => {
    const a = snap([key(1)]);
    const b = { ...snap([key(1)]), anchors: { ...anchors, session: 2 }, quotas: [{ uid: 0, name: 'root', usage: 1, nkeys: 1, nikeys: 1, qnkeys: 1, maxkeys: 200, qnbytes: 3, maxbytes: 20000 }] };
    const d = diffSnapshots(a, b, 1)!;
    expect(d.anchors?.session).toBe(2);
    expect(d.quotas).toHaveLength(1);
  });

  it('reports changes to keys the map does not hold instead of inventing them', () => {
    const d = { seq: 1, takenAt: 1, added: [], removed: [99], changed: [{ id: 5, changes: { usage: 2 } }], linksAdded: [], linksRemoved: [] };
    const { keys, unknown } = applyDeltaToMap(new Map([[1, key(1)]]), d);
    expect(unknown).toEqual([5]);
    expect([...keys.keys()]).toEqual([1]);
  });
});

describe('keys shared between polls', () => {
  it('a key object present in both snapshots is unchanged; applying a delta keeps the unchanged keys themselves', () => {
    const keys = [key(1), key(2, { links: [1] }), key(3)];
    const prev = snap(keys);
    expect(diffSnapshots(prev, { ...prev, takenAt: 2000 }, 1)).toBeNull();
    const changed = { ...keys[1]!, usage: 2 };
    const next = snap([keys[0]!, changed, keys[2]!], 2000);
    const delta = diffSnapshots(prev, next, 1)!;
    expect(delta.changed).toEqual([{ id: 2, changes: { usage: 2 } }]);
    const applied = applyDelta(prev, delta);
    expect(applied).toEqual(next);
    expect(applied.keys[0]).toBe(keys[0]);
    expect(applied.keys[2]).toBe(keys[2]);
    expect(prev.keys[1]!.usage).toBe(1); // the previous snapshot is left as it was
  });

  it('compares keys out of id order too, reporting removals in the previous order', () => {
    const prev: Snapshot = { ...snap([]), keys: [key(3), key(1), key(2, { links: [3] })] };
    const next: Snapshot = { ...snap([]), keys: [key(4), key(1, { usage: 5 }), key(2, { type: 'logon', links: [] })] };
    const delta = diffSnapshots(prev, next, 1)!;
    expect(delta.removed).toEqual([3, 2]);
    expect(delta.added.map((k) => k.id)).toEqual([4, 2]);
    expect(delta.changed).toEqual([{ id: 1, changes: { usage: 5 } }]);
    expect(delta.linksRemoved).toEqual([[2, 3]]);
  });
});

describe('what a client is told, at the edges', () => {
  // Pins and doom are compared without JSON.stringify; the answer must be the one stringify would give,
  // or a pin change could go unreported (or a poll report a change that did not happen).
  // Recursive, but depthSize 'small' makes a leaf likelier at each level: 10,000 draws compared in 1.1 s in all.
  const arbJsonish: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom(null, 0, 1, 'a', true),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom('kind', 'from', 'uid'), fc.option(tie('value'), { nil: undefined }), { maxKeys: 3 }),
    ),
  })).value;

  it('two pins or dooms are the same exactly when their JSON is, members left undefined counting as absent', () => {
    fc.assert(
      fc.property(arbJsonish, arbJsonish, (a, b) => {
        expect(sameValue(a, b)).toBe(JSON.stringify(a) === JSON.stringify(b));
        expect(sameValue(a, structuredClone(a))).toBe(true);
      }),
      { numRuns: 1000 },
    );
    expect(sameValue({ kind: 'link', from: 1, uid: undefined }, { kind: 'link', from: 1 })).toBe(true);
    expect(sameValue({ kind: 'link' }, { kind: 'link', from: 1 })).toBe(false);
    expect(sameValue({ 0: 'link' }, ['link'])).toBe(false);
    expect(sameValue({ kind: 'link', from: 1 }, { from: 1, kind: 'link' })).toBe(false);
  });

  it('a key that gains or loses its member list, or its "seen by" labels, says so', () => {
    const bare = key(1);
    expect(keyChanges(bare, { ...bare, links: [2] })).toEqual({ links: [2] });
    expect(keyChanges({ ...bare, links: [2] }, bare)).toEqual({ links: null });
    expect(keyChanges(bare, { ...bare, seenBy: ['uid 1000'] })).toEqual({ seenBy: ['uid 1000'] });
    expect(keyChanges({ ...bare, seenBy: ['uid 1000'] }, bare)).toEqual({ seenBy: [] });
    expect(keyChanges({ ...bare, seenBy: ['process'] }, { ...bare, seenBy: ['process'] })).toBeNull();
    expect(keyChanges({ ...bare, seenBy: ['process'] }, { ...bare, seenBy: ['uid 0'] })).toEqual({ seenBy: ['uid 0'] });
  });

  it('finds a key by id, and says -1 for one that is not there', () => {
    const keys = [key(2), key(5), key(9)];
    expect([2, 5, 9].map((id) => indexById(keys, id))).toEqual([0, 1, 2]);
    expect([1, 3, 10].map((id) => indexById(keys, id))).toEqual([-1, -1, -1]);
  });

  it('gives the same changes whichever order either snapshot lists its keys in', () => {
    const shuffled = (s: Snapshot, seed: number): Snapshot => ({
      ...s,
      keys: [...s.keys].sort((x, y) => ((x.id * 7919 + seed) % 13) - ((y.id * 7919 + seed) % 13) || y.id - x.id),
    });
    const byId = (d: ReturnType<typeof diffSnapshots>) =>
      d && {
        added: d.added.map((k) => k.id).sort((x, y) => x - y),
        removed: [...d.removed].sort((x, y) => x - y),
        changed: [...d.changed].sort((x, y) => x.id - y.id),
      };
    fc.assert(
      fc.property(arbPair, fc.integer({ min: 0, max: 12 }), fc.boolean(), ([a, b], seed, both) => {
        const a2 = both ? shuffled(a, seed) : a;
        const b2 = shuffled(b, seed + 1);
        expect(byId(diffSnapshots(a2, b2, 1))).toEqual(byId(diffSnapshots(a, b, 1)));
        // Applied to a snapshot out of order, a delta still gives keys in id order, as /proc/keys lists them.
        const d = diffSnapshots(a2, b, 1);
        if (d !== null) expect(applyDelta(a2, d).keys.map((k) => k.id)).toEqual(b.keys.map((k) => k.id));
      }),
      { numRuns: 300 },
    );
  });

  it('a delta carries anchors and quotas only when they changed (a client re-draws the user gauges on them)', () => {
    const a = snap([key(1)]);
    const d = diffSnapshots(a, snap([key(1, { usage: 2 })]), 1)!;
    expect(d).not.toHaveProperty('anchors');
    expect(d).not.toHaveProperty('quotas');
  });

  it('applying a delta that adds a key keeps every other key the same object (the tree re-draws only what changed)', () => {
    const keys = [key(1), key(3), key(5)];
    const prev = snap(keys);
    const next = snap([keys[0]!, key(2), keys[1]!, { ...keys[2]!, usage: 4 }]);
    const applied = applyDelta(prev, diffSnapshots(prev, next, 1)!);
    expect(applied.keys.map((k) => k.id)).toEqual([1, 2, 3, 5]);
    expect(applied.keys[0]).toBe(keys[0]);
    expect(applied.keys[2]).toBe(keys[1]);
    expect(applied.keys[3]!.usage).toBe(4);
  });

  it('a poll that only adds a key, or only removes one, is a delta', () => {
    const one = snap([key(1)]);
    const two = snap([key(1), key(2)]);
    expect(diffSnapshots(one, two, 1)!.added.map((k) => k.id)).toEqual([2]);
    expect(diffSnapshots(two, one, 1)!.removed).toEqual([2]);
  });

  it('a delta listing its additions out of id order still gives keys in id order', () => {
    const prev = snap([key(2), key(4)]);
    const delta = { seq: 1, takenAt: 2000, added: [key(5), key(1), key(3)], removed: [], changed: [], linksAdded: [], linksRemoved: [] };
    expect(applyDelta(prev, delta).keys.map((k) => k.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('a change for a key the snapshot does not hold is ignored, not written anywhere', () => {
    const prev = snap([key(1), key(2)]);
    const out = applyDelta(prev, { seq: 1, takenAt: 2000, added: [], removed: [], changed: [{ id: 7, changes: { usage: 3 } }], linksAdded: [], linksRemoved: [] });
    expect(Object.keys(out.keys)).toEqual(['0', '1']);
    expect(out.keys).toEqual(prev.keys);
  });
});

describe('keys arrays made from one another (keyLineage.ts)', () => {
  /** The same keys as a fresh array, whose lineage nobody recorded: diffSnapshots walks every key of it. */
  const unrelated = (s: Snapshot): Snapshot => ({ ...s, keys: [...s.keys] });
  const arbDeltaOf = (a: Snapshot): fc.Arbitrary<Snapshot> =>
    arbFullSnapshot(a.keys.some((k) => 'seenBy' in k)).map((c) => {
      const d = diffSnapshots(a, c, 1);
      return d === null ? a : applyDelta(a, d);
    });

  it('a diff that looks only at what the lineage names gives exactly the diff of every key', () => {
    fc.assert(
      fc.property(
        arbFullSnapshot(false).chain((a) => fc.tuple(fc.constant(a), arbDeltaOf(a), arbDeltaOf(a))),
        ([a, b, c]) => {
          // b and c are each made from a: a to b, b to a, and between the two siblings.
          for (const [x, y] of [[a, b], [b, a], [b, c], [c, b]] as const) {
            expect(diffSnapshots(x, y, 3)).toEqual(diffSnapshots(unrelated(x), unrelated(y), 3));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('follows a line of polls, each made from the one before (a delta applied, then another)', () => {
    fc.assert(
      fc.property(
        arbFullSnapshot(false).chain((a) => arbDeltaOf(a).chain((b) => arbDeltaOf(b).map((c) => [a, b, c] as const))),
        ([a, , c]) => {
          expect(diffSnapshots(a, c, 2)).toEqual(diffSnapshots(unrelated(a), unrelated(c), 2));
          expect(diffSnapshots(c, a, 2)).toEqual(diffSnapshots(unrelated(c), unrelated(a), 2));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('an applied delta keeps every key it does not name as the same object, so the next diff finds nothing else', () => {
    const keys = Array.from({ length: 50 }, (_, i) => key(i + 1));
    const prev = snap(keys);
    const next = applyDelta(prev, { seq: 1, takenAt: 2000, added: [key(60)], removed: [3], changed: [{ id: 7, changes: { usage: 9 } }], linksAdded: [], linksRemoved: [] });
    expect(idsThatMayDiffer(prev.keys, next.keys)).toEqual([3, 7, 60]);
    const delta = diffSnapshots(prev, next, 2)!;
    expect(delta.added.map((k) => k.id)).toEqual([60]);
    expect(delta.removed).toEqual([3]);
    expect(delta.changed).toEqual([{ id: 7, changes: { usage: 9 } }]);
  });
});

describe('possession that cannot be told (KeyInfo.possessionUnknown)', () => {
  it('is sent when it comes and when it goes, and applying the delta gives the next snapshot', () => {
    const snap = (keys: KeyInfo[]): Snapshot => ({
      takenAt: 0,
      uid: 0,
      gid: 0,
      groups: [],
      anchors: { thread: null, process: null, session: null, user: null, userSession: null, persistent: null },
      keys,
      quotas: [],
    });
    const known = snap([testKey(1)]);
    const unknown = snap([{ ...testKey(1), possessionUnknown: true }]);
    const there = diffSnapshots(known, unknown, 1);
    expect(there?.changed).toEqual([{ id: 1, changes: { possessionUnknown: true } }]);
    expect(applyDelta(known, there!).keys).toEqual(unknown.keys);
    const back = diffSnapshots(unknown, known, 2);
    expect(back?.changed).toEqual([{ id: 1, changes: { possessionUnknown: null } }]);
    expect(applyDelta(unknown, back!).keys[0]).not.toHaveProperty('possessionUnknown');
  });
});
