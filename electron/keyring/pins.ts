// Pins: why the kernel keeps each key alive, and when it will collect the ones it will not keep.
// Pure: snapshot and environment facts in, annotated snapshot out (no fs, no keyctl).
//
// What the kernel counts (security/keys, checked on Linux 6.18):
//  - key->usage is a plain reference count: one per keyring link, one per struct cred that names the key
//    as its thread/process/session keyring, plus any the kernel holds (a user namespace's `.user_reg` and
//    `.persistent_register`, request_key authorisations, in-kernel users). Nothing else: a fresh user key
//    linked once has usage 1, each further link adds exactly 1, and neither reading /proc/keys nor
//    KEYCTL_READ leaves a reference behind. So usage minus the links we can see is held by credentials,
//    by keyrings this process cannot read, or by the kernel.
//  - Credentials are counted per cred object, not per process: threads share one; every open file keeps
//    the cred it was opened with (f_cred), the executable included. So a process that exec'd inside a
//    session counts twice (its cred, and the pre-exec cred its mm->exe_file holds): a child spawned from
//    a session adds 2 to the session keyring's usage (pins.test.ts checks it). A process that joined its
//    session after exec (keyctl session, or our tests) counts once. So the `credentials` count is
//    references, not processes.
//  - An unlink drops its reference only after an RCU grace period (the keyring's old array is freed by
//    call_rcu), so for a moment after an unlink usage is one higher than the links: a transient
//    `credentials` count of 1 that the next poll corrects.
//  - Since Linux 5.3 `_uid.N` / `_uid_ses.N` live in the user namespace's `.user_reg` keyring and no cred
//    references them: they outlive the user's last process until the namespace goes. Before 5.3 the
//    user_struct held them, i.e. they lived exactly as long as the user had processes.
//  - A key's expiry and its revocation time share one field (union { expiry; revoked_at; }): revoking
//    sets it to now, which is why /proc/keys shows a revoked key's timeout as `expd`. The collector
//    (gc.c, key_is_dead) removes a key once expiry + gc_delay has passed, or at once when it is
//    invalidated, dead (type unregistered) or of an INSTANT_REAP type (dns_resolver), or when its usage
//    reaches 0 (key_put schedules the collector straight away).
//  - Revoking a keyring also clears it (keyring_revoke): its members lose that link at once.
//  - Negative keys get their expiry from the rejecting timeout (key_reject_and_link), then go like
//    expired keys; one whose timeout was cleared afterwards stays until nothing references it.
//  - Measured here: keys revoked at T, and a key that expired at T+4 s, vanished from /proc/keys in the
//    same collector pass between T+302 s and T+312 s (gc_delay 300).
import type { Doom, KeyInfo, Pin, ProcessRef, Snapshot } from '../../shared/snapshot';
import { isWindow } from '../../shared/expiry';
import { decodeFlags } from '../../shared/flags';

export interface PinEnvironment {
  /** Epoch ms the analysis takes as "now" (timers that ran out before it are expired). */
  now: number;
  /** Live processes per real uid (from /proc/[pid]/status). */
  processesByUid: ReadonlyMap<number, number>;
  /** The first few of them by pid that are not kernel threads, with their command (absent: not read). */
  processListByUid?: ReadonlyMap<number, readonly ProcessRef[]>;
  /** How many of processesByUid are kernel threads (absent: not read; a uid with none: absent). */
  kernelThreadsByUid?: ReadonlyMap<number, number>;
  /** /proc/sys/kernel/keys/gc_delay. */
  gcDelaySeconds: number;
  /** /proc/sys/kernel/keys/persistent_keyring_expiry: what each KEYCTL_GET_PERSISTENT sets the timer back to. */
  persistentExpirySeconds: number;
  /** Linux >= 5.3: `.user_reg` links `_uid.N` / `_uid_ses.N` and keeps them past the user's last process. */
  userRegistryKeepsUserKeyrings: boolean;
}

const USER_KEYRING = /^_uid(?:_ses)?\.(\d+)$/;
const PERSISTENT_KEYRING = /^_persistent\.\d+$/;
const USER_REGISTRY = '.user_reg';
/** Key types the collector reaps at expiry, without waiting gc_delay (KEY_TYPE_INSTANT_REAP). */
const INSTANT_REAP_TYPES: ReadonlySet<string> = new Set(['dns_resolver']);

/**
 * Returns a new snapshot whose keys carry `pins` and `doomed`; the input is left untouched. O(keys + links).
 *
 * `previous` (optional, the last annotated snapshot) steadies one estimate so it does not "change" on every
 * poll: a doomed key keeps its earlier collection bound (/proc/keys shows a revoked key as `expd` without saying since when, so a first
 * sighting can only bound its collection by now + gc_delay).
 */
export function withPins(snapshot: Snapshot, env: PinEnvironment, previous?: Snapshot): Snapshot {
  // Object.assign copies a key several times faster than object spread in V8 (measured at 40k keys).
  const keys = new Array<KeyInfo>(snapshot.keys.length);
  for (let i = 0; i < keys.length; i++) keys[i] = Object.assign({}, snapshot.keys[i] as KeyInfo);
  return annotatePins({ ...snapshot, keys }, env, previous);
}

/**
 * withPins without the copy, for a caller that owns a fresh snapshot (the scanner's, each poll): sets `pins`
 * and `doomed` on its keys in place and returns the same snapshot. About twice as fast at 40k keys.
 */
export function annotatePins(snapshot: Snapshot, env: PinEnvironment, previous?: Snapshot): Snapshot {
  const context = pinContext(snapshot.keys, snapshot, env, previous);
  for (const key of snapshot.keys) annotateKey(key, context);
  return snapshot;
}

/** member id -> the link pin(s) of the keyrings that hold it: a Map, or the scanner's row-indexed RowMap. */
export interface InboundLinks {
  get(id: number): LinkPin | LinkPin[] | undefined;
  set(id: number, pins: LinkPin | LinkPin[]): unknown;
  /** The same by table row (RowMap), for keyrings that say their members' rows (`linkRows`). */
  getAt?(row: number): LinkPin | LinkPin[] | undefined;
  setAt?(row: number, pins: LinkPin | LinkPin[]): unknown;
}

/** A keyring as the pin analysis reads it; `linkRows`: its members' table rows, aligned with `links` (-1: none). */
export type KeyringLinks = Pick<KeyInfo, 'id' | 'type' | 'description' | 'links'> & { linkRows?: ArrayLike<number> | null };

/** What pinning one key needs to know about the others: built once per snapshot (pinContext). */
export interface PinContext {
  readonly inbound: InboundLinks;
  readonly registries: ReadonlySet<number>;
  readonly earlier: ReadonlyMap<number, KeyInfo> | null;
  readonly states: StateCache;
  readonly anchors: Snapshot['anchors'];
  readonly takenAt: number;
  readonly env: PinEnvironment;
}

/**
 * The context for pinning the keys of one snapshot. `keyrings` are its keyrings (any other keys are ignored),
 * in serial order, with their `links`: a caller that writes keys out one batch at a time (the CLI's JSON)
 * passes just those, and annotates each key with annotateKey() as it goes.
 */
export function pinContext(
  keyrings: Iterable<KeyringLinks>,
  snapshot: Pick<Snapshot, 'anchors' | 'takenAt'>,
  env: PinEnvironment,
  previous?: Snapshot,
  inbound: InboundLinks = new Map<number, LinkPin | LinkPin[]>(),
): PinContext {
  const registries = new Set<number>();
  for (const key of keyrings) {
    if (key.type !== 'keyring') continue;
    if (isUserRegistry(key.description)) registries.add(key.id);
    addInboundLinks(inbound, key.id, key.links, key.linkRows);
  }
  return pinContextOfLinks(inbound, registries, snapshot, env, previous);
}

/** Whether a keyring with this description is a user registry (its links keep user keyrings: userKeyringPin). */
export function isUserRegistry(description: string): boolean {
  return description === USER_REGISTRY;
}

/**
 * pinContext for links gathered elsewhere: `inbound` holds what pinContext's own loop would have put there (the
 * key records' module builds them, keyRecordsJson.ts), `registries` the user registries among the keyrings.
 */
export function pinContextOfLinks(
  inbound: InboundLinks,
  registries: ReadonlySet<number>,
  snapshot: Pick<Snapshot, 'anchors' | 'takenAt'>,
  env: PinEnvironment,
  previous?: Snapshot,
): PinContext {
  return {
    inbound,
    registries,
    earlier: previous === undefined ? null : doomedById(previous.keys),
    states: new StateCache(),
    anchors: snapshot.anchors,
    takenAt: snapshot.takenAt,
    env,
  };
}

/**
 * The context of a poll whose keyrings, links and anchors are those `context` was built for (a quiet poll,
 * quietPoll.ts): the links are reused, the time and environment are this poll's. `candidates`: keys of `previous`
 * that include every doomed one (a quiet poll knows them), else all its keys are looked through.
 */
export function pinContextAgain(context: PinContext, takenAt: number, env: PinEnvironment, previous: Snapshot, candidates?: readonly KeyInfo[]): PinContext {
  return { ...context, earlier: doomedById(candidates ?? previous.keys), states: new StateCache(), takenAt, env };
}

/** Sets `pins` and `doomed` on one key. */
export function annotateKey(key: KeyInfo, context: PinContext): void {
  const { env } = context;
  const from = context.inbound.get(key.id);
  const linkCount = from === undefined ? 0 : Array.isArray(from) ? from.length : 1;
  const pins: Pin[] = from === undefined ? [] : Array.isArray(from) ? from.slice() : [from];

  const unexplained = key.usage - linkCount;
  if (unexplained > 0) pins.push({ kind: 'credentials', count: unexplained });

  if (key.type === 'keyring') {
    const userPin = userKeyringPin(key, from, context.registries, context.anchors.user, context.anchors.userSession, env);
    if (userPin !== null) pins.push(userPin);
  }

  const state = context.states.get(key.flags, key.timeout);
  // Past the window's end it has expired for sure, even if this scan's column still counted down.
  const expired = state.expired || (isWindow(key.expiry) && key.expiry.to <= env.now);
  const before = context.earlier?.get(key.id);
  if (key.expiry !== null && !expired && !state.revoked) pins.push(timerPin(key, env));

  let doomed = doomOf(key, state, expired, linkCount > 0 || unexplained > 0, env);
  const earlierDoom = doomed === null ? null : before?.doomed;
  if (doomed !== null && earlierDoom && earlierDoom.reason === doomed.reason && earlierDoom.collectAfter !== null) {
    doomed = { reason: doomed.reason, collectAfter: Math.min(earlierDoom.collectAfter, doomed.collectAfter ?? Infinity) };
  }

  key.pins = pins;
  key.doomed = doomed;
}

export type LinkPin = Extract<Pin, { kind: 'link' }>;

/**
 * Adds a keyring's links to `inbound` (member id -> the link pin(s) of the keyrings whose member lists hold
 * it). One frozen pin object per keyring is shared by all its members, and a key with a single parent (most
 * keys) maps to the bare pin: 40k keys cost 400 pins, not 40k pins and 40k arrays.
 */
function addInboundLinks(
  inbound: InboundLinks,
  ring: number,
  links: readonly number[] | null | undefined,
  linkRows: ArrayLike<number> | null | undefined,
): void {
  if (links === undefined || links === null || links.length === 0) return;
  const pin: LinkPin = Object.freeze({ kind: 'link', from: ring });
  // By row where the caller knows it: 40k keys' lookups by serial were a third of the CLI's pinContext.
  const rows = linkRows !== undefined && linkRows !== null && inbound.getAt !== undefined && inbound.setAt !== undefined ? linkRows : null;
  for (let i = 0; i < links.length; i++) {
    const member = links[i] as number;
    const row = rows === null ? -1 : (rows[i] as number);
    const seen = row >= 0 ? inbound.getAt!(row) : inbound.get(member);
    if (Array.isArray(seen)) seen.push(pin);
    else {
      const pins = seen === undefined ? pin : [seen, pin];
      if (row >= 0) inbound.setAt!(row, pins);
      else inbound.set(member, pins);
    }
  }
}

/** The expiry timer (when it fires is the key's `expiry`: one place for that fact). */
function timerPin(key: KeyInfo, env: PinEnvironment): Pin {
  if (key.type === 'keyring' && PERSISTENT_KEYRING.test(key.description)) {
    return { kind: 'timer', renewalSeconds: env.persistentExpirySeconds, renewedBy: 'KEYCTL_GET_PERSISTENT' };
  }
  return TIMER_PIN;
}

const TIMER_PIN: Pin = Object.freeze({ kind: 'timer' });

type KeyState = ReturnType<typeof decodeFlags>;

/** decodeFlags per distinct (flags, expd) pair: a snapshot holds thousands of keys but a handful of flag strings. */
export class StateCache {
  private readonly cache = new Map<string, KeyState>();
  get(flags: string, timeout: string): KeyState {
    const cacheKey = timeout === 'expd' ? `${flags}!` : flags;
    let state = this.cache.get(cacheKey);
    if (state === undefined) {
      state = decodeFlags(flags, timeout === 'expd' ? 'expd' : 'perm');
      this.cache.set(cacheKey, state);
    }
    return state;
  }
}

/** The previous keys whose doom bounds we may keep: only doomed ones (few), not all 40k. */
function doomedById(keys: readonly KeyInfo[]): Map<number, KeyInfo> {
  const byId = new Map<number, KeyInfo>();
  for (const key of keys) if (key.doomed) byId.set(key.id, key);
  return byId;
}

/** Whether the key's pins depend on which processes run (PinEnvironment's processesByUid, processListByUid, kernelThreadsByUid). */
export function pinsNameProcesses(key: Pick<KeyInfo, 'type' | 'description'>): boolean {
  return key.type === 'keyring' && USER_KEYRING.test(key.description);
}

/**
 * `_uid.N` / `_uid_ses.N`. Anyone may name a keyring `_uid.0`, so the name alone is not enough on 5.3+:
 * the real ones are linked from `.user_reg` (or are this process's user anchors, if the registry is not
 * visible). Before 5.3 there is no registry to check, and the name is all we have.
 */
function userKeyringPin(
  key: KeyInfo,
  from: LinkPin | readonly LinkPin[] | undefined,
  registries: ReadonlySet<number>,
  userAnchor: number | null,
  userSessionAnchor: number | null,
  env: PinEnvironment,
): Pin | null {
  const match = USER_KEYRING.exec(key.description);
  if (match === null) return null;
  const links: readonly LinkPin[] = from === undefined ? [] : Array.isArray(from) ? from : [from as LinkPin];
  const registry = links.find((pin) => registries.has(pin.from))?.from;
  const isAnchor = key.id === userAnchor || key.id === userSessionAnchor;
  if (env.userRegistryKeepsUserKeyrings && registry === undefined && !isAnchor) return null;
  const uid = Number(match[1]);
  const processes = env.processesByUid.get(uid) ?? 0;
  const pin: Extract<Pin, { kind: 'user' }> =
    env.userRegistryKeepsUserKeyrings && registry !== undefined ? { kind: 'user', uid, processes, userRegistry: registry } : { kind: 'user', uid, processes };
  // Only `_uid.N` names them: it is the keyring the seed's rule is about ("pinned while processes with that
  // real uid run"); `_uid_ses.N` hangs off it.
  const list = env.processListByUid?.get(uid);
  if (list !== undefined && key.description.startsWith('_uid.')) pin.processList = [...list];
  const kernelThreads = env.kernelThreadsByUid?.get(uid);
  if (kernelThreads !== undefined) pin.kernelThreads = kernelThreads;
  return pin;
}

/** When and why the collector will take the key, whatever links it; null if nothing dooms it. */
function doomOf(
  key: KeyInfo,
  state: KeyState,
  expired: boolean,
  held: boolean,
  env: PinEnvironment,
): Doom | null {
  const now = env.now;
  // Collected on the collector's next pass, which these states schedule immediately.
  if (state.invalidated) return { reason: 'invalidated', collectAfter: now };
  if (state.dead) return { reason: 'dead', collectAfter: now };

  const delayMs = INSTANT_REAP_TYPES.has(key.type) ? 0 : env.gcDelaySeconds * 1000;
  // Expiry (or revocation: the same field): at the latest the window's end, and no later than now once
  // passed (`expd` says it has passed, not when). The collector may come any time before the bound.
  const latest = isWindow(key.expiry) ? key.expiry.to : null;
  const deathAt = latest === null ? now : Math.min(latest, now);
  if (state.revoked) return { reason: 'revoked', collectAfter: deathAt + delayMs };
  if (state.negative) {
    // A negative key with a timeout is collected like an expired one; without, only when unreferenced.
    if (latest === null) return { reason: 'negative', collectAfter: null };
    return { reason: 'negative', collectAfter: (expired ? deathAt : latest) + delayMs };
  }
  if (expired) return { reason: 'expired', collectAfter: deathAt + delayMs };

  // Every reference is either a visible link or in the credentials count, so with neither, usage is 0:
  // key_put has already scheduled the collector. Only a scan racing with the last unlink sees this.
  if (!held) return { reason: 'unpinned', collectAfter: now };
  return null;
}
