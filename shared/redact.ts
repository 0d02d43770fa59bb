// Redaction for sharing a snapshot or a picture of it: descriptions become a per-export alias by type
// ("user key #3", "keyring #2"), ids are renumbered, uids/gids are kept or renumbered. Pure and
// deterministic: the same snapshot and options give the same output, byte for byte.
//
// What survives on purpose: names the kernel itself assigns (they say what a keyring is, not what the
// user stored): `_ses`, `_tid`, `_pid`, `_uid.N`, `_uid_ses.N`, `_persistent.N` (N follows the uid
// mapping), and keyrings whose name starts with '.' (userspace cannot create those: add_key refuses a
// keyring description starting with '.' with EPERM, so `.user_reg`, `.dns_resolver`, … are kernel-made).
// Kerberos' fixed role names survive too (they are krb5's, not the user's): `_krb`, `krb_ccache:primary`,
// `__krb5_princ__`, `__krb5_time_offsets__`, and the entry name of `krb5_ccache_conf_data/<name>/…`; a named
// collection `_krb_<name>` keeps its prefix only (`_krb_collection#1`). Principals, realms and cache names go.
// Aliases are numbered in tree order (anchors first, depth first along the kernel's link order, then the
// rest by description, then type; keys alike in both in serial order), so the same tree gets the same
// aliases run after run whatever serials it got.
// Types, permission masks, flags, usage counts, timeouts, payload lengths and pins' counts are kept: they
// are the point of the picture and carry nothing the user typed (a payload's length, not its bytes; the quota
// popover's bytes then count the aliases' lengths, not the descriptions'). User names become `user<uid>` (after the uid mapping;
// root and nobody keep theirs), and the commands of the processes that pin a user keyring become `process`.
//
// Every redacted object is built from an explicit field list, so a field added to KeyInfo later does
// not leak through an export until someone decides here how to redact it.
import { isWindow } from './expiry';
import type { Anchors, Doom, KeyInfo, Pin, QuotaInfo, Snapshot } from './snapshot';

export interface RedactOptions {
  /** 'replace' renumbers uids and gids (1000, 1001, … in order of appearance; 0 and 65534 stay). */
  uids: 'keep' | 'replace';
}

export interface Redaction {
  snapshot: Snapshot;
  /** Original id → redacted id (any id: keys, link members, anchors, pins; identity when not redacting). */
  id(originalId: number): number;
  /** Original uid → shown uid (identity when uids are kept). */
  uid(uid: number): number;
  /** The redacted key for an original id, if the snapshot has it. */
  keyOf(originalId: number): KeyInfo | undefined;
}

/** Redacted ids start here: they print as `10000001`, `10000002`, … and cannot be mistaken for live serials. */
export const REDACTED_ID_BASE = 0x10000000;
/** Renumbered uids and gids start here. */
export const REDACTED_UID_BASE = 1000;
/** Root and "no group/nobody" are well-known values, not identities: kept even when uids are replaced. */
const WELL_KNOWN_IDS = new Set([0, 65534]);

const KERNEL_FIXED_NAMES = new Set(['_ses', '_tid', '_pid']);
const KERNEL_UID_NAME = /^(_uid|_uid_ses|_persistent)\.(\d+)$/;

/** Whether a description is one the kernel assigns (and so may be shown in a redacted export). */
export function isKernelAssignedName(type: string, description: string): boolean {
  if (type !== 'keyring') return false;
  return KERNEL_FIXED_NAMES.has(description) || KERNEL_UID_NAME.test(description) || description.startsWith('.');
}

const KRB5_FIXED_KEYS = new Set(['krb_ccache:primary', '__krb5_princ__', '__krb5_time_offsets__']);
const KRB5_CONF = /^krb5_ccache_conf_data\/([^/@]+)/;

/**
 * The redacted form of a krb5 fixed name, or null when `description` is not one. `n` numbers named collections.
 */
export function krb5RedactedName(type: string, description: string, n: () => number): string | null {
  if (type === 'keyring') {
    if (description === '_krb') return description;
    if (description.startsWith('_krb_')) return `_krb_collection#${n()}`;
    return null;
  }
  if (type !== 'user' && type !== 'big_key') return null;
  if (KRB5_FIXED_KEYS.has(description)) return description;
  const conf = KRB5_CONF.exec(description);
  return conf ? `krb5_ccache_conf_data/${conf[1]}/…` : null;
}

/** Keys in tree order: from the anchors depth first along each keyring's links, then the rest by description. */
export function treeOrder(snapshot: Snapshot): KeyInfo[] {
  const byId = new Map(snapshot.keys.map((k) => [k.id, k]));
  const out: KeyInfo[] = [];
  const seen = new Set<number>();
  const visit = (id: number): void => {
    const stack = [id];
    while (stack.length > 0) {
      const next = stack.pop() as number;
      const k = byId.get(next);
      if (k === undefined || seen.has(next)) continue;
      seen.add(next);
      out.push(k);
      const links = k.links ?? [];
      for (let i = links.length - 1; i >= 0; i--) stack.push(links[i] as number);
    }
  };
  for (const name of ['thread', 'process', 'session', 'userSession', 'user', 'persistent'] as const) {
    const id = snapshot.anchors[name];
    if (id != null) visit(id);
  }
  const rest = snapshot.keys.filter((k) => !seen.has(k.id));
  rest.sort((a, b) => (a.description < b.description ? -1 : a.description > b.description ? 1 : a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  for (const k of rest) visit(k.id);
  return out;
}

/** "keyring #2", "user key #3", "asymmetric key #1". */
export function aliasFor(type: string, n: number): string {
  return type === 'keyring' ? `keyring #${n}` : `${type} key #${n}`;
}

/** Assigns numbers in order of first appearance, keeping the well-known ones. */
class Renumber {
  private readonly map = new Map<number, number>();
  private next: number;
  constructor(base: number, private readonly keep: (v: number) => boolean = () => false) {
    this.next = base;
  }
  see(v: number): void {
    if (!this.map.has(v) && !this.keep(v)) this.map.set(v, this.next++);
  }
  get(v: number): number {
    this.see(v);
    return this.map.get(v) ?? v;
  }
  entries(): ReadonlyMap<number, number> {
    return this.map;
  }
}

export function buildRedaction(snapshot: Snapshot, options: RedactOptions): Redaction {
  const ids = new Renumber(REDACTED_ID_BASE);
  // Keys first, in snapshot order, so a key's redacted id follows its position. An id the snapshot names
  // but does not hold (a member this process cannot see, an anchor or `.user_reg` it cannot view) is
  // numbered after them, as remapSnapshot meets it: the same id gets the same number wherever it appears.
  for (const k of snapshot.keys) ids.see(k.id);

  const replace = options.uids === 'replace';
  const uids = new Renumber(REDACTED_UID_BASE, (v) => !replace || WELL_KNOWN_IDS.has(v));
  const gids = new Renumber(REDACTED_UID_BASE, (v) => !replace || WELL_KNOWN_IDS.has(v));
  uids.see(snapshot.uid);
  gids.see(snapshot.gid);
  for (const g of snapshot.groups) gids.see(g);
  for (const k of snapshot.keys) {
    uids.see(k.uid);
    gids.see(k.gid);
  }
  for (const q of snapshot.quotas) uids.see(q.uid);

  const id = (v: number) => ids.get(v);
  const uid = (v: number) => uids.get(v);
  const gid = (v: number) => gids.get(v);

  // Names decided in tree order (see the header), looked up as remapSnapshot asks in snapshot order.
  const perType = new Map<string, number>();
  let collections = 0;
  const names = new Map<number, string>();
  for (const k of treeOrder(snapshot)) {
    let name: string | null = null;
    if (isKernelAssignedName(k.type, k.description)) {
      const m = KERNEL_UID_NAME.exec(k.description);
      name = m ? `${m[1]}.${uid(Number(m[2]))}` : k.description;
    } else name = krb5RedactedName(k.type, k.description, () => ++collections);
    if (name === null) {
      const n = (perType.get(k.type) ?? 0) + 1;
      perType.set(k.type, n);
      name = aliasFor(k.type, n);
    }
    names.set(k.id, name);
  }
  const describe = (k: KeyInfo): string => names.get(k.id) ?? aliasFor(k.type, 0);

  const redacted = remapSnapshot(snapshot, { id, uid, gid, description: describe });
  const keys = redacted.keys;
  const byId = new Map(keys.map((k) => [k.id, k]));
  const idMap = ids.entries();
  return {
    snapshot: redacted,
    id,
    uid,
    keyOf: (originalId) => {
      const r = idMap.get(originalId);
      return r == null ? undefined : byId.get(r);
    },
  };
}

/** The redacted copy of a snapshot (see the header for what is kept). */
export function redactSnapshot(snapshot: Snapshot, options: RedactOptions): Snapshot {
  return buildRedaction(snapshot, options).snapshot;
}

/** A Redaction that changes nothing, so pictures have one code path whether or not they redact. */
export function identityRedaction(snapshot: Snapshot): Redaction {
  const byId = new Map(snapshot.keys.map((k) => [k.id, k]));
  return { snapshot, id: (v) => v, uid: (v) => v, keyOf: (id) => byId.get(id) };
}

/** How one redaction maps what it rewrites; each function is called in snapshot order (keys first). */
export interface SnapshotMapping {
  id(v: number): number;
  uid(v: number): number;
  gid(v: number): number;
  description(k: KeyInfo): string;
}

/**
 * A copy of the snapshot with ids, uids, gids and descriptions passed through `map`, built from explicit
 * field lists: a field added to KeyInfo later reaches no redacted output until someone decides here how
 * to redact it. Shared by exports (one mapping per export) and redacted screenshots (one stable mapping
 * for a whole run, electron/cli/redactingSource.ts).
 */
export function remapSnapshot(snapshot: Snapshot, map: SnapshotMapping): Snapshot {
  const { id, uid, gid } = map;
  const pin = (p: Pin): Pin => {
    switch (p.kind) {
      case 'link':
        return { kind: 'link', from: id(p.from) };
      case 'credentials':
        return { kind: 'credentials', count: p.count };
      case 'timer': {
        const out: Extract<Pin, { kind: 'timer' }> = { kind: 'timer' };
        if (p.renewalSeconds != null) out.renewalSeconds = p.renewalSeconds;
        if (p.renewedBy != null) out.renewedBy = p.renewedBy;
        return out;
      }
      case 'user': {
        const out: Pin = { kind: 'user', uid: uid(p.uid), processes: p.processes };
        if (p.kernelThreads != null) out.kernelThreads = p.kernelThreads;
        if (p.userRegistry != null) out.userRegistry = id(p.userRegistry);
        if (p.processList !== undefined) out.processList = p.processList.map((r) => ({ pid: r.pid, command: 'process' }));
        return out;
      }
    }
  };
  const doom = (d: Doom): Doom => ({ reason: d.reason, collectAfter: d.collectAfter });
  const keys: KeyInfo[] = snapshot.keys.map((k) => {
    const out: KeyInfo = {
      id: id(k.id),
      type: k.type,
      description: map.description(k),
      uid: uid(k.uid),
      gid: gid(k.gid),
      perm: k.perm,
      flags: k.flags,
      usage: k.usage,
      timeout: k.timeout,
      expiry: isWindow(k.expiry) ? { from: k.expiry.from, to: k.expiry.to, ...(k.expiry.since === undefined ? {} : { since: k.expiry.since }) } : k.expiry,
      possessed: k.possessed,
      orphan: k.orphan,
    };
    if (k.payloadLength !== undefined) out.payloadLength = k.payloadLength;
    if (k.possessionUnknown === true) out.possessionUnknown = true;
    if (k.links !== undefined) out.links = k.links === null ? null : k.links.map(id);
    if (k.pins !== undefined) out.pins = k.pins.map(pin);
    if (k.doomed !== undefined) out.doomed = k.doomed === null ? null : doom(k.doomed);
    if (k.seenBy !== undefined) out.seenBy = remapScopeLabels(k.seenBy, uid);
    return out;
  });
  const a = snapshot.anchors;
  const opt = (v: number | null) => (v == null ? null : id(v));
  const anchors: Anchors = {
    thread: opt(a.thread),
    process: opt(a.process),
    session: opt(a.session),
    user: opt(a.user),
    userSession: opt(a.userSession),
    persistent: opt(a.persistent),
  };
  const quotas: QuotaInfo[] = snapshot.quotas.map((q) => ({
    uid: uid(q.uid),
    name: redactedUserName(q, uid),
    usage: q.usage,
    nkeys: q.nkeys,
    nikeys: q.nikeys,
    qnkeys: q.qnkeys,
    maxkeys: q.maxkeys,
    qnbytes: q.qnbytes,
    maxbytes: q.maxbytes,
  }));
  const out: Snapshot = {
    takenAt: snapshot.takenAt,
    uid: uid(snapshot.uid),
    gid: gid(snapshot.gid),
    groups: snapshot.groups.map(gid),
    anchors,
    keys,
    quotas,
  };
  if (snapshot.scope !== undefined) out.scope = snapshot.scope.kind === 'uid' ? { kind: 'uid', uid: uid(snapshot.scope.uid) } : { kind: snapshot.scope.kind };
  return out;
}

/** A user's name in redacted output: root and nobody keep theirs (not identities), others become `user<uid>`. */
function redactedUserName(q: QuotaInfo, uid: (v: number) => number): string | null {
  if (q.name === null) return null;
  return WELL_KNOWN_IDS.has(q.uid) ? q.name : `user${uid(q.uid)}`;
}

/**
 * The words scopeLabel writes: 'uid 1000' → 'uid <mapped>', 'process' and 'all' as they are. Any other label
 * (a snapshot file may hold any string there) is dropped rather than copied: it could name anyone.
 */
function remapScopeLabels(labels: readonly string[], uid: (v: number) => number): string[] {
  const out: string[] = [];
  for (const label of labels) {
    const m = /^uid (\d+)$/.exec(label);
    if (m) out.push(`uid ${uid(Number(m[1]))}`);
    else if (label === 'process' || label === 'all') out.push(label);
  }
  return out;
}
