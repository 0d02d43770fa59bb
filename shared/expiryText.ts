// Expiry windows (expiry.ts) in words, for every place that shows one: tree rows, graph nodes, the details
// panel, the CLI tree and pictures. The rule: never claim more precision than the window has. An exact
// expiry counts down to the second; a window shows its middle and half its width ("≈9h 30m ±30m"), or, in the
// CLI's one-shot text, the kernel's own range ("in 9–10 h"). A window narrower than one reading (`since`) holds
// only if the timeout was not reset since then: its countdown reads "≈", and its words say the condition.
import { isWindow, type Expiry, type ExpiryWindow } from './expiry';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/**
 * Time left, compact like /proc/keys but to the second: `59s`, `4m 05s`, `3h 12m`, `2d 4h`, `7101w 3d`
 * (rounded down, so a countdown reaches `0s` when the moment comes). From a week on it counts weeks, as
 * /proc/keys does, so a key's timeout reads in one unit everywhere. 'expired' at or below zero.
 */
export function formatLeft(ms: number): string {
  if (ms <= 0) return 'expired';
  const s = Math.floor(ms / SECOND);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  const d = Math.floor(h / 24);
  if (d < 7) return `${d}d ${h % 24}h`;
  return `${Math.floor(d / 7)}w ${d % 7}d`;
}

/** The finest unit formatLeft(ms) shows. */
function precisionOf(ms: number): number {
  if (ms < HOUR) return SECOND;
  if (ms < DAY) return MINUTE;
  if (ms < WEEK) return HOUR;
  return DAY;
}

/** A span in its one or two largest units, without zero tails: `1s`, `30m`, `1h`, `3d 12h`. */
export function formatSpan(ms: number): string {
  const units: [number, string][] = [
    [WEEK, 'w'],
    [DAY, 'd'],
    [HOUR, 'h'],
    [MINUTE, 'm'],
    [SECOND, 's'],
  ];
  const i = Math.max(0, units.findIndex(([u]) => ms >= u));
  const [big, bigName] = units[i] as [number, string];
  const whole = Math.floor(ms / big);
  const next = units[i + 1];
  if (next === undefined) return `${whole}${bigName}`;
  const rest = Math.floor((ms - whole * big) / next[0]);
  return rest === 0 ? `${whole}${bigName}` : `${whole}${bigName} ${rest}${next[1]}`;
}

/** Local date and time to the second: `2026-11-30 14:03:07`. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export type ExpiryState = 'never' | 'unknown' | 'expired' | 'exact' | 'window';

export interface ExpiryCountdown {
  state: ExpiryState;
  /** Compact and live: `4m 05s`, `≈9h 30m ±30m`, `≤12s`, `expired`, `?`; '' for never. */
  text: string;
  /** One sentence for a tooltip or the details panel. */
  title: string;
}

/** How a key's expiry reads at `now` (a countdown: call again as the clock ticks). */
export function expiryCountdown(expiry: Expiry | undefined, now: number): ExpiryCountdown {
  if (expiry === null || expiry === undefined) return { state: 'never', text: '', title: 'It never expires (no timeout).' };
  if (!isWindow(expiry)) return { state: 'unknown', text: '?', title: 'Expiry unknown: /proc/keys printed a timeout this app cannot read.' };
  const { from, to } = expiry;
  if (to <= now) return conditional(expiry, { state: 'expired', text: 'expired', title: expiredSentence(expiry) });
  if (from === to) return conditional(expiry, { state: 'exact', text: formatLeft(to - now), title: `Expires at ${formatDateTime(to)}.` });
  if (from <= now) {
    return conditional(expiry, { state: 'window', text: `≤${formatLeft(to - now)}`, title: `Expires any moment now, at ${formatDateTime(to)} at the latest.` });
  }
  return conditional(expiry, { state: 'window', text: approximately(expiry, now), title: windowSentence(expiry) });
}

/** The words a window that rests on no reset since `since` must carry (an "≈" on an exact countdown, the condition). */
function resetCondition(since: number): string {
  return `if its timeout was not reset since ${formatDateTime(since)} (a reset that leaves /proc/keys' rounded figure as it was cannot be seen; that figure alone is always true)`;
}

function conditional(expiry: ExpiryWindow, c: ExpiryCountdown): ExpiryCountdown {
  if (expiry.since === undefined) return c;
  const text = c.state === 'exact' ? `≈${c.text}` : c.text;
  return { ...c, text, title: `${c.title.replace(/\.$/, '')}, ${resetCondition(expiry.since)}.` };
}

/** `≈9h 30m ±30m`: the window's middle, and half its width where that shows at the middle's precision. */
function approximately({ from, to }: ExpiryWindow, now: number): string {
  const mid = (from + to) / 2 - now;
  const half = (to - from) / 2;
  const p = precisionOf(mid);
  if (half < p) return `≈${formatLeft(mid)}`;
  return `≈${formatLeft(mid)} ±${formatSpan(Math.ceil(half / p) * p)}`;
}

function windowSentence({ from, to }: ExpiryWindow): string {
  const width = to - from + SECOND;
  return (
    `Expires between ${formatDateTime(from)} and ${formatDateTime(to)}: /proc/keys rounds the time left down to ` +
    `${unitPhrase(width)}; the window narrows when that figure rolls over.`
  );
}

function unitPhrase(width: number): string {
  if (width <= 2 * SECOND) return 'the second';
  if (width <= MINUTE + SECOND) return 'the minute';
  if (width <= HOUR + SECOND) return 'the hour';
  if (width <= DAY + SECOND) return 'the day';
  if (width <= WEEK + SECOND) return 'the week';
  return 'one unit';
}

function expiredSentence({ from, to }: ExpiryWindow): string {
  if (from === to) return `Expired at ${formatDateTime(to)}.`;
  if (from === 0) return `Expired at or before ${formatDateTime(to)} (/proc/keys does not say when).`;
  return `Expired between ${formatDateTime(from)} and ${formatDateTime(to)}.`;
}

/**
 * The time left as words, for one-shot text (the CLI tree): `in 9–10 h`, `in 2–3 d` while the window is the
 * kernel's rounded figure, `in 4m 05s` when exact, `in ≈8h 59m` once narrowed (with its condition: `if its timeout was not reset since …`); 'at an unknown time'; 'expired'; '' for never.
 */
export function expiryInWords(expiry: Expiry | undefined, now: number): string {
  const c = expiryCountdown(expiry, now);
  if (c.state === 'never') return '';
  if (c.state === 'unknown') return 'at an unknown time';
  if (!isWindow(expiry)) return c.state === 'expired' ? 'expired' : `in ${c.text}`;
  const unlessReset = expiry.since === undefined ? '' : ` if its timeout was not reset since ${formatDateTime(expiry.since)}`;
  if (c.state === 'expired') return `expired${unlessReset}`;
  if (unlessReset !== '') return `in ${c.text}${unlessReset}`;
  if (c.state === 'exact') return `in ${c.text}`;
  const range = unitRange(expiry, now);
  return range === null ? `in ${c.text}` : `in ${range}`;
}

/**
 * `9–10 h` when the window is one of the kernel's units wide and starts on a whole number of them from now
 * (give or take the few seconds a scan takes): exactly what the timeout column said.
 */
function unitRange({ from, to }: ExpiryWindow, now: number): string | null {
  const width = to - from + SECOND;
  const units: [number, string][] = [
    [WEEK, 'w'],
    [DAY, 'd'],
    [HOUR, 'h'],
    [MINUTE, 'min'],
  ];
  const tolerance = 3 * SECOND;
  for (const [unit, name] of units) {
    if (Math.abs(width - unit) > tolerance) continue;
    const n = Math.round((from - now) / unit);
    if (n < 1 || Math.abs(from - now - n * unit) > tolerance) return null;
    return `${n}–${n + 1} ${name}`;
  }
  return null;
}
