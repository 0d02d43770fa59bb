// `keyring-browser quota`: /proc/key-users as a table a person reads at once, with names, percentages and
// what a full quota means, then the limits from /proc/sys/kernel/keys.
import { QUOTA_LEVEL_WORDS, quotaPercent, worstQuotaLevel } from '../../shared/quota';
import type { QuotaInfo } from '../../shared/snapshot';
import type { KeyLimits } from '../keyring/keyLimits';

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

export function renderQuotaTable(quotas: readonly QuotaInfo[], limits: KeyLimits): string {
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
  if (rows.length === 0) out.push('(no uid has keys)');
  const v = (n: number | null) => (n === null ? '?' : String(n));
  out.push(
    '',
    'KEYS and BYTES: charged to the quota / the limit (the kernel refuses a key with EDQUOT past it).',
    'OWNED: instantiated / all keys the uid owns; REFS: references to its key accounting.',
    `Limits (/proc/sys/kernel/keys): maxkeys ${v(limits.maxkeys)}, maxbytes ${v(limits.maxbytes)} per user;` +
      ` root_maxkeys ${v(limits.rootMaxkeys)}, root_maxbytes ${v(limits.rootMaxbytes)} for uid 0.`,
  );
  return out.join('\n') + '\n';
}
