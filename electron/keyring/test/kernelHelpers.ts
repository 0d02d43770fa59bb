// Helpers for engine tests against the real kernel. Each test joins a fresh anonymous session keyring so
// tests never see each other's keys; keys are made through the FFI (fast) and checked with keyctl(1).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as keyctl from '../keyctl';
import { parseProcKeys, type ProcKeyLine } from '../procKeys';

/** keyutils' keyctl(1): the independent oracle. Runs in this process's session (children inherit it). */
export function keyctlCli(...args: string[]): string {
  return execFileSync('keyctl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function freshSession(): number {
  return keyctl.joinSessionKeyring(null);
}

/** This (possessing) thread's own /proc/keys: keys whose only view is the possessor's appear iff possessed. */
export function ownProcKeys(): Map<number, ProcKeyLine> {
  return new Map(parseProcKeys(readFileSync('/proc/keys', 'utf8')).lines.map((l) => [l.id, l]));
}

