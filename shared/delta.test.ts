import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDelta, applyDeltaToMap, diffSnapshots } from './delta';
import type { KeyInfo, Snapshot } from './snapshot';
import { testKey } from './testing';

const anchors = { thread: null, process: null, session: 1, user: null, userSession: null, persistent: null };

const key = testKey;

function snap(keys: KeyInfo[], takenAt = 1000): Snapshot {
  return { takenAt, uid: 0, gid: 0, groups: [], anchors, keys: [...keys].sort((a, b) => a.id - b.id), quotas: [] };
}

const arbKey = fc.record({
  id: fc.integer({ min: 1, max: 40 }),
  type: fc.constantFrom('user', 'keyring', 'logon'),
  description: fc.string({ maxLength: 6 }),
  perm: fc.constantFrom(0x3f010000, 0x3f3f0000, 0x01000000),
  flags: fc.constantFrom('I--Q---', 'IR-Q---', 'I--Q-N-'),
  usage: fc.integer({ min: 1, max: 4 }),
  possessed: fc.boolean(),
  links: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { maxLength: 5 }), { nil: undefined }),
});

const arbSnapshot = fc
  .uniqueArray(arbKey, { selector: (k) => k.id, maxLength: 30 })
  .map((ks) => snap(ks.map(({ links, ...k }) => key(k.id, k.type === 'keyring' ? { ...k, links: links ?? null } : k))));

function normalise(s: Snapshot) {
  return s.keys.map((k) => JSON.parse(JSON.stringify(k)));
}

describe('diffSnapshots / applyDelta', () => {
  it('applying the diff of any two snapshots to the first gives the second', () => {
    fc.assert(
      fc.property(arbSnapshot, arbSnapshot, (a, b) => {
        const d = diffSnapshots(a, b, 7);
        const out = d ? applyDelta(a, d) : a;
        expect(normalise(out)).toEqual(normalise(b));
      }),
      { numRuns: 300 },
    );
  });

  it('reports nothing when nothing changed', () => {
    fc.assert(fc.property(arbSnapshot, (a) => diffSnapshots(a, structuredClone(a), 1) === null));
  });

  it('applying a delta twice changes nothing more (idempotent)', () => {
    fc.assert(
      fc.property(arbSnapshot, arbSnapshot, (a, b) => {
        const d = diffSnapshots(a, b, 1);
        if (!d) return;
        expect(normalise(applyDelta(applyDelta(a, d), d))).toEqual(normalise(b));
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
