// How full a user's key quota is, in the words the CLI and the UI share. The kernel refuses a key
// (add_key, request_key, KEYCTL_CHOWN: EDQUOT) when qnkeys + 1 > maxkeys or qnbytes + its size > maxbytes
// (security/keys/key.c key_alloc), so a quota at 100 % is full: the next add_key fails.
import type { QuotaInfo } from './snapshot';

/** ok below 80 %, warn from 80 %, critical from 95 %, full at 100 %. */
export type QuotaLevel = 'ok' | 'warn' | 'critical' | 'full';

export const QUOTA_WARN_PERCENT = 80;
export const QUOTA_CRITICAL_PERCENT = 95;

/** used / max in whole percent, rounded down (so 99.9 % is not shown as full); 0 when max is 0 and nothing is used. */
export function quotaPercent(used: number, max: number): number {
  if (max <= 0) return used > 0 ? 100 : 0;
  return Math.floor((used * 100) / max);
}

export function quotaLevel(used: number, max: number): QuotaLevel {
  if (max > 0 ? used >= max : used > 0) return 'full';
  const p = quotaPercent(used, max);
  if (p >= QUOTA_CRITICAL_PERCENT) return 'critical';
  if (p >= QUOTA_WARN_PERCENT) return 'warn';
  return 'ok';
}

/** The worse of a user's two gauges (keys, bytes). */
export function worstQuotaLevel(q: Pick<QuotaInfo, 'qnkeys' | 'maxkeys' | 'qnbytes' | 'maxbytes'>): QuotaLevel {
  const order: QuotaLevel[] = ['ok', 'warn', 'critical', 'full'];
  const a = quotaLevel(q.qnkeys, q.maxkeys);
  const b = quotaLevel(q.qnbytes, q.maxbytes);
  return order.indexOf(a) >= order.indexOf(b) ? a : b;
}

/** What a level means, for a person. */
export const QUOTA_LEVEL_WORDS: Record<QuotaLevel, string> = {
  ok: 'ok',
  warn: 'nearly full (80 % or more)',
  critical: 'critical (95 % or more)',
  full: 'full: the next add_key gets EDQUOT',
};

/** "alice (uid 1000)", "uid 1234" when the user has no name. */
export function userLabel(uid: number, name: string | null | undefined): string {
  return name ? `${name} (uid ${uid})` : `uid ${uid}`;
}
