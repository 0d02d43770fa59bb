// A key's expiry as far as it is known: a window, never a guessed timestamp.
//
// What the kernel gives us (security/keys/proc.c, proc_keys_show, checked against real keys in
// electron/keyring/expiry.test.ts): a key's expiry is a whole second of the real-time clock (KEYCTL_SET_TIMEOUT
// stores `now + timeout`, now in whole seconds), and /proc/keys prints `expiry - now` (now in whole seconds,
// taken as the line is printed), rounded DOWN to one unit:
//   under 60 s: `Ns`; under an hour: `Nm`; under a day: `Nh`; under a week: `Nd`; beyond: `Nw`;
//   `expd` once now ≥ expiry; `perm` for no expiry. `0s` is never printed (that is `expd`).
// So `9h` read at second s says: the expiry lies in [s + 9 h, s + 10 h − 1 s]. A window one unit wide is all one
// reading can tell; watching the column roll over (`9h` → `8h` between two polls) pins it to within one poll
// (ExpiryTracker below), and a timeout this app set itself is known to the second. Both hold only while nobody
// resets the timeout: KEYCTL_SET_TIMEOUT changes nothing else /proc/keys shows, so a reset that leaves the column
// as it was (`1m` before and after) cannot be seen. Such a window carries `since`, the moment from which it
// assumes no reset, and is shown as that condition (shared/expiryText.ts); the column alone is always true.
//
// The kernel's second is its coarse clock (updated once per tick), which may lag Date.now() by a tick: readings
// allow KERNEL_CLOCK_SLACK_MS for it.
import { KeyRows } from './keyRows';
import type { KeyInfo } from './snapshot';

/** Epoch ms, both whole seconds: from ≤ the true expiry ≤ to; from === to only when known exactly. */
export interface ExpiryWindow {
  from: number;
  to: number;
  /**
   * Set on a window narrower than one reading of the column (a rollover seen across polls, a timeout this app
   * set): it holds only if the key's timeout was not reset after this moment (epoch ms), which /proc/keys cannot
   * show when the reset leaves the rounded column as it was. Absent: one reading of the key's timeout column.
   */
  since?: number;
}

/**
 * A key's expiry: a window; null when the key never expires (`perm`); 'unknown' when the timeout column could
 * not be read (a unit or number the kernel never prints): never a wrong window.
 * A key first seen already expired (`expd`) has `from` 0: /proc/keys does not say since when.
 */
export type Expiry = ExpiryWindow | null | 'unknown';

/** Seconds in each unit of the /proc/keys timeout column. */
export const TIMEOUT_UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;
export type TimeoutUnit = keyof typeof TIMEOUT_UNIT_SECONDS;

/** How far the kernel's coarse real-time seconds may lag Date.now() (a tick is 1 to 10 ms; generous). */
export const KERNEL_CLOCK_SLACK_MS = 50;

/** The timeout column, read: no expiry, expired, or N whole units left (rounded down). */
export type TimeoutColumn = { kind: 'perm' } | { kind: 'expired' } | { kind: 'left'; count: number; unit: TimeoutUnit };

/** Largest count the kernel prints for each unit (the next unit takes over above it); weeks are unbounded. */
const MAX_COUNT: Readonly<Record<TimeoutUnit, number>> = { s: 59, m: 59, h: 23, d: 6, w: Number.MAX_SAFE_INTEGER };

/** Parses the column; null for anything proc_keys_show cannot print (`0s`, `60m`, `7d`, an unknown unit, junk). */
export function parseTimeoutColumn(column: string): TimeoutColumn | null {
  if (column === 'perm') return { kind: 'perm' };
  if (column === 'expd') return { kind: 'expired' };
  const unit = column.charAt(column.length - 1);
  const digits = column.slice(0, -1);
  if (!(unit in TIMEOUT_UNIT_SECONDS) || !/^[1-9]\d{0,14}$/.test(digits)) return null;
  const count = Number(digits);
  if (count > MAX_COUNT[unit as TimeoutUnit] || count * TIMEOUT_UNIT_SECONDS[unit as TimeoutUnit] > Number.MAX_SAFE_INTEGER / 1000) return null;
  return { kind: 'left', count, unit: unit as TimeoutUnit };
}

/**
 * The expiry one reading of the column tells: the kernel printed it at some whole second between
 * `readStartedAt` (minus the clock slack) and `readAt` (epoch ms when the read ended).
 */
export function expiryFromColumn(column: string, readStartedAt: number, readAt: number): Expiry {
  const parsed = parseTimeoutColumn(column);
  if (parsed === null) return 'unknown';
  if (parsed.kind === 'perm') return null;
  const firstSecond = Math.floor((Math.min(readStartedAt, readAt) - KERNEL_CLOCK_SLACK_MS) / 1000);
  const lastSecond = Math.floor(readAt / 1000);
  if (parsed.kind === 'expired') return { from: 0, to: lastSecond * 1000 };
  const unit = TIMEOUT_UNIT_SECONDS[parsed.unit];
  return { from: (firstSecond + parsed.count * unit) * 1000, to: (lastSecond + (parsed.count + 1) * unit - 1) * 1000 };
}

/**
 * The earliest start of a read (epoch ms) whose reading of `column` (expiryFromColumn, read started ≤ ended) misses
 * `window` (intersectWindows gives null): the reading's `from` moves up with the read's start, its `to` only up with
 * its end, so a read that starts earlier meets every window that an earlier reading of the column met, and one
 * from this moment on meets none. +Infinity when no read ever misses one (`expd`: its lower bound is 0);
 * -Infinity for a column that is no window (`perm`, junk), which misses every one.
 */
export function firstReadMissing(column: string, window: ExpiryWindow): number {
  const parsed = parseTimeoutColumn(column);
  if (parsed === null || parsed.kind === 'perm') return Number.NEGATIVE_INFINITY;
  if (parsed.kind === 'expired') return Number.POSITIVE_INFINITY;
  // from = (floor((start − slack) / 1000) + count·unit)·1000 > window.to  ⇔  floor((start − slack) / 1000) ≥ k + 1.
  const k = Math.floor(window.to / 1000 - parsed.count * TIMEOUT_UNIT_SECONDS[parsed.unit]);
  return (k + 1) * 1000 + KERNEL_CLOCK_SLACK_MS;
}

/**
 * The expiry after KEYCTL_SET_TIMEOUT(seconds) (or KEYCTL_GET_PERSISTENT, which sets its timer the same way)
 * returned: the kernel added `seconds` to its second during the call. Exact unless the call straddled a second.
 */
export function expiryAfterTimeoutSet(seconds: number, callStartedAt: number, callEndedAt: number): Expiry {
  if (seconds === 0) return null;
  const firstSecond = Math.floor((callStartedAt - KERNEL_CLOCK_SLACK_MS) / 1000);
  const lastSecond = Math.floor(callEndedAt / 1000);
  // Narrower than any reading: true until someone else resets the timeout, which no later reading may show.
  return { from: (firstSecond + seconds) * 1000, to: (lastSecond + seconds) * 1000, since: callStartedAt };
}

/**
 * The earliest moment a reading of `column` (expiryFromColumn) may have been printed: the window's from less the
 * time left the column states. Undefined for a column that states no time left.
 */
function readingStartedAt(column: string, reading: ExpiryWindow): number | undefined {
  const parsed = parseTimeoutColumn(column);
  return parsed?.kind === 'left' ? reading.from - parsed.count * TIMEOUT_UNIT_SECONDS[parsed.unit] * 1000 : undefined;
}

export function isWindow(expiry: Expiry | undefined): expiry is ExpiryWindow {
  return typeof expiry === 'object' && expiry !== null;
}

export function isExact(expiry: Expiry | undefined): boolean {
  return isWindow(expiry) && expiry.from === expiry.to;
}

/** Both windows hold the truth, so it is in both: their intersection, or null when they contradict each other. */
export function intersectWindows(a: ExpiryWindow, b: ExpiryWindow): ExpiryWindow | null {
  const from = Math.max(a.from, b.from);
  const to = Math.min(a.to, b.to);
  return from <= to ? { from, to } : null;
}

export function sameExpiry(a: Expiry | undefined, b: Expiry | undefined): boolean {
  if (isWindow(a) && isWindow(b)) return a.from === b.from && a.to === b.to && a.since === b.since;
  return a === b;
}

/**
 * When the /proc/keys read a poll's keys come from ran: it started no earlier than `startedAt` and ended no later
 * than `endedAt` (epoch ms; a scan's start and any time after its end).
 */
export interface ReadTimes {
  startedAt: number;
  endedAt: number;
}

/** What the tracker remembers of one key between polls. */
interface Tracked {
  /** The column last read ('' after this app set the timeout). */
  column: string;
  /** Every reading intersected: the tightest window known. */
  tight: ExpiryWindow;
  /** The window the snapshot carries. */
  shown: ExpiryWindow;
}

/**
 * Narrows keys' expiry windows across polls. Every reading holds the truth, so their intersection does; it
 * tightens whenever the column rolls over (`9h` read at 10:00:00, `8h` at 10:00:01: the expiry is 19:00:00 or
 * 19:00:01). A reading that contradicts what is known means the timeout was changed (KEYCTL_SET_TIMEOUT, a
 * renewed persistent keyring): start again from it.
 *
 * While the column does not change, the lower bound still creeps up with the clock (`9h` at 10:00:05 says
 * "after 19:00:05"), but that is only time passing: the window shown stays as it was (still true), so a poll
 * tells clients of a change only when something was learnt. Internally the tightest window is kept, which a
 * rollover needs.
 *
 * Every window shown rests on the readings since its chain began, and is shown after them: a reset in between
 * that left the column as it was (keyctl timeout, a krb5 cache renewing its keyring) would make it wrong, the
 * earlier window kept while the column stands as much as a narrowed one, and nothing in /proc/keys shows one until
 * a rollover fails to come. So each window the tracker gives carries `since` (ExpiryWindow), the first reading's
 * moment (or the app's own set), and is shown as holding only if the timeout was not reset after it.
 *
 * A poll's key whose record is as it was carries the window read when its record last changed (a quiet poll sends
 * nothing for it: electron/keyring/quietPoll.ts quietSnapshot), so given the poll's read times the tracker reads
 * such a key's column at them itself: a key it tracks whose column is the one it knows (or whose timeout this app
 * set) was printed so during that read. A key it does not track, or whose column changed, is a record read anew:
 * its own window is that read's.
 */
export class ExpiryTracker {
  private tracked = new Map<number, Tracked>();
  /**
   * The last narrow()'s keys and answer. The same keys again (an idle poll: the same rows, never modified) give the
   * same answer unless this read's time contradicts a window tracked (readAgain).
   */
  private last: { keys: KeyRows; narrowed: KeyRows } | null = null;
  /** The copies in the last answer (keys whose window shown differs from their reading), by id. */
  private copies = new Map<number, KeyInfo>();

  /** This app set the key's timeout itself (expiryAfterTimeoutSet): the next scans start from that. */
  timeoutSet(id: number, expiry: Expiry): void {
    this.last = null;
    if (isWindow(expiry)) this.tracked.set(id, { column: '', tight: expiry, shown: expiry });
    else this.tracked.delete(id);
  }

  /**
   * Narrows the expiry of every key with what earlier scans learnt. Each key's expiry must be a reading of its
   * column (expiryFromColumn): this scan's, or, given `read` (the times of this scan's read), an earlier poll's for a
   * key whose column has not changed since. Keys are not changed: the array returned holds a copy of each key whose
   * window shown differs from the one it carries, and is `keys` itself when none does (a poll's snapshot shares
   * unchanged keys with the last one). Keys not in `keys` are forgotten. `keys` in ascending id order.
   */
  narrow(keys: readonly KeyInfo[], read?: ReadTimes): readonly KeyInfo[] {
    return this.narrowRows(KeyRows.of(keys), read).array();
  }

  /**
   * The earliest start of a read at which reading a tracked key's column as it was last read contradicts its window
   * (its timeout was set anew and the column kept: narrowRows starts it again): the first poll that finds no record
   * changed whose read times this tracker must still be given. Before it, such a poll's read only raises the lower
   * bounds of windows whose columns have not rolled over, and the last such read before one rolls over stands for
   * them all (PollReport.quiet: an idle poll the scan thread kept to itself is given at its own read time). +Infinity
   * when no key is tracked.
   */
  firstContradictingRead(): number {
    let first = Number.POSITIVE_INFINITY;
    for (const t of this.tracked.values()) first = Math.min(first, firstReadMissing(t.column, t.tight));
    return first;
  }

  /**
   * narrow() on rows (shared/keyRows.ts), answered as rows: when the rows were made from the last ones by changing a
   * few keys, it costs those keys and the keys it tracks, not every key.
   */
  narrowRows(keys: KeyRows, read?: ReadTimes): KeyRows {
    // Made from the last keys by changing a few: every other key is the same object, so the same record, whose answer
    // (its copy, or itself) stays unless this read's time contradicts its window.
    let mayDiffer = this.last === null ? null : KeyRows.idsThatMayDiffer(this.last.keys, keys);
    if (mayDiffer !== null && read !== undefined) {
      const contradicted = this.readAgain(mayDiffer, read);
      if (contradicted.length > 0) mayDiffer = [...new Set([...mayDiffer, ...contradicted])].sort((a, b) => a - b);
    }
    if (this.last?.keys === keys && mayDiffer?.length === 0) return this.last.narrowed;
    if (mayDiffer === null) {
      const earlier = this.tracked;
      this.tracked = new Map();
      this.copies = new Map();
      for (const key of keys.array()) this.track(key, earlier, undefined, read);
    } else {
      const earlier = new Map<number, Tracked>();
      for (const id of mayDiffer) {
        const t = this.tracked.get(id);
        if (t !== undefined) earlier.set(id, t);
        this.tracked.delete(id);
        this.copies.delete(id);
      }
      // A key whose reading moved only with the clock (its column unchanged) is shown as it was, as the same object
      // as in the last answer: when every key that may differ is, the answer is the last one (one a poll whenever
      // any key has a timeout; the service's diff then looks at nothing).
      const last = (this.last as { narrowed: KeyRows }).narrowed;
      for (const id of mayDiffer) {
        const key = keys.get(id);
        if (key !== undefined) this.track(key, earlier, last.get(id), read);
      }
      if (mayDiffer.every((id) => this.answerFor(keys, id) === last.get(id))) {
        this.last = { keys, narrowed: last };
        return last;
      }
    }
    const narrowed = this.copies.size === 0 ? keys : keys.with(this.copies.values());
    this.last = { keys, narrowed };
    return narrowed;
  }

  /**
   * The keys tracked that are the same objects as last time (not in `mayDiffer`), read again at `read` with the column
   * known: each one's tightest window narrowed by this reading. Returns the ids this reading contradicts (their
   * timeout was set anew): track() starts them again from it.
   */
  private readAgain(mayDiffer: readonly number[], read: ReadTimes): number[] {
    const contradicted: number[] = [];
    const differs = mayDiffer.length === 0 ? null : new Set(mayDiffer);
    for (const [id, t] of this.tracked) {
      if (differs?.has(id) === true) continue;
      const reading = expiryFromColumn(t.column, read.startedAt, read.endedAt);
      const tight = isWindow(reading) ? intersectWindows(t.tight, reading) : null;
      if (tight === null) contradicted.push(id);
      else t.tight = tight;
    }
    return contradicted;
  }

  /** The key of `id` in this answer: its copy, or the key of `keys` itself; undefined when `keys` has none. */
  private answerFor(keys: KeyRows, id: number): KeyInfo | undefined {
    return this.copies.get(id) ?? keys.get(id);
  }

  /**
   * Tracks one key's reading (with what `earlier` knew of it); its copy with the window shown, if that differs:
   * `before`, the last answer's key, when it is that already.
   */
  private track(key: KeyInfo, earlier: ReadonlyMap<number, Tracked>, before?: KeyInfo, read?: ReadTimes): KeyInfo | null {
    if (!isWindow(key.expiry)) return null;
    const known = earlier.get(key.id);
    // The column known (or a timeout this app set) was printed during this read: its window now, whatever the key
    // carries (a record unchanged since an earlier poll carries that poll's).
    const readAgain = read !== undefined && known !== undefined && (known.column === key.timeout || known.column === '');
    const reading = readAgain ? expiryFromColumn(key.timeout, read.startedAt, read.endedAt) : key.expiry;
    if (!isWindow(reading)) return null;
    const tight = known === undefined ? null : intersectWindows(known.tight, reading);
    let tracked: Tracked;
    if (known === undefined || tight === null) tracked = { column: key.timeout, tight: reading, shown: withSince(reading, readingStartedAt(key.timeout, reading)) };
    else if (known.column === key.timeout) tracked = { column: key.timeout, tight, shown: known.shown };
    else tracked = { column: key.timeout, tight, shown: withSince(tight, known.shown.since ?? 0) };
    this.tracked.set(key.id, tracked);
    if (sameExpiry(tracked.shown, key.expiry)) return null;
    const copy = before !== undefined && sameExpiry(before.expiry, tracked.shown) && sameBesideExpiry(before, key) ? before : { ...key, expiry: tracked.shown };
    this.copies.set(key.id, copy);
    return copy;
  }
}

/** The window with the moment from which it assumes no reset; as it is for a reading that assumes none (`expd`). */
function withSince(window: ExpiryWindow, since: number | undefined): ExpiryWindow {
  return since === undefined ? window : { from: window.from, to: window.to, since };
}

/**
 * Whether two keys hold the very same values (===) in every field but `expiry`: a delta applied to a key copies it
 * with only the changed fields new (shared/delta.ts withChanges), so a key whose reading alone moved is such a copy.
 */
function sameBesideExpiry(a: KeyInfo, b: KeyInfo): boolean {
  const fields = Object.keys(a) as (keyof KeyInfo)[];
  if (fields.length !== Object.keys(b).length) return false;
  for (const f of fields) if (f !== 'expiry' && a[f] !== b[f]) return false;
  return true;
}
