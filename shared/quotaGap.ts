// The bytes /proc/key-users charges a uid set against what the keys a scan can see cost it (shared/quotaCharge.ts),
// and, when the difference matters, why in one sentence: the user row's bytes gauge, the user details and
// `quota --held-by` all say it with these words. Facts checked on the kernel (electron/keyring/quotaCharge.test.ts):
// a link the garbage collector removed stays charged 4 bytes to its keyring until the keyring is cleared, revoked
// or destroyed; a keyring whose charge passed 65,535 bytes gives back 65,536 too few per pass when it goes; keys
// no view of the scan may see are charged too. Which of them it was the snapshot cannot tell, so the sentence
// names the ones that are possible.
import { KEY_CHARGE_MODULUS, LINK_CHARGE, type ChargeSum } from './quotaCharge';
import type { QuotaInfo } from './snapshot';
import { counted, formatCount } from './text';

/** A gap is worth a sentence from this share of the uid's byte limit… */
export const MATERIAL_SHARE_OF_LIMIT = 0.01;
/** …or of what it is charged. */
export const MATERIAL_SHARE_OF_CHARGE = 0.1;

export interface QuotaGap {
  /** qnbytes. */
  charged: number;
  /** What the uid's visible keys cost, as far as known. */
  accounted: number;
  /** Visible keys whose cost is not known (part of the gap may be theirs). */
  unknownSizes: number;
  /** charged − accounted; 0 when the visible keys account for all of it (or more). */
  unaccounted: number;
  /** Big enough to explain: at least 1 % of the limit or 10 % of the charge. */
  material: boolean;
  /** The uid's limit lets a keyring's charge pass 16 bits (root's does), so a wrap may be among the causes. */
  wrapPossible: boolean;
}

export function quotaGap(q: Pick<QuotaInfo, 'qnbytes' | 'maxbytes'>, sum: Pick<ChargeSum, 'bytes' | 'unknown'>): QuotaGap {
  const unaccounted = Math.max(0, q.qnbytes - sum.bytes);
  return {
    charged: q.qnbytes,
    accounted: sum.bytes,
    unknownSizes: sum.unknown,
    unaccounted,
    material: unaccounted > 0 && (unaccounted >= q.maxbytes * MATERIAL_SHARE_OF_LIMIT || unaccounted >= q.qnbytes * MATERIAL_SHARE_OF_CHARGE),
    wrapPossible: q.maxbytes >= KEY_CHARGE_MODULUS,
  };
}

/** "12,000 bytes in no visible key": the short form, for a gauge or a table cell. */
export function unaccountedShort(gap: QuotaGap): string {
  return `${gap.unknownSizes > 0 ? 'up to ' : ''}${formatCount(gap.unaccounted)} bytes in no visible key`;
}

/**
 * Why `gap.unaccounted` bytes are charged to uid `uid` that no visible key costs, in one sentence naming every
 * cause that is possible (not a guess among them); null when the gap is not material.
 */
export function quotaGapSentence(gap: QuotaGap, uid: number): string | null {
  if (!gap.material) return null;
  const amount =
    gap.unknownSizes > 0
      ? `${formatCount(gap.unaccounted)} bytes, less what its ${counted(gap.unknownSizes, 'key')} of unknown size ${gap.unknownSizes === 1 ? 'costs' : 'cost'}, are`
      : `${formatCount(gap.unaccounted)} ${gap.unaccounted === 1 ? 'byte is' : 'bytes are'}`;
  const wrap = gap.wrapPossible
    ? `; and a keyring whose charge passed ${formatCount(KEY_CHARGE_MODULUS - 1)} bytes gives back ${formatCount(KEY_CHARGE_MODULUS)} too ` +
      `few when cleared or destroyed (the kernel keeps a key’s charge in 16 bits), charged ${uid === 0 ? 'until reboot' : 'until this user owns no key'}`
    : '';
  return (
    `${amount} charged to no key this scan can see: a keyring keeps ${LINK_CHARGE} bytes for each link the kernel’s garbage ` +
    'collector removed (a key invalidated, or revoked or expired and then collected) until the keyring is cleared or destroyed, ' +
    `and keys no view of this scan may see are charged too${wrap}.`
  );
}
