// A user's QuotaGap (shared/quotaGap.ts) in the window: what its visible keys cost, summed for every uid in one
// pass per key map (a poll that changes a key makes a new map), and the same gap object while its sum and its
// quota line stay the same, so the tree's memoised user rows see no change.
import { chargesByUid, type ChargeSum } from '../../../shared/quotaCharge';
import { quotaGap, type QuotaGap } from '../../../shared/quotaGap';
import type { KeyInfo, QuotaInfo } from '../../../shared/snapshot';
import type { UserGroup } from '../../../shared/userGroups';

const NONE: ChargeSum = { bytes: 0, keys: 0, unknown: 0 };
const sums = new WeakMap<ReadonlyMap<number, KeyInfo>, Map<number, ChargeSum>>();
const gaps = new WeakMap<QuotaInfo, { bytes: number; unknown: number; gap: QuotaGap }>();

/** What `group`'s uid's keys among `keys` cost it. */
export function visibleCharges(keys: ReadonlyMap<number, KeyInfo>, uid: number): ChargeSum {
  let byUid = sums.get(keys);
  if (byUid === undefined) sums.set(keys, (byUid = chargesByUid(keys.values())));
  return byUid.get(uid) ?? NONE;
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
