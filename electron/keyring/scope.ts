// Scan scopes other than the app's own process need to read as other users, which only a thread with
// CAP_SETUID and CAP_SETGID can do (setfsuid/setfsgid/setgroups). Refused up front, in a sentence.
import { readFileSync } from 'node:fs';
import type { ScanScope } from '../../shared/snapshot';
import { parseKeyUsers } from './keyUsers';
import { readUserNames } from './userNames';

/** A scope this process may not scan, or a uid that does not exist: said in a sentence. */
export class ScopeRefusedError extends Error {
  override readonly name = 'ScopeRefusedError';
}

const CAP_SETGID = 6n;
const CAP_SETUID = 7n;

/** Whether this process's effective capabilities include CAP_SETUID and CAP_SETGID (/proc/self/status CapEff). */
export function canTakeOtherCredentials(procRoot = '/proc'): boolean {
  try {
    const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync(`${procRoot}/self/status`, 'latin1'));
    if (m === null) return false;
    const caps = BigInt(`0x${m[1]}`);
    return ((caps >> CAP_SETUID) & 1n) === 1n && ((caps >> CAP_SETGID) & 1n) === 1n;
  } catch {
    return false;
  }
}

/** Throws ScopeRefusedError when `scope` needs privileges this process lacks. */
export function assertScopeAllowed(scope: ScanScope, procRoot = '/proc'): void {
  if (scope.kind === 'process' || canTakeOtherCredentials(procRoot)) return;
  const flag = scope.kind === 'all' ? '--all-users' : `--uid ${scope.uid}`;
  throw new ScopeRefusedError(
    `${flag} needs root: the kernel shows each key only to the users its permissions admit (root has no override), ` +
      `so keyring-browser reads as each user on a thread of its own, which takes CAP_SETUID and CAP_SETGID. ` +
      `Run it as root (e.g. sudo keyring-browser … ${flag}); without ${flag} it shows this process's own keys.`,
  );
}

/** Whether the kernel or the passwd database knows `uid` (a uid with keys may have no passwd entry). */
export function uidExists(uid: number, procRoot = '/proc', passwdPath?: string): boolean {
  if (readUserNames(passwdPath)[uid] !== undefined) return true;
  try {
    return parseKeyUsers(readFileSync(`${procRoot}/key-users`, 'utf8')).quotas.some((q) => q.uid === uid);
  } catch {
    return false;
  }
}
