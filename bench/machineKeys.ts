// Limits on a scan of every key, grown with the keys on the machine. serve as root reads every uid's keys, and on
// a shared machine other sessions' benches may hold 60-150k of them: a first scan, a snapshot, takes time in
// proportion. The soak (bench/soak/run.ts) and the e2e specs (e2e/support/scanTime.ts) size their limits here.
import { readFileSync } from 'node:fs';
import { parseKeyUsers } from '../electron/keyring/keyUsers';

/** Every uid's keys now (/proc/key-users' nkeys, summed). */
export function machineKeyCount(): number {
  return parseKeyUsers(readFileSync('/proc/key-users', 'utf8')).quotas.reduce((n, q) => n + q.nkeys, 0);
}

/** The keys a limit on a whole scan is written for: another session's bench set of 40k, at load 17. */
export const LIMITS_SIZED_FOR_KEYS = 40_000;

/** `ms`, a limit written for up to 40k keys on the machine, grown in proportion to the keys there are past that. */
export function scaledToMachineKeys(ms: number, keys = machineKeyCount()): number {
  return Math.round(ms * Math.max(1, keys / LIMITS_SIZED_FOR_KEYS));
}
