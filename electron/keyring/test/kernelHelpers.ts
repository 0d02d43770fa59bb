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

/**
 * Resolves once `view` (this thread's /proc/keys unless given) shows each key of `expected` with that usage; an
 * expected 0 is met by the key's being gone too (one whose usage reached 0 waits for the collector's work queue).
 * For references the kernel drops late, after an RCU grace period: an exited process's credentials (its session
 * keyring's), an unlink's (assoc_array_apply_edit frees the old leaf by call_rcu), a revoked or cleared keyring's
 * on its members. A scan taken in that window sees a usage one too high.
 */
export async function usagesSettle(
  expected: Iterable<readonly [id: number, usage: number]>,
  what: string,
  view: () => ReadonlyMap<number, { usage: number }> = ownProcKeys,
): Promise<void> {
  const wanted = [...expected];
  const unsettled = (): string[] => {
    const lines = view();
    return wanted.flatMap(([id, usage]) => {
      const now = lines.get(id)?.usage ?? 0;
      return now === usage ? [] : [`0x${id.toString(16)} ${lines.has(id) ? `has usage ${now}` : 'is gone'}, not usage ${usage}`];
    });
  };
  await kernelDid(() => unsettled().length === 0, what).catch((err: unknown) => {
    throw new Error(`${err instanceof Error ? err.message : String(err)}: ${unsettled().join('; ')}`);
  });
}
