// Each e2e worker joins its own anonymous session keyring before it starts `serve` or runs `keyctl`,
// so the keys a spec makes are invisible to every other process on the machine.
import { execFileSync } from 'node:child_process';
import { joinSessionKeyring } from '../../electron/keyring/keyctl';

let session: number | null = null;

export function joinOwnSession(): number {
  session ??= joinSessionKeyring(null);
  return session;
}

/** Runs keyutils' keyctl (the independent oracle) in this worker's session; returns its trimmed stdout. */
export function keyctl(...args: string[]): string {
  return execFileSync('keyctl', args, { encoding: 'utf8' }).trim();
}
