// uid → user name for the quotas of a scan, from the passwd file of the engine's host. Read on each scan
// (a small file, and users come and go); a host without one (a minimal container) has no names.
// Users that exist only in a network directory (LDAP, sssd) have no line there and are shown by uid.
import { readFileSync } from 'node:fs';
import { parseIdFile } from '../names';

export const DEFAULT_PASSWD = '/etc/passwd';

export function readUserNames(path: string = DEFAULT_PASSWD): Record<number, string> {
  try {
    return parseIdFile(readFileSync(path, 'utf8'));
  } catch {
    return {};
  }
}
