// The quiet poll: most polls find nothing changed, and proving that costs far less than a scan. A poll may
// reuse the last snapshot only when every input the scan derives it from is the same as last time:
//  - the reader's /proc/keys text, byte for byte (every key's flags, usage, timeout column, permissions, owner
//    and description; a keyring's member count). /proc/key-users is parsed again every poll (it is small, and
//    any key added or removed anywhere by the same uid changes it);
//  - the member list of every keyring the last scan read, re-read now and compared in order. The lines alone
//    cannot vouch for them: swap two same-named keys between two keyrings (linking a key into a keyring that
//    holds one of the same type and description replaces it) and every count and usage is as before
//    (quietPoll.test.ts shows it on this kernel);
//  - the members the possessing side could not describe (EACCES) in keyrings it possesses still cannot be: a
//    permission change that lets a possessor view one of them is invisible to the reader's text (elsewhere such a
//    member must become viewable to the reader first, and then it appears in its text);
//  - the process's thread, process and session keyrings;
//  - the kernel's key settings the pin analysis uses (gc_delay, the persistent keyring's expiry).
// And the last scan must have been a plain one: no possessor-only keys (their rows come from another read),
// no key that vanished mid-scan, no re-read, the process's own view.
// What time alone changes is recomputed: a key with a timeout and every doomed key get their pins and doom again
// with this read's expiry window; so do the user keyrings when the processes changed (their pins count and name
// them: on a busy machine processes come and go all the time). So a quiet poll's snapshot is the one a full scan
// would make, but that a key whose record is as it was keeps the window it was read with (still true: its column
// has not changed since); the service reads such a column at each poll's time (shared/expiry.ts ExpiryTracker).
import { expiryFromColumn } from '../../shared/expiry';
import { keyChanges } from '../../shared/delta';
import { headOf, KeyRows, rowsOf, snapshotOfRows } from '../../shared/keyRows';
import type { KeyInfo, QuotaInfo, Snapshot } from '../../shared/snapshot';
import type { ProcessAnchors } from './anchors';
import { effectivePerm, PERM_BITS, type Observer } from '../../shared/perm';
import type { KeyTable } from './keyTable';
import { annotateKey, type InboundLinks, type LinkPin, type PinContext, type PinEnvironment, pinContextAgain, pinsNameProcesses } from './pins';
import { searchableWhenPossessed } from './possession';

/** What a full scan leaves for the next poll to compare with. */
export interface QuietMemo {
  /** Member lists as the snapshot shows them (helper keyrings left out), by keyring. */
  members: ReadonlyMap<number, readonly number[] | null>;
  /**
   * The bytes KEYCTL_READ gave for keyrings' lists at the last poll (PossessingSide.readChangedMembers), each the
   * list in `members` once the helper keyrings are left out: a list read as the same bytes is unchanged. Filled
   * and updated by quiet polls; a full scan starts it empty.
   */
  memberBytes: Map<number, Uint8Array>;
  /** Members the possessing side may not even view, listed by keyrings it possesses. */
  unviewable: readonly number[];
  /**
   * Whether the kernel's possession search goes through something the scan could not list (possessionUnknown.ts):
   * then which keys' possession is unknown rests on every key's usage and every link, and a change scans in full.
   */
  throughHidden: boolean;
  /**
   * Whether the scan read every keyring the snapshot says we possess: then its possession walk is the kernel's
   * (keyringsToReadAgain).
   */
  possessedAllRead: boolean;
  /** The scan's helper keyrings (left out of member lists). */
  hidden: ReadonlySet<number>;
  anchors: ProcessAnchors;
  /**
   * With other users' views merged in: the `seenBy` of a key only this process's reader lists ('process' and the
   * uids whose view is the reader's text). Its changes apply only to such keys (changedKeys).
   */
  readerLabels?: readonly string[];
  /** Whose possession and permissions the snapshot judged. */
  who: Observer;
  env: PinEnvironment;
  pins: PinContext;
  snapshot: Snapshot;
}

/**
 * The keyrings a quiet poll reads again: every one the last scan read, but those the kernel is sure to refuse
 * again. KEYCTL_READ gives a keyring's members to a caller whose bits as a non-possessor (user, group or other, by
 * its fsuid, fsgid and groups) grant READ, or who possesses it (keyctl_read_key: "see if it's searchable from this
 * process's keyrings"); a security module may refuse more, never grant more. So a keyring we could not read
 * (null) stays refused while:
 *  - its /proc/keys record is as it was (`recordChanged` false: its owner, group and permissions), and its bits
 *    as a non-possessor deny READ;
 *  - we still do not possess it. Possession is a search from our anchors through keyrings we may search; when the
 *    last scan read every keyring it found us possessing (`possessedAllRead`), its walk followed every path the
 *    kernel's search can take, and a poll applies changes only after checking all that walk depends on: the lists
 *    of the keyrings we read (re-read and compared), the anchors, our groups, and each changed key's
 *    SEARCH-when-possessed bits (changedKeys). Else one of those scans in full.
 * Such keyrings are other sessions' private keyrings (`keyctl newring`'s default lets only a possessor read), of
 * which a busy machine shows root many: each refused read costs a search of all our keyrings for it. Not with
 * other users' views merged in (their lists fill ours).
 */
export function keyringsToReadAgain(memo: QuietMemo, recordChanged: (id: number) => boolean): readonly number[] {
  const { rings, status, refused } = ringPlan(memo);
  if (refused === 0) return rings;
  const again: number[] = [];
  for (let i = 0; i < rings.length; i++) {
    const ring = rings[i] as number;
    if (status[i] === REFUSED && !recordChanged(ring)) continue;
    again.push(ring);
  }
  return again;
}

/**
 * The keyrings of the last scan that we do not possess and whose bits grant us READ as a non-possessor: the reader
 * thread, which possesses nothing and has our ids and groups, reads their member lists with its /proc/keys read.
 * From the possessing side, KEYCTL_READ first decides possession (lookup_user_key searches all our keyrings for
 * the key), a search that fails for these: with 10k keys in 400 keyrings possessed, ≈ 0.1 ms of kernel time for
 * each (`.user_reg`, the user and persistent keyrings, other sessions' keyrings root may read). A keyring the
 * reader may not read after all (its permissions changed) is read by the possessing side. Not with other users'
 * views merged in (their lists fill ours).
 */
export function readableUnpossessed(memo: QuietMemo): readonly number[] {
  return ringPlan(memo).readable;
}

/**
 * What keyringsToReadAgain and readableUnpossessed say of each keyring of a memo, kept for its member lists and
 * observer. An idle poll keeps both and the keys array (never modified), and a poll that changed a few keys records
 * which (shared/keyLineage.ts): only those keyrings are looked at again, where each poll made a binary search over
 * the keys and a permission check per keyring (0.4-1.5 ms of CPU at 10k-40k keys, most of it cache misses).
 */
interface RingPlan {
  keys: KeyRows;
  who: Observer;
  possessedAllRead: boolean;
  readerLabels: QuietMemo['readerLabels'];
  /** Every keyring the last scan read, in the Map's order, and each one's index there. */
  rings: number[];
  at: Map<number, number>;
  /** Per ring: REFUSED, READABLE or 0. */
  status: Uint8Array;
  /** How many are REFUSED. */
  refused: number;
  /** The READABLE ones, in order (readableUnpossessed). */
  readable: number[];
}
/** keyringsToReadAgain may leave it out while its record stays. */
const REFUSED = 1;
/** readableUnpossessed. */
const READABLE = 2;
const ringPlans = new WeakMap<QuietMemo['members'], RingPlan>();

function ringPlan(memo: QuietMemo): RingPlan {
  const keys = keysOf(memo);
  let plan = ringPlans.get(memo.members);
  if (plan !== undefined && (plan.who !== memo.who || plan.possessedAllRead !== memo.possessedAllRead || plan.readerLabels !== memo.readerLabels)) {
    plan = undefined;
  }
  if (plan !== undefined && plan.keys === keys) return plan;
  const changed = plan === undefined ? null : KeyRows.idsThatMayDiffer(plan.keys, keys);
  if (plan === undefined || changed === null) {
    const rings = [...memo.members.keys()];
    plan = {
      keys,
      who: memo.who,
      possessedAllRead: memo.possessedAllRead,
      readerLabels: memo.readerLabels,
      rings,
      at: new Map(rings.map((ring, i) => [ring, i])),
      status: new Uint8Array(rings.length),
      refused: 0,
      readable: [],
    };
    for (let i = 0; i < rings.length; i++) plan.status[i] = ringStatus(memo, rings[i] as number);
  } else {
    plan = { ...plan, keys, status: plan.status.slice() };
    for (const id of changed) {
      const i = plan.at.get(id);
      if (i !== undefined) plan.status[i] = ringStatus(memo, id);
    }
  }
  plan.refused = 0;
  plan.readable = [];
  for (let i = 0; i < plan.rings.length; i++) {
    if (plan.status[i] === REFUSED) plan.refused++;
    else if (plan.status[i] === READABLE) plan.readable.push(plan.rings[i] as number);
  }
  ringPlans.set(memo.members, plan);
  return plan;
}

/** What keyringsToReadAgain (REFUSED) and readableUnpossessed (READABLE) say of keyring `ring` of the memo. */
function ringStatus(memo: QuietMemo, ring: number): number {
  const list = memo.members.get(ring);
  const key = keysOf(memo).get(ring);
  if (key === undefined || key.possessed) return 0;
  const readable = (effectivePerm(key, memo.who, false) & PERM_BITS.read) !== 0;
  if (list === null) return memo.possessedAllRead && memo.readerLabels === undefined && !readable ? REFUSED : 0;
  return memo.readerLabels === undefined && readable ? READABLE : 0;
}

/** Whether a list re-read now (helper keyrings still in it) is the one the snapshot shows. */
export function sameMembers(shown: readonly number[] | null, now: readonly number[] | null, hidden: ReadonlySet<number>): boolean {
  if (shown === null || now === null) return shown === now;
  let i = 0;
  for (const m of now) {
    if (hidden.has(m)) continue;
    if (shown[i++] !== m) return false;
  }
  return i === shown.length;
}

export function sameAnchors(a: ProcessAnchors, b: ProcessAnchors): boolean {
  return a.thread === b.thread && a.process === b.process && a.session === b.session;
}

/** The pin environment's kernel settings (what dooms keys, what renews a persistent keyring). */
export function sameKernelSettings(a: PinEnvironment, b: PinEnvironment): boolean {
  return (
    a.gcDelaySeconds === b.gcDelaySeconds &&
    a.persistentExpirySeconds === b.persistentExpirySeconds &&
    a.userRegistryKeepsUserKeyrings === b.userRegistryKeepsUserKeyrings
  );
}

/** The pin environment's processes (per real uid: how many, how many kernel threads, and the first few). */
export function sameProcesses(a: PinEnvironment, b: PinEnvironment): boolean {
  if (!sameCounts(a.processesByUid, b.processesByUid) || !sameCounts(a.kernelThreadsByUid, b.kernelThreadsByUid)) return false;
  const la = a.processListByUid;
  const lb = b.processListByUid;
  if (la === undefined || lb === undefined) return la === lb;
  if (la.size !== lb.size) return false;
  for (const [uid, list] of la) {
    const other = lb.get(uid);
    if (other === undefined || other.length !== list.length) return false;
    for (let i = 0; i < list.length; i++) {
      const p = list[i]!;
      const q = other[i]!;
      if (p.pid !== q.pid || p.command !== q.command) return false;
    }
  }
  return true;
}

function sameCounts(a: ReadonlyMap<number, number> | undefined, b: ReadonlyMap<number, number> | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.size !== b.size) return false;
  for (const [uid, n] of a) if (b.get(uid) !== n) return false;
  return true;
}

function sameQuotas(a: readonly QuotaInfo[], b: readonly QuotaInfo[]): boolean {
  return a.length === b.length && a.every((q, i) => (Object.keys(q) as (keyof QuotaInfo)[]).every((k) => q[k] === b[i]![k]));
}

export function sameObserver(a: Observer, b: Observer): boolean {
  return a.uid === b.uid && a.gid === b.gid && a.groups.length === b.groups.length && a.groups.every((g, i) => g === b.groups[i]);
}

/**
 * Whether changedKeys may apply a change in this keyring's member list: it was read whole, and it is neither
 * possessed nor reachable from our anchors or a kernel-held keyring (another process's session keyring, as root
 * sees them come and go all the time). Possession and reachability then flow through it to nothing, whatever it
 * holds, so its members keep theirs and gain or lose only the link itself (their pins). Not with other users'
 * views merged in, nor for a keyring the scan finds by name.
 */
export function relinkable(memo: QuietMemo, ring: number): boolean {
  if (memo.readerLabels !== undefined || !Array.isArray(memo.members.get(ring))) return false;
  const key = keysOf(memo).get(ring);
  return key !== undefined && key.type === 'keyring' && !key.possessed && key.orphan && !NAMES_THE_SCAN_LOOKS_FOR.test(key.description);
}

/**
 * For a keyring whose member list changed only in members nobody here may view (the snapshot has no key for any
 * member it gained or lost), and that we do not possess: the members it gained, which the caller must still find
 * unviewable now (else null: scan in full). `.user_reg` is the usual one: every user whose processes start or whose
 * keys go adds or drops its `_uid.N` and `_uid_ses.N` there, and root may not view other users' user keyrings.
 * Neither possession (not through a keyring we do not possess) nor reachability (to no key we have) flows through
 * such a change, and a full scan would neither walk nor show those members: only the keyring's `links` and its
 * members' link pins change. Not with other users' views merged in (theirs may view those members).
 */
export function unseenMembersChanged(memo: QuietMemo, ring: number, now: readonly number[]): number[] | null {
  const before = memo.members.get(ring);
  if (memo.readerLabels !== undefined || !Array.isArray(before)) return null;
  const keys = keysOf(memo);
  const key = keys.get(ring);
  if (key === undefined || key.type !== 'keyring' || key.possessed) return null;
  const was = new Set(before);
  const is = new Set(now);
  const unseen = (m: number): boolean => keys.get(m) === undefined;
  for (const m of before) if (!is.has(m) && !unseen(m)) return null;
  const gained = now.filter((m) => !was.has(m));
  return gained.every(unseen) ? gained : null;
}

/** The last snapshot's keys with the poll's changed, added and removed records applied (changedKeys). */
export interface ChangedKeys {
  /** In serial order. */
  keys: KeyRows;
  /** Keys whose records changed or appeared: their pins and doom are computed again. */
  fresh: ReadonlySet<KeyInfo>;
  removed: number;
  /** The serials of the keys removed. */
  removedIds: readonly number[];
  /** The member lists to compare with at the next poll (keyrings not linked from ours come and go). */
  members: ReadonlyMap<number, readonly number[] | null>;
  /** The pin context's links as they are now. */
  pins: PinContext;
}

/**
 * Applies the records that changed (`table`: parsed and named) and the serials removed to the last snapshot's
 * keys, or says why it cannot (a string: the caller scans in full). What it may apply leaves every other key's
 * possession, reachability and links as they were (the member lists were compared equal before):
 *  - a key's record changed and its type did not; for a keyring we read, nothing but its usage, member count and
 *    timeout (unless it expired: its permissions and state decide what is searched below it); for any other key, and a keyring we may not read, its
 *    SEARCH-when-possessed answer did not change (whether it is possessed depends on it and on its keyrings);
 *  - a key appeared that no keyring we read lists: nothing we can see links it, so it is neither possessed nor
 *    reachable. A keyring only if we may not read it either (`newLists`, read by the caller) and its name is
 *    none the scan looks for (kernel-held `.…` keyrings, `_uid.N`, `_uid_ses.N`, `_persistent.N`): other
 *    users' session keyrings come and go all the time on a busy machine;
 *  - a key went that no keyring we read lists, that was no anchor, and, if a keyring, one we could not read.
 * Nothing, while our possession may run through a keyring we cannot list (`throughHidden`): which keys it may
 * reach rests on every key's usage and every link (possessionUnknown.ts).
 */
export function changedKeys(
  memo: QuietMemo,
  table: KeyTable,
  removedIds: readonly number[],
  takenAt: number,
  newLists: ReadonlyMap<number, number[] | null>,
  relisted: ReadonlyMap<number, readonly number[]> = new Map(),
  agreed: ReadonlySet<number> = new Set(),
): ChangedKeys | string {
  if (memo.throughHidden && (table.length > 0 || removedIds.length > 0 || relisted.size > 0)) return 'possession may run through a keyring we cannot list';
  const prev = keysOf(memo);
  const readsOthers = memo.readerLabels !== undefined;
  /** Whether only the reader lists it (no other view, which would have changed too, and then we would not be here). */
  const onlyReaderLists = (k: KeyInfo): boolean => k.seenBy !== undefined && k.seenBy.every((l) => memo.readerLabels!.includes(l));
  const listed = (id: number): boolean => memo.pins.inbound.get(id) !== undefined;
  const unread = (id: number): boolean => memo.members.get(id) === null;
  const replaced = new Map<number, KeyInfo>();
  const added: KeyInfo[] = [];
  const fresh = new Set<KeyInfo>();
  let members: Map<number, readonly number[] | null> | null = null;
  /** Keyrings that came ([ring, members]) and went ([ring, members they had]), whose members' links change. */
  const linked: [number, readonly number[]][] = [];
  const unlinked: [number, readonly number[]][] = [];
  // Keyrings whose member lists changed (relinkable): their old links go and their new ones come.
  for (const [ring, list] of relisted) {
    unlinked.push([ring, memo.members.get(ring) as readonly number[]]);
    linked.push([ring, list]);
    (members ??= new Map(memo.members)).set(ring, list);
  }
  for (let row = 0; row < table.length; row++) {
    const id = table.id[row] as number;
    const type = table.type(row) ?? table.typeCut(row);
    const description = table.description(row) ?? table.rest(row);
    const old = prev.get(id);
    const facts = { uid: table.uid[row] as number, gid: table.gid[row] as number, perm: table.perm[row] as number };
    if (readsOthers && old !== undefined && !onlyReaderLists(old) && !agreed.has(id)) return "a key other users' views list changed";
    if (old === undefined) {
      if (listed(id)) return 'a member we could not view appeared';
      if (type === 'keyring') {
        if (NAMES_THE_SCAN_LOOKS_FOR.test(description)) return `a keyring named ${description} appeared`;
        const read = newLists.get(id) ?? null;
        const list = read === null ? null : read.filter((m) => !memo.hidden.has(m));
        (members ??= new Map(memo.members)).set(id, list);
        if (list !== null) linked.push([id, list]);
      }
    } else if (old.type !== type) {
      return 'a serial was reused';
    } else if (type === 'keyring' && !unread(id)) {
      // Its timeout matters below it only once it has expired (possession ignores key state: see possession.ts); a
      // timeout set or renewed (a persistent keyring's, which any GET_PERSISTENT renews) changes its own row alone.
      const timeout = table.timeout(row);
      const expiredOrWas = timeout !== old.timeout && (timeout === 'expd' || old.timeout === 'expd');
      if (facts.uid !== old.uid || facts.gid !== old.gid || facts.perm !== old.perm || table.flags(row) !== old.flags || expiredOrWas) {
        return `keyring ${id} changed`;
      }
    } else if (searchableWhenPossessed(facts, memo.who) !== searchableWhenPossessed(old, memo.who)) {
      return "a key's search permission changed";
    }
    const timeout = table.timeout(row);
    const key: KeyInfo = {
      id,
      type,
      description,
      uid: facts.uid,
      gid: facts.gid,
      perm: facts.perm,
      flags: table.flags(row),
      usage: table.usage[row] as number,
      timeout,
      expiry: timeout === 'perm' ? null : expiryFromColumn(timeout, takenAt, table.readAt[row] as number),
      possessed: old?.possessed ?? false,
      orphan: old?.orphan ?? true,
      pins: old?.pins ?? [],
      doomed: old?.doomed ?? null,
    };
    const payloadLength = table.payloadLength(row);
    if (payloadLength !== undefined) key.payloadLength = payloadLength;
    if (old !== undefined && 'links' in old) key.links = (relisted.get(id) as number[] | undefined) ?? old.links ?? null;
    else if (old === undefined && type === 'keyring') key.links = (members?.get(id) as number[] | undefined) ?? null;
    // Other views are as they were: a new key is listed by none of them.
    if (readsOthers) key.seenBy = old?.seenBy ?? [...(memo.readerLabels as readonly string[])];
    fresh.add(key);
    if (old === undefined) added.push(key);
    else replaced.set(id, key);
  }
  const removed = new Set<number>();
  const anchors = new Set(Object.values(memo.snapshot.anchors));
  const gone = new Set<number>();
  for (const id of removedIds) {
    const old = prev.get(id);
    if (old === undefined) continue; // a helper keyring, or never shown
    if (anchors.has(id)) return 'an anchor went';
    if (readsOthers && !onlyReaderLists(old)) return "a key other users' views list left this process's view";
    if (old.type === 'keyring') {
      if (NAMES_THE_SCAN_LOOKS_FOR.test(old.description)) return `the keyring ${old.description} went`;
      const list = memo.members.get(id);
      if (list === undefined) return 'a keyring we had not read went';
      if (list !== null) unlinked.push([id, list]);
      (members ??= new Map(memo.members)).delete(id);
    }
    gone.add(id);
    removed.add(id);
  }
  // A key that went out of /proc/keys while a keyring that stays still lists it: it went out of view.
  for (const id of removed) {
    const from = memo.pins.inbound.get(id);
    const rings = from === undefined ? [] : Array.isArray(from) ? from : [from as LinkPin];
    if (rings.some((pin) => !gone.has(pin.from) && relisted.get(pin.from)?.includes(id) !== false)) return 'a member went out of view';
  }
  // The members of keyrings that came or went: their link pins change.
  let inbound = memo.pins.inbound;
  if (linked.length > 0 || unlinked.length > 0) {
    const over = new Map<number, LinkPin | LinkPin[] | undefined>();
    const entry = (m: number): LinkPin[] => {
      const e = over.has(m) ? over.get(m) : memo.pins.inbound.get(m);
      return e === undefined ? [] : Array.isArray(e) ? [...e] : [e as LinkPin];
    };
    const set = (m: number, pins: LinkPin[]): void => void over.set(m, pins.length === 0 ? undefined : pins.length === 1 ? pins[0] : pins);
    for (const [ring, list] of unlinked) for (const m of list) set(m, entry(m).filter((pin) => pin.from !== ring));
    for (const [ring, list] of linked) {
      const pin: LinkPin = Object.freeze({ kind: 'link', from: ring });
      for (const m of list) {
        // In keyring serial order, as a full scan lists them.
        const pins = entry(m);
        const at = pins.findIndex((p) => p.from > ring);
        pins.splice(at < 0 ? pins.length : at, 0, pin);
        set(m, pins);
      }
    }
    inbound = layered(memo.pins.inbound, over);
    for (const m of over.keys()) {
      if (removed.has(m) || replaced.has(m) || added.some((k) => k.id === m)) continue;
      const old = prev.get(m);
      if (old === undefined) continue; // a member we may not view
      const copy = Object.assign({}, old);
      fresh.add(copy);
      replaced.set(m, copy);
    }
  }
  for (const [ring, list] of relisted) {
    if (replaced.has(ring)) continue; // its record changed too: made above with the new list
    const copy = Object.assign({}, replaced.get(ring) ?? prev.get(ring)!, { links: list as number[] });
    fresh.add(copy);
    replaced.set(ring, copy);
  }
  const membersNow = members ?? memo.members;
  const pins = inbound === memo.pins.inbound ? memo.pins : { ...memo.pins, inbound };
  if (replaced.size === 0 && added.length === 0 && removed.size === 0) return { keys: prev, fresh, removed: 0, removedIds: [], members: membersNow, pins };
  const keys = prev.with([...[...replaced.values()].filter((k) => !removed.has(k.id)), ...added], removed);
  return { keys, fresh, removed: removed.size, removedIds: [...removed], members: membersNow, pins };
}

/** `base` with the entries of `over` in front (undefined there: no links). */
function layered(base: InboundLinks, over: Map<number, LinkPin | LinkPin[] | undefined>): InboundLinks {
  return {
    get: (id) => (over.has(id) ? over.get(id) : base.get(id)),
    set: (id, pins) => over.set(id, pins),
  };
}

/** Keyrings the scan finds by name (kernel-held roots, the user keyrings): their coming or going changes more than their own row. */
const NAMES_THE_SCAN_LOOKS_FOR = /^\.|^_uid(?:_ses)?\.\d+$|^_persistent\.\d+$/;

/**
 * Which keys of a snapshot a quiet poll must look at though their records did not change, by id: `byTime`, the
 * keys whose expiry or doom time alone changes (a timeout, or doomed already); `byProcesses`, the other keys whose
 * pins name processes (user keyrings). Every other key stays the same object until its record changes, so a poll
 * looks at these and at the keys whose records changed rather than walk every key. By keys (rows): a snapshot's
 * keys are never modified.
 */
interface TimeBound {
  byTime: number[];
  byProcesses: number[];
}
const timeBound = new WeakMap<KeyRows, TimeBound>();

/** Whether a quiet poll looks at this key again though its record did not change (TimeBound). */
function boundByTime(key: KeyInfo): boolean {
  return key.timeout !== 'perm' || key.doomed !== null;
}

/** The memo's snapshot's keys as rows (shared/keyRows.ts: a quiet poll's are; a full scan's array in id order). */
export function keysOf(memo: QuietMemo): KeyRows {
  const rows = rowsOf(memo.snapshot);
  if (rows === null) throw new Error('a scan\'s keys are in serial order');
  return rows;
}

/**
 * The snapshot as of now: `keys` (changedKeys) with the keys whose pins or doom depend on the time recomputed (a
 * new object only where something but the window differs), the fresh keys' windows and pins computed, everything
 * else the same object. Its keys are rows over the last snapshot's (shared/keyRows.ts): a poll that changed a few
 * keys costs those, not an array of every key.
 * Once the last snapshot's TimeBound is known, only its keys and the fresh ones are looked at.
 */
export function quietSnapshot(memo: QuietMemo, changed: ChangedKeys, takenAt: number, readAt: number, env: PinEnvironment, quotas: QuotaInfo[]): Snapshot {
  const prev = memo.snapshot;
  const prevKeys = keysOf(memo);
  const processesChanged = !sameProcesses(env, memo.env);
  const source = changed.keys;
  const known = timeBound.get(prevKeys);
  const earlier = known === undefined ? undefined : known.byTime.map((id) => prevKeys.get(id)).filter((k): k is KeyInfo => k !== undefined);
  const context = pinContextAgain(changed.pins, takenAt, env, prev, earlier);
  /** Keys made again here whose pins or doom changed, beyond the window. */
  const again: KeyInfo[] = [];
  const readingNow = (key: KeyInfo): KeyInfo['expiry'] => (key.timeout === 'perm' ? null : expiryFromColumn(key.timeout, takenAt, readAt));
  const lookAgain = (old: KeyInfo): void => {
    if (changed.fresh.has(old)) {
      // Made by this poll (a copy of a key whose links changed carries the last one's window): this read's window.
      old.expiry = readingNow(old);
      annotateKey(old, context);
      return;
    }
    if (!boundByTime(old) && !(processesChanged && pinsNameProcesses(old))) return;
    const key = Object.assign({}, old);
    key.expiry = readingNow(old);
    annotateKey(key, context);
    const changes = keyChanges(old, key);
    // Only its window moved, with the clock (its column is as it was): the key stays, with the window read when its
    // record last changed, which still holds the expiry. So an idle poll makes no new keys and sends nothing for
    // it; the service's ExpiryTracker reads its column at this poll's time itself.
    if (changes === null || onlyTheWindow(changes)) return;
    again.push(key);
  };
  let candidates: Iterable<KeyInfo>;
  if (known === undefined) {
    const all = source.array();
    for (const key of all) lookAgain(key);
    candidates = all;
  } else {
    // A key outside the last lists whose record did not change is as it was, and stays outside them.
    const fresh: number[] = [];
    for (const key of changed.fresh) fresh.push(key.id);
    const ids = processesChanged ? [...known.byTime, ...known.byProcesses, ...fresh] : [...known.byTime, ...fresh];
    for (const key of keysIn(source, ids)) lookAgain(key);
    candidates = keysIn(source, [...known.byTime, ...known.byProcesses, ...fresh]);
  }
  const out = again.length === 0 ? source : source.with(again);
  if (!timeBound.has(out)) {
    const bound: TimeBound = { byTime: [], byProcesses: [] };
    for (const candidate of candidates) {
      const key = out.get(candidate.id) as KeyInfo;
      if (boundByTime(key)) bound.byTime.push(key.id);
      else if (pinsNameProcesses(key)) bound.byProcesses.push(key.id);
    }
    timeBound.set(out, bound);
  }
  return snapshotOfRows({ ...headOf(prev), takenAt, quotas: sameQuotas(prev.quotas, quotas) ? prev.quotas : quotas }, out);
}

/** Whether a key's changes are its expiry window's alone. */
function onlyTheWindow(changes: object): boolean {
  for (const field in changes) if (field !== 'expiry') return false;
  return true;
}

/** The keys of `ids` that `keys` holds, in ascending id order, each once. */
function keysIn(keys: KeyRows, ids: readonly number[]): KeyInfo[] {
  const sorted = [...ids].sort((a, b) => a - b);
  const out: KeyInfo[] = [];
  for (let n = 0; n < sorted.length; n++) {
    if (n > 0 && sorted[n - 1] === sorted[n]) continue;
    const key = keys.get(sorted[n] as number);
    if (key !== undefined) out.push(key);
  }
  return out;
}
