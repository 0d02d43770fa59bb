// `keyring-browser quota`: /proc/key-users as a table a person reads at once, with names, percentages and
// what a full quota means, then the limits from /proc/sys/kernel/keys. With --held-by, for each uid, the
// keyrings holding most of its keys and of its bytes (shared/userGroups.ts's breakdown, as the window's user
// details show it; what a key costs: shared/quotaCharge.ts), from a scan of every uid's view.
import { hexId } from '../../shared/keyIds';
import { QUOTA_LEVEL_WORDS, quotaPercent, userLabel, worstQuotaLevel } from '../../shared/quota';
import { chargesByUid, type ChargeSum } from '../../shared/quotaCharge';
import { quotaGap, quotaGapSentence } from '../../shared/quotaGap';
import { parentsOf } from '../../shared/reachability';
import type { QuotaInfo, Snapshot } from '../../shared/snapshot';
import { NO_HOLDER_WORDS, quotaBreakdown, unreadableKeyringsOf, type QuotaHolder } from '../../shared/userGroups';
import type { KeyLimits } from '../keyring/keyLimits';
import { counted } from '../../shared/text';

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

/** `only`: the uid --uid asked for, to say so when it has no row. */
export function renderQuotaTable(quotas: readonly QuotaInfo[], limits: KeyLimits, only: number | null = null): string {
  const header = ['UID', 'USER', 'KEYS', '%', 'BYTES', '%', 'OWNED', 'REFS', 'STATE'];
  const rows = [...quotas]
    .sort((a, b) => a.uid - b.uid)
    .map((q) => [
      String(q.uid),
      q.name ?? '?',
      `${q.qnkeys}/${q.maxkeys}`,
      `${quotaPercent(q.qnkeys, q.maxkeys)}%`,
      `${q.qnbytes}/${q.maxbytes}`,
      `${quotaPercent(q.qnbytes, q.maxbytes)}%`,
      `${q.nikeys}/${q.nkeys}`,
      String(q.usage),
      QUOTA_LEVEL_WORDS[worstQuotaLevel(q)],
    ]);
  const rightAligned = new Set([0, 2, 3, 4, 5, 6, 7]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i] as number, rightAligned.has(i)))).join('  ');
  const out = [line(header), ...rows.map(line)];
  if (rows.length === 0) out.push(only === null ? '(no uid has keys)' : `(uid ${only} has no keys: /proc/key-users has no line for it)`);
  const v = (n: number | null) => (n === null ? '?' : String(n));
  out.push(
    '',
    'KEYS and BYTES: charged to the quota / the limit (the kernel refuses a key with EDQUOT past it).',
    'OWNED: instantiated / all keys the uid owns; REFS: references to its key accounting.',
    'More BYTES than the keys explain? `quota --held-by` (root) sets each uid\'s charge against what its visible keys cost.',
    `Limits (/proc/sys/kernel/keys): maxkeys ${v(limits.maxkeys)}, maxbytes ${v(limits.maxbytes)} per user;` +
      ` root_maxkeys ${v(limits.rootMaxkeys)}, root_maxbytes ${v(limits.rootMaxbytes)} for uid 0.`,
  );
  return out.join('\n') + '\n';
}

/** A keyring holding some of a uid's keys, as `quota --held-by --json` gives it (null: none the scan could read lists them). */
export interface HolderKeyring {
  id: number;
  description: string;
  /** Its owner (another uid's keyring may hold a user's keys). */
  uid: number;
}

export interface HeldByRow {
  keyring: HolderKeyring | null;
  keys: number;
  /** Bytes charged for those keys as far as known; a lower bound when unknownSizes > 0. */
  bytes: number;
  unknownSizes: number;
}

/** One uid's `--held-by` lists. */
export interface HeldBy {
  uid: number;
  name: string | null;
  /** Its keys some view of the scan shows; each counted once however many keyrings hold it. */
  visibleKeys: number;
  /** What those visible keys cost (shared/quotaCharge.ts). */
  visibleBytes: Pick<ChargeSum, 'bytes' | 'unknown'>;
  /** qnbytes less visibleBytes.bytes (0 when they account for all of it): bytes charged to no key the scan can see. */
  unaccountedBytes: number;
  /** Why, when unaccountedBytes is material (shared/quotaGap.ts); null otherwise. */
  unaccountedWhy: string | null;
  byKeys: HeldByRow[];
  byBytes: HeldByRow[];
  /** Its keyrings whose member lists no view of the scan may read (shared/userGroups.ts's unreadableKeyringsOf). */
  unreadableKeyrings: HolderKeyring[];
}

/** Each quota's uid's top `top` holders, by keys and by bytes, from an `all` snapshot. */
export function heldBy(snapshot: Pick<Snapshot, 'keys'>, quotas: readonly QuotaInfo[], top: number): HeldBy[] {
  const keys = new Map(snapshot.keys.map((k) => [k.id, k]));
  const input = { keys, parents: parentsOf(keys) };
  const charges = chargesByUid(keys.values());
  const row = (h: QuotaHolder): HeldByRow => {
    const ring = h.keyring === null ? undefined : keys.get(h.keyring);
    return {
      keyring: ring === undefined ? null : { id: ring.id, description: ring.description, uid: ring.uid },
      keys: h.keys,
      bytes: h.bytes,
      unknownSizes: h.unknownSizes,
    };
  };
  return [...quotas]
    .sort((a, b) => a.uid - b.uid)
    .map((q) => {
      const b = quotaBreakdown(input, q.uid, { limit: top });
      const { bytes, unknown } = charges.get(q.uid) ?? { bytes: 0, unknown: 0 };
      const gap = quotaGap(q, { bytes, unknown });
      const unreadableKeyrings = unreadableKeyringsOf(snapshot.keys, q.uid).map((k) => ({ id: k.id, description: k.description, uid: k.uid }));
      return {
        uid: q.uid,
        name: q.name,
        visibleKeys: b.visibleKeys,
        visibleBytes: { bytes, unknown },
        unaccountedBytes: gap.unaccounted,
        unaccountedWhy: quotaGapSentence(gap, q.uid),
        byKeys: b.byCount.map(row),
        byBytes: b.byBytes.map(row),
        unreadableKeyrings,
      };
    });
}

const NO_HOLDER = `(${NO_HOLDER_WORDS})`;

/** "service", or "service  (owned by root (uid 0))" for a keyring another uid owns. */
function holderName(row: HeldByRow, uid: number, names: ReadonlyMap<number, string | null>): string {
  if (row.keyring === null) return NO_HOLDER;
  const { description, uid: owner } = row.keyring;
  return owner === uid ? description : `${description}  (owned by ${userLabel(owner, names.get(owner))})`;
}

/** The --held-by lists under the table: per uid, its charge, then its keys and its bytes by keyring. */
export function renderHeldBy(lists: readonly HeldBy[], quotas: readonly QuotaInfo[]): string {
  const quotaOf = new Map(quotas.map((q) => [q.uid, q]));
  const names = new Map(quotas.map((q) => [q.uid, q.name]));
  const out = [
    'Held by: the keyrings holding most of each uid\'s keys and bytes, most first (a key in several keyrings counts in',
    'each; % of its visible keys, and of the bytes charged). Bytes as the kernel charges them: description + 1 + payload',
    '(a keyring 4 per link); /proc/keys states the payload\'s length for user, logon, big_key and keyring keys only.',
  ];
  for (const l of lists) {
    const q = quotaOf.get(l.uid);
    const qnbytes = q?.qnbytes ?? 0;
    const charge = q ? `${q.qnkeys}/${q.maxkeys} keys, ${q.qnbytes}/${q.maxbytes} bytes charged` : 'no line in /proc/key-users';
    const cost = l.visibleBytes.unknown === 0 ? `${l.visibleBytes.bytes} bytes` : `at least ${l.visibleBytes.bytes} bytes (${l.visibleBytes.unknown} of unknown size)`;
    const unaccounted = l.unaccountedBytes > 0 ? `; ${l.unaccountedBytes} in no key this scan can see` : '';
    out.push('', `${userLabel(l.uid, l.name)}: ${charge}; ${l.visibleKeys === 0 ? 'none of its keys is visible' : `its ${l.visibleKeys} visible ${l.visibleKeys === 1 ? 'key costs' : 'keys cost'} ${cost}`}${unaccounted}`);
    if (l.unaccountedWhy !== null) out.push(`  ${l.unaccountedWhy}`);
    if (l.visibleKeys === 0) continue;
    const percent = (part: number, whole: number) => (whole > 0 ? `${quotaPercent(part, whole)}%` : '');
    const unknownSizes = (h: HeldByRow) => (h.unknownSizes === 0 ? '' : `  (${counted(h.unknownSizes, 'key')} of unknown size)`);
    const rows = [
      ...l.byKeys.map((h, i) => ({ label: i === 0 ? 'by keys' : '', value: String(h.keys), pct: percent(h.keys, l.visibleKeys), h, note: '' })),
      ...l.byBytes.map((h, i) => ({
        label: i === 0 ? 'by bytes' : '',
        value: h.unknownSizes === 0 ? String(h.bytes) : `at least ${h.bytes}`,
        pct: percent(h.bytes, qnbytes),
        h,
        note: unknownSizes(h),
      })),
    ];
    const valueWidth = Math.max(...rows.map((r) => r.value.length));
    const pctWidth = Math.max(...rows.map((r) => r.pct.length));
    for (const { label, value, pct, h, note } of rows) {
      const id = h.keyring === null ? '-'.padEnd(8) : hexId(h.keyring.id);
      out.push(`  ${pad(label, 8)}  ${pad(value, valueWidth, true)}  ${pad(pct, pctWidth, true)}  ${id}  ${holderName(h, l.uid, names)}${note}`);
    }
    const unreadable = l.unreadableKeyrings;
    if (unreadable.length > 0) {
      const named = unreadable.slice(0, 3).map((k) => `${k.description} (${hexId(k.id)})`).join(', ') + (unreadable.length > 3 ? ', …' : '');
      out.push(
        `  ${unreadable.length} of its keyrings ${unreadable.length === 1 ? 'grants' : 'grant'} no view Read, so their members count as ${NO_HOLDER}: ${named}. ` +
          'keyctl newring\'s default mask (3f010000) lets the owner only view a keyring it does not possess.',
      );
    }
  }
  return out.join('\n') + '\n';
}
