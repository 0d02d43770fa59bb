// A user's QuotaGap (shared/quotaGap.ts) in the window: what its visible keys cost, summed for every uid once per
// key map (a poll that changes a key makes a new map) and, for a map the store derived from the last one, from
// that one's sums and the keys the delta touched (a full pass is 3.5 ms at 40k keys); the same gap object while
// its sum and its quota line stay the same, so the tree's memoised user rows see no change.
import { addCharge, chargesByUid, type ChargeSum } from '../../../shared/quotaCharge';
import { quotaGap, type QuotaGap } from '../../../shared/quotaGap';
import type { KeyInfo, QuotaInfo } from '../../../shared/snapshot';
import type { UserGroup } from '../../../shared/userGroups';
import { keyMapDifference } from '../store/keyMap';

const NONE: ChargeSum = { bytes: 0, keys: 0, unknown: 0 };
const sums = new WeakMap<ReadonlyMap<number, KeyInfo>, Map<number, ChargeSum>>();
const gaps = new WeakMap<QuotaInfo, { bytes: number; unknown: number; gap: QuotaGap }>();

let last: { keys: ReadonlyMap<number, KeyInfo>; byUid: Map<number, ChargeSum> } | null = null;

/** Every uid's sum over `keys`: held, or derived from the last map's, or counted. */
function sumsOf(keys: ReadonlyMap<number, KeyInfo>): Map<number, ChargeSum> {
  const held = sums.get(keys);
  if (held !== undefined) return held;
  const touched = last === null ? null : keyMapDifference(last.keys, keys);
  let byUid: Map<number, ChargeSum>;
  if (last !== null && touched !== null) {
    const before = last.keys;
    byUid = new Map([...last.byUid].map(([uid, s]) => [uid, { ...s }]));
    for (const id of touched) {
      const was = before.get(id);
      const is = keys.get(id);
      if (was === is) continue;
      if (was !== undefined) addCharge(byUid, was, -1);
      if (is !== undefined) addCharge(byUid, is, 1);
    }
  } else byUid = chargesByUid(keys.values());
  sums.set(keys, byUid);
  last = { keys, byUid };
  return byUid;
}

/** What uid `uid`'s keys among `keys` cost it. */
export function visibleCharges(keys: ReadonlyMap<number, KeyInfo>, uid: number): ChargeSum {
  return sumsOf(keys).get(uid) ?? NONE;
}

/** `group`'s gap between what /proc/key-users charges it and what its visible keys cost; null without a quota line. */
export function quotaGapOf(keys: ReadonlyMap<number, KeyInfo>, group: Pick<UserGroup, 'uid' | 'quota'>): QuotaGap | null {
  const q = group.quota;
  if (q === null) return null;
  const sum = visibleCharges(keys, group.uid);
  const held = gaps.get(q);
  if (held !== undefined && held.bytes === sum.bytes && held.unknown === sum.unknown) return held.gap;
  const gap = quotaGap(q, sum);
  gaps.set(q, { bytes: sum.bytes, unknown: sum.unknown, gap });
  return gap;
}
