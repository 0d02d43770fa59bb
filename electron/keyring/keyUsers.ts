// Parser for /proc/key-users (pure: text in, data out), and readQuotas, which reads it with user names.
//
// The kernel prints one line per key user (security/keys/proc.c, proc_key_users_show):
//   "%5u: %5d %d/%d %d/%d %d/%d\n"
//   uid: usage nkeys/nikeys qnkeys/maxkeys qnbytes/maxbytes
// qnkeys, maxkeys, qnbytes and maxbytes are unsigned but printed with %d, so a quota raised past 2^31
// through sysctl shows a minus sign: we read those back as unsigned 32-bit.
// A line that does not fit is reported in `errors` (never thrown); the other lines are kept.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QuotaInfo } from '../../shared/snapshot';
import { KeyringsUnavailableError } from './keyringsUnavailable';
import { readUserNames } from './userNames';

export interface KeyUsersParseError {
  /** 1-based line number. */
  lineNumber: number;
  line: string;
  reason: string;
}

const KEY_USER = /^ *(\d+): +(-?\d+) (-?\d+)\/(-?\d+) (-?\d+)\/(-?\d+) (-?\d+)\/(-?\d+)$/;

export function parseKeyUsers(text: string): { quotas: QuotaInfo[]; errors: KeyUsersParseError[] } {
  const quotas: QuotaInfo[] = [];
  const errors: KeyUsersParseError[] = [];
  const textLines = text.split('\n');
  // split gives at least one element; a final newline leaves an empty last one, which is no line.
  const count = textLines[textLines.length - 1] === '' ? textLines.length - 1 : textLines.length;
  for (let i = 0; i < count; i++) {
    const line = textLines[i] as string;
    const m = KEY_USER.exec(line);
    if (m === null) {
      errors.push({ lineNumber: i + 1, line, reason: 'not a /proc/key-users line (uid: usage nkeys/nikeys qnkeys/maxkeys qnbytes/maxbytes)' });
      continue;
    }
    quotas.push({
      uid: Number(m[1]) >>> 0,
      name: null,
      usage: Number(m[2]),
      nkeys: Number(m[3]),
      nikeys: Number(m[4]),
      qnkeys: Number(m[5]) >>> 0,
      maxkeys: Number(m[6]) >>> 0,
      qnbytes: Number(m[7]) >>> 0,
      maxbytes: Number(m[8]) >>> 0,
    });
  }
  return { quotas, errors };
}

/** The same quotas with each uid's name from `users` (uid → name, e.g. the passwd database), null where it has none. */
export function withUserNames(quotas: readonly QuotaInfo[], users: Readonly<Record<number, string>>): QuotaInfo[] {
  return quotas.map((q) => ({ ...q, name: users[q.uid] ?? null }));
}

/** /proc/key-users, with names from the passwd file. Anyone may read it: it lists every uid that has keys. */
export function readQuotas(procRoot = '/proc', passwdPath?: string): QuotaInfo[] {
  let text: string;
  try {
    text = readFileSync(join(procRoot, 'key-users'), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new KeyringsUnavailableError(
      code === 'ENOENT' ? `${procRoot}/key-users does not exist: this kernel has no key management (CONFIG_KEYS).` : `cannot read ${procRoot}/key-users (${code}).`,
    );
  }
  return withUserNames(parseKeyUsers(text).quotas, readUserNames(passwdPath));
}
