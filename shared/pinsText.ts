// Pins in words, for the details panel and the CLI: what keeps a key alive, what unlinking it would
// leave, and when the collector takes a doomed key. Pure: reads the pins withPins() computed.
import { expiryCountdown } from './expiryText';
import type { DoomReason, KeyInfo, Pin } from './snapshot';
import { formatKeyId } from './keyIds';
import { counted, cutMiddle } from './text';

export interface PinsText {
  /** "Kept alive by: link from _ses (0x1ca19b07); 2 process references." (+ an expiry sentence if timed). */
  keptBy: string;
  /** Present when a keyring links it: what one unlink would leave. */
  ifUnlinked?: string;
  /** Present when the key is doomed: why, and when the collector removes it. */
  doom?: string;
}

/** How many linking keyrings are named before "and N more". */
const NAMED_LINKS = 3;

/**
 * `gcDelaySeconds`, where the caller knows it, is quoted in the doom sentence. Keys without `pins`
 * (analysis not run) get "Kept alive by: not analysed."
 */
export function describePins(
  key: KeyInfo,
  keysById: ReadonlyMap<number, KeyInfo>,
  now: number,
  gcDelaySeconds?: number,
): PinsText {
  const text: PinsText = { keptBy: keptBySentence(key, keysById, now) };
  const unlinked = ifUnlinkedSentence(key.pins ?? [], keysById);
  if (unlinked !== null) text.ifUnlinked = unlinked;
  if (key.doomed) text.doom = doomSentence(key.doomed.reason, key.doomed.collectAfter, now, gcDelaySeconds);
  return text;
}

function keptBySentence(key: KeyInfo, keysById: ReadonlyMap<number, KeyInfo>, now: number): string {
  if (key.pins === undefined) return 'Kept alive by: not analysed.';
  const links = linkSources(key.pins);
  const parts: string[] = [];
  if (links.length > 0) parts.push(`${links.length === 1 ? 'link' : 'links'} from ${nameList(links, keysById)}`);
  for (const pin of key.pins) {
    if (pin.kind === 'credentials') parts.push(credentialsPhrase(key, pin.count));
    else if (pin.kind === 'user') parts.push(userPhrase(pin, keysById));
  }
  let sentence = `Kept alive by: ${parts.length === 0 ? 'nothing' : parts.join('; ')}.`;
  const timer = key.pins.find((pin): pin is Extract<Pin, { kind: 'timer' }> => pin.kind === 'timer');
  if (timer !== undefined) sentence += ` ${timerSentence(key, timer, now)}`;
  return sentence;
}

function ifUnlinkedSentence(pins: readonly Pin[], keysById: ReadonlyMap<number, KeyInfo>): string | null {
  const links = linkSources(pins);
  if (links.length === 0) return null;
  const credentials = pins.reduce((n, pin) => (pin.kind === 'credentials' ? n + pin.count : n), 0);
  const left = links.length - 1 + credentials;
  const target = links.length === 1 ? `from ${keyName(links[0] as number, keysById)}` : 'from any one of these keyrings';
  if (left === 0) return `Unlinking it ${target} would destroy it: nothing else holds it.`;
  return `Unlinking it ${target} would leave ${counted(left, 'reference')}.`;
}

const DOOM_WORDS: Record<DoomReason, string> = {
  revoked: 'revoked',
  invalidated: 'invalidated',
  expired: 'expired',
  negative: 'negative (a failed lookup cached as a key)',
  dead: 'dead (its key type was unregistered)',
  unpinned: 'nothing holds it',
};

function doomSentence(reason: DoomReason, collectAfter: number | null, now: number, gcDelaySeconds?: number): string {
  const delay = gcDelaySeconds === undefined ? '' : ` (gc_delay ${gcDelaySeconds} s)`;
  const head = `Doomed: ${DOOM_WORDS[reason]}`;
  if (collectAfter === null) return `${head}; it has no timeout, so it stays until nothing references it.`;
  if (reason === 'invalidated' || reason === 'dead' || reason === 'unpinned') {
    return `${head}; the collector removes it at once.`;
  }
  const seconds = Math.round((collectAfter - now) / 1000);
  if (seconds <= 0) return `${head}; the collector removes it any moment now${delay}.`;
  // /proc/keys shows a revoked key as `expd` without saying when it was revoked: the estimate is a bound.
  const when = reason === 'revoked' ? 'within about' : 'in about';
  return `${head}; the collector removes it ${when} ${formatDuration(seconds)}${delay}.`;
}

function timerSentence(key: KeyInfo, timer: Extract<Pin, { kind: 'timer' }>, now: number): string {
  const countdown = expiryCountdown(key.expiry, now);
  const left = countdown.state === 'unknown' ? 'Expires at an unknown time' : countdown.state === 'expired' ? 'Expired' : `Expires in ${countdown.text}`;
  if (timer.renewedBy === undefined) return `${left}.`;
  // The persistent keyring: its timer restarts at each use through KEYCTL_GET_PERSISTENT, and only then.
  const period = timer.renewalSeconds === undefined ? '' : `${formatDuration(timer.renewalSeconds)} `;
  return `${left}: it expires ${period}after its last use (${timer.renewedBy} resets the timer; reading it does not).`;
}

function credentialsPhrase(key: KeyInfo, count: number): string {
  // Kernel-held keyrings are named with a leading dot; other keyrings are mostly held by processes'
  // thread/process/session slots. A non-keyring is never a process keyring: its unseen references are
  // links from keyrings this process cannot read, or the kernel's own.
  if (key.type !== 'keyring') return `${counted(count, 'other reference')} (unreadable keyrings or the kernel)`;
  if (key.description.startsWith('.')) return counted(count, 'kernel reference');
  return counted(count, 'process reference');
}

function userPhrase(pin: Extract<Pin, { kind: 'user' }>, keysById: ReadonlyMap<number, KeyInfo>): string {
  const running = `${counted(pin.processes, 'process', 'processes')} of uid ${pin.uid} running${kernelThreadsClause(pin)}`;
  if (pin.userRegistry !== undefined) {
    return `uid ${pin.uid}'s user keyring, kept by ${keyName(pin.userRegistry, keysById)} even after the user's last process (${running})`;
  }
  return `uid ${pin.uid}'s user keyring, kept while the user has processes (${running})`;
}

/** ", 60 of them kernel threads" (nothing when none are, or it is not known). */
export function kernelThreadsClause(pin: Extract<Pin, { kind: 'user' }>): string {
  const n = pin.kernelThreads ?? 0;
  if (n === 0) return '';
  return n === pin.processes ? `, ${n === 1 ? 'a kernel thread' : 'all kernel threads'}` : `, ${n} of them ${n === 1 ? 'a kernel thread' : 'kernel threads'}`;
}

function linkSources(pins: readonly Pin[]): number[] {
  const from: number[] = [];
  for (const pin of pins) if (pin.kind === 'link') from.push(pin.from);
  return from;
}

function nameList(ids: readonly number[], keysById: ReadonlyMap<number, KeyInfo>): string {
  const named = ids.slice(0, NAMED_LINKS).map((id) => keyName(id, keysById));
  if (ids.length > NAMED_LINKS) return `${named.join(', ')} and ${ids.length - NAMED_LINKS} more`;
  if (named.length === 1) return named[0] as string;
  return `${named.slice(0, -1).join(', ')} and ${named[named.length - 1] as string}`;
}

/** "_ses (0x1ca19b07)", or the bare id where the key is not in the snapshot. */
export function keyName(id: number, keysById: ReadonlyMap<number, KeyInfo>): string {
  const key = keysById.get(id);
  const hex = formatKeyId(id);
  return key === undefined ? hex : `${cutMiddle(key.description)} (${hex})`;
}

/** 45 s, 5 min, 2 h 5 min, 2 d 23 h: two units at most, as a person reads a countdown. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  // Each unit hands over to the next where rounding would reach it: 59.5 min reads '1 h' (the hour branch
  // rounds its minutes to 60), 23 h 59.5 min '1 d', 6 d 23.5 h '1 w' (not '60 min', '24 h', '7 d').
  if (s < 3570) return `${Math.round(s / 60)} min`;
  if (s < 86400 - 30) {
    const h = Math.floor(s / 3600);
    const m = Math.round((s % 3600) / 60);
    return m === 0 ? `${h} h` : m === 60 ? `${h + 1} h` : `${h} h ${m} min`;
  }
  if (s < 7 * 86400 - 1800) {
    const d = Math.floor(s / 86400);
    const h = Math.round((s % 86400) / 3600);
    return h === 0 ? `${d} d` : h === 24 ? `${d + 1} d` : `${d} d ${h} h`;
  }
  // Weeks from a week on, as /proc/keys counts them: 4294967295 s is `7101 w 3 d` here and `7101w` there.
  const w = Math.floor(s / (7 * 86400));
  const d = Math.round((s % (7 * 86400)) / 86400);
  return d === 0 ? `${w} w` : d === 7 ? `${w + 1} w` : `${w} w ${d} d`;
}
