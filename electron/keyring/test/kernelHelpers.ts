// Helpers for engine tests against the real kernel. Each test joins a fresh anonymous session keyring so
// tests never see each other's keys; keys are made through the FFI (fast) and checked with keyctl(1).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach } from 'vitest';
import * as keyctl from '../keyctl';
import type { PossessingOps } from '../possessingSide';
import { parseProcKeys, type ProcKeyLine } from '../procKeys';
import { Scanner } from '../scanner';

/** keyutils' keyctl(1): the independent oracle. Runs in this process's session (children inherit it). */
export function keyctlCli(...args: string[]): string {
  return execFileSync('keyctl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function freshSession(): number {
  return keyctl.joinSessionKeyring(null);
}

/** Each test of the describe this is called in gets a fresh session keyring and a Scanner, closed after it. */
export function freshSessionAndScannerEachTest(use: (fresh: { session: number; scanner: Scanner }) => void): void {
  let scanner: Scanner | null = null;
  beforeEach(() => {
    const session = freshSession();
    scanner = new Scanner();
    use({ session, scanner });
  });
  afterEach(async () => {
    await scanner?.close();
    scanner = null;
  });
}

/** This (possessing) thread's own /proc/keys: keys whose only view is the possessor's appear iff possessed. */
export function ownProcKeys(): Map<number, ProcKeyLine> {
  return new Map(parseProcKeys(readFileSync('/proc/keys', 'utf8')).lines.map((l) => [l.id, l]));
}


/**
 * The possessing side's ops over a test's own calls (spies, counters): its readKeyringMembersUnlessSame reads through
 * the test's readKeyringMembers and compares that list's bytes with `last`, so every member read is the test's.
 */
export function possessingOpsOver(ops: Omit<PossessingOps, 'readKeyringMembersUnlessSame'>): PossessingOps {
  return {
    ...ops,
    readKeyringMembersUnlessSame: (id, last) => {
      const members = ops.readKeyringMembers(id);
      return last !== undefined && Buffer.from(keyctl.memberBytes(members)).equals(last) ? null : members;
    },
  };
}

/**
 * Resolves once `done()` is true. For what the kernel does in its own time and tells nobody: its garbage collector
 * (a key whose last reference went, an invalidated user's keyrings) and RCU. Looked at every 20 ms, for at most
 * `timeoutMs`: a worker of the kernel's waits its turn on a CPU like anyone at load 20.
 */
export async function kernelDid(done: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`the kernel did not ${what} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
