// Small pure formatters shared by rows, details and the change log.

/** The id as /proc/keys prints it: 8 lower-case hex digits, no prefix. */
export function hexId(id: number): string {
  return (id >>> 0).toString(16).padStart(8, '0');
}

/** Permission mask as `keyctl describe` prints it: 8 hex digits. */
export function hexMask(perm: number): string {
  return (perm >>> 0).toString(16).padStart(8, '0');
}

/**
 * Time left until `expiresAt`, compact like /proc/keys but live: `59s`, `4m 05s`, `3h 12m`, `2d 4h`.
 * Returns 'expired' once the moment has passed.
 */
export function formatRemaining(expiresAt: number, now: number): string {
  const ms = expiresAt - now;
  if (ms <= 0) return 'expired';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  const d = Math.floor(h / 24);
  return `${d}d ${h % 24}h`;
}

/** Wall-clock time of day for the change log, with seconds. */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  return formatRemaining(ms, 0);
}
