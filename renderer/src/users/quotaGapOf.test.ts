// The window's per-uid sums, kept up to date from the keys a delta touched, must equal a full count.
import { describe, expect, it } from 'vitest';
import { chargesByUid } from '../../../shared/quotaCharge';
import { applyDeltaToKeys } from '../store/keyMap';
import { delta, k, ring } from '../test/keys';
import { quotaGapOf, visibleCharges } from './quotaGapOf';

describe('visibleCharges', () => {
  it('follows a delta (a key added, one removed, one whose payload changed, one chowned) as a full count does', () => {
    const base = new Map(
      [
        ring(1, '_uid.1000', [2, 3], { payloadLength: 8 }),
        k(2, 'a', { payloadLength: 5 }),
        k(3, 'b', { payloadLength: 7 }),
        k(4, 'c', { uid: 1001, payloadLength: 1 }),
        k(5, 'unsized', { type: 'asymmetric' }),
      ].map((x) => [x.id, x]),
    );
    const uids = [1000, 1001];
    for (const uid of uids) expect(visibleCharges(base, uid)).toEqual(chargesByUid(base.values()).get(uid));
    let keys: ReadonlyMap<number, ReturnType<typeof k>> = base;
    const steps = [
      delta(1, { added: [k(6, 'new', { payloadLength: 40 })] }),
      delta(2, { removed: [3] }),
      delta(3, { changed: [{ id: 2, changes: { payloadLength: 500 } }] }),
      delta(4, { changed: [{ id: 4, changes: { uid: 1000 } }], removed: [5] }),
    ];
    for (const d of steps) {
      keys = applyDeltaToKeys(keys, d, 1_000_000).keys;
      const full = chargesByUid(keys.values());
      for (const uid of uids) expect(visibleCharges(keys, uid), `after delta ${d.seq}, uid ${uid}`).toEqual(full.get(uid) ?? { bytes: 0, keys: 0, unknown: 0 });
    }
  });

  it('gives the same gap object while the sum and the quota line stay the same', () => {
    const keys = new Map([[1, k(1, 'x', { payloadLength: 1 })]]);
    const quota = { uid: 1000, name: 'alice', usage: 1, nkeys: 1, nikeys: 1, qnkeys: 1, maxkeys: 200, qnbytes: 500, maxbytes: 20000 };
    const a = quotaGapOf(keys, { uid: 1000, quota });
    expect(a).toMatchObject({ charged: 500, accounted: 3, unaccounted: 497, material: true });
    expect(quotaGapOf(new Map(keys), { uid: 1000, quota })).toBe(a);
    expect(quotaGapOf(keys, { uid: 1000, quota: { ...quota, qnbytes: 3 } })).toMatchObject({ unaccounted: 0, material: false });
    expect(quotaGapOf(keys, { uid: 1000, quota: null })).toBeNull();
  });
});
