// How long the specs give a server's first scan, and a test in all, on a shared 2-core machine where another
// session may hold tens of thousands of keys (serve as root scans every uid's) and the load reach 17. Both grow with
// the keys on the machine (bench/machineKeys.ts): counted once, when the runner and each worker load this, so keys
// another session adds during a run are not.
import { scaledToMachineKeys } from '../../bench/machineKeys';

/** A server's first scan: 60 s with up to 40k keys on the machine, in proportion past that (150k: 225 s). */
export const FIRST_SCAN_MS = scaledToMachineKeys(60_000);

/** A test: its first scan, then 120 s for its steps (each waits at most CHANGE_SEEN_MS for a poll to show). */
export const TEST_MS = FIRST_SCAN_MS + 120_000;
