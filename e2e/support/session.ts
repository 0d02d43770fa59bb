// Each e2e spec file joins its own anonymous session keyring before it starts `serve` or runs `keyctl`,
// so the keys a spec makes are invisible to every other process on the machine.
import { execFileSync } from 'node:child_process';
import { joinSessionKeyring } from '../../electron/keyring/keyctl';

/**
 * Joins a new anonymous session keyring, each call: a spec file (its beforeAll) starts from an empty one,
 * so keys that earlier spec files in this worker left behind never crowd its tree (a row scrolled out of
 * the virtualized list is not in the page). Children started afterwards (serve, keyctl) inherit it.
 */
export function joinOwnSession(): number {
  return joinSessionKeyring(null);
}

/** Runs keyutils' keyctl (the independent oracle) in this worker's session; returns its trimmed stdout. */
export function keyctl(...args: string[]): string {
  return execFileSync('keyctl', args, { encoding: 'utf8' }).trim();
}
