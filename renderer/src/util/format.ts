// Small pure formatters shared by rows, details and the change log.
import { formatDateTime, formatLeft } from '../../../shared/expiryText';

export { hexId } from '../../../shared/keyIds';

/** Permission mask as `keyctl describe` prints it: 8 hex digits. */
export function hexMask(perm: number): string {
  return (perm >>> 0).toString(16).padStart(8, '0');
}

/** Time left until `at`: shared/expiryText.ts formatLeft (`59s`, `4m 05s`, `3h 12m`, `2d 4h`, 'expired'). */
export function formatRemaining(at: number, now: number): string {
  return formatLeft(at - now);
}

/** Wall-clock time of day for the change log, with seconds. */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export { formatDateTime };

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  return formatRemaining(ms, 0);
}
