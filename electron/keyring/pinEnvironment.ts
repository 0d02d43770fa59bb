// The facts pin analysis needs that are not in /proc/keys: processes per user, the collector's delay,
// the persistent keyring's renewal period, and whether this kernel keeps user keyrings in `.user_reg`.
// Each read is cheap (one small file, or one `status` per process) and tolerates a missing file:
// processes come and go while we read, and a test may point procRoot at a fake tree.
import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { release } from 'node:os';
import { join } from 'node:path';
import type { PinEnvironment } from './pins';

/** Kernel defaults (security/keys/gc.c key_gc_delay, persistent.c persistent_keyring_expiry). */
export const DEFAULT_GC_DELAY_SECONDS = 5 * 60;
export const DEFAULT_PERSISTENT_EXPIRY_SECONDS = 3 * 24 * 3600;

export function readPinEnvironment(now: number = Date.now(), procRoot = '/proc'): PinEnvironment {
  return pinEnvironmentWith(now, procRoot, countProcessesByRealUid(procRoot));
}

/**
 * readPinEnvironment, with the per-process reads done off this thread (libuv's pool): a scan starts it first
 * and awaits it last.
 */
export async function readPinEnvironmentAsync(now: number = Date.now(), procRoot = '/proc'): Promise<PinEnvironment> {
  return pinEnvironmentWith(now, procRoot, await countProcessesByRealUidAsync(procRoot));
}

function pinEnvironmentWith(now: number, procRoot: string, processesByUid: Map<number, number>): PinEnvironment {
  return {
    now,
    processesByUid,
    gcDelaySeconds: readSeconds(join(procRoot, 'sys/kernel/keys/gc_delay'), DEFAULT_GC_DELAY_SECONDS),
    persistentExpirySeconds: readSeconds(
      join(procRoot, 'sys/kernel/keys/persistent_keyring_expiry'),
      DEFAULT_PERSISTENT_EXPIRY_SECONDS,
    ),
    userRegistryKeepsUserKeyrings: kernelAtLeast(kernelRelease(procRoot), 5, 3),
  };
}

/** Live processes (not threads: /proc lists thread-group leaders only) per real uid, the first `Uid:` field. */
export function countProcessesByRealUid(procRoot = '/proc'): Map<number, number> {
  const counts = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync(procRoot);
  } catch {
    return counts;
  }
  for (const entry of entries) {
    if (!isPid(entry)) continue;
    let status: string;
    try {
      status = readFileSync(join(procRoot, entry, 'status'), 'latin1');
    } catch {
      continue; // exited between readdir and read
    }
    const uid = realUidFromStatus(status);
    if (uid !== null) counts.set(uid, (counts.get(uid) ?? 0) + 1);
  }
  return counts;
}

/** countProcessesByRealUid, reading asynchronously. */
export async function countProcessesByRealUidAsync(procRoot = '/proc'): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  let entries: string[];
  try {
    entries = await readdir(procRoot);
  } catch {
    return counts;
  }
  const statuses = await Promise.all(
    entries.filter(isPid).map((entry) => readFile(join(procRoot, entry, 'status'), 'latin1').catch(() => null)), // null: exited meanwhile
  );
  for (const status of statuses) {
    const uid = status === null ? null : realUidFromStatus(status);
    if (uid !== null) counts.set(uid, (counts.get(uid) ?? 0) + 1);
  }
  return counts;
}

/** `Uid:\t<real>\t<effective>\t<saved>\t<fs>` -> real. */
export function realUidFromStatus(status: string): number | null {
  const m = /^Uid:\s+(\d+)/m.exec(status);
  return m === null ? null : Number(m[1]);
}

/** "6.18.44-fc-v782" -> true for (6, 18) >= (5, 3). An unparsable release is taken as modern. */
export function kernelAtLeast(releaseText: string, major: number, minor: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(releaseText);
  if (m === null) return true;
  const [kMajor, kMinor] = [Number(m[1]), Number(m[2])];
  return kMajor > major || (kMajor === major && kMinor >= minor);
}

function kernelRelease(procRoot: string): string {
  try {
    return readFileSync(join(procRoot, 'sys/kernel/osrelease'), 'utf8').trim();
  } catch {
    return release();
  }
}

function readSeconds(path: string, fallback: number): number {
  try {
    const value = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(value) && value >= 0 ? value : fallback;
  } catch {
    return fallback;
  }
}

function isPid(name: string): boolean {
  const c = name.charCodeAt(0);
  return c >= 48 && c <= 57 && /^\d+$/.test(name);
}
