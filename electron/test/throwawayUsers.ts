// Throwaway users for tests of the system view and the helper (as root): made with useradd, used through
// setpriv (their real and effective ids, groups from the group database), removed with their keys
// (forgetUserKeys) and userdel.
import { execFileSync, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { forgetUserKeys } from '../keyring/forgetUserKeys';
import { parseKeyUsers } from '../keyring/keyUsers';
import { parseProcKeys } from '../keyring/procKeys';
import { setprivArgs } from '../keyring/userProcess';

export interface ThrowawayUser {
  name: string;
  uid: number;
}

/** A new user with no home and no shell (its name: `prefix` and this process's pid, so parallel runs differ). */
export function addThrowawayUser(prefix: string): ThrowawayUser {
  const name = `${prefix}${process.pid}`;
  execFileSync('useradd', ['--no-create-home', '--user-group', '--shell', '/usr/sbin/nologin', name]);
  return { name, uid: Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim()) };
}

/**
 * Invalidates the user's keys, then removes the user. Its processes must have ended first (`exited`): a
 * running one may make keys meanwhile, holds its session keyring, and makes userdel refuse.
 */
export function removeThrowawayUser(user: ThrowawayUser | null): void {
  if (!user) return;
  forgetUserKeys(user.uid);
  const removed = spawnSync('userdel', [user.name], { encoding: 'utf8' });
  if (removed.status !== 0) throw new Error(`userdel ${user.name} failed: ${removed.stderr}`);
}

/** Resolves when `child` has exited (at once if it has); kill it first to stop it. */
export async function exited(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((resolve) => child.once('exit', resolve));
}

/** Whether /proc/key-users lists `uid` (anyone may read it). */
export function keyUsersLists(uid: number): boolean {
  return parseKeyUsers(readFileSync('/proc/key-users', 'utf8')).quotas.some((q) => q.uid === uid);
}

/**
 * Polls /proc/key-users until it no longer lists `uid` (the kernel's garbage collector destroys invalidated
 * keys soon after, not at once); true if it went within `timeoutMs`.
 */
export async function keyUsersForget(uid: number, timeoutMs = 30_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (keyUsersLists(uid)) {
    if (Date.now() > until) return false;
    await delay(20);
  }
  return true;
}

/** setpriv's arguments that make `uid` the caller (real, effective and saved ids, and its groups). */
export function setprivAs(uid: number): string[] {
  return setprivArgs(uid, 'from-database');
}

/** Runs `command` as `uid` and returns its stdout, trimmed; throws when it fails. */
export function runAs(uid: number, ...command: string[]): string {
  return execFileSync('setpriv', [...setprivAs(uid), ...command], { encoding: 'utf8' }).trim();
}

/**
 * Runs shell `script` as `uid` as a login does (pam_keyinit): in a fresh session keyring of its own that links
 * its user keyring, so it possesses, and may write into, its keyrings. Returns stdout, trimmed.
 */
export function runAsLogin(uid: number, script: string): string {
  return runAs(uid, 'keyctl', 'session', '-', 'sh', '-c', `keyctl link @u @s >/dev/null && ${script}`);
}

/**
 * Waits until no session keyring of `uid`'s is left (each runAsLogin makes one; the kernel's garbage collector
 * destroys it soon after the process ends), so a scan then sees only the keys the test made.
 */
export async function sessionsCollected(uid: number, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    // Read in the caller's session: a fresh one of the uid's own would be one more session keyring to wait for.
    const own = parseProcKeys(runAs(uid, 'cat', '/proc/keys') + '\n').lines.filter((l) => l.uid === uid);
    if (!own.some((l) => l.rest.startsWith('_ses'))) return;
    if (Date.now() > until) throw new Error(`uid ${uid}'s session keyrings were not collected within ${timeoutMs / 1000} s`);
    await delay(20);
  }
}

/** Runs `command` as `uid`, for a test that looks at its exit status and output whatever they are. */
export function spawnAs(uid: number, command: string[], extraSetpriv: string[] = []): SpawnSyncReturns<string> {
  return spawnSync('setpriv', [...setprivAs(uid), ...extraSetpriv, ...command], { encoding: 'utf8' });
}

/** Keys charged to `uid`'s quota now (/proc/key-users, which anyone may read). */
export function quotaKeys(uid: number): number {
  return parseKeyUsers(readFileSync('/proc/key-users', 'utf8')).quotas.find((q) => q.uid === uid)?.qnkeys ?? 0;
}

/** Bytes charged to `uid`'s quota now (/proc/key-users' qnbytes). */
export function quotaBytes(uid: number): number {
  return parseKeyUsers(readFileSync('/proc/key-users', 'utf8')).quotas.find((q) => q.uid === uid)?.qnbytes ?? 0;
}

/**
 * Adds user keys `<prefix>0`, `<prefix>1`, … to `uid`'s user keyring, as `uid`, until its quota holds `total`
 * keys (its user and user-session keyrings, which the first add makes, count too).
 */
export function fillQuotaTo(uid: number, total: number, prefix: string): void {
  runAs(uid, 'keyctl', 'add', 'user', `${prefix}0`, 'x', '@u');
  const more = total - quotaKeys(uid);
  runAs(uid, 'sh', '-c', `i=1; while [ $i -le ${more} ]; do keyctl add user ${prefix}$i x @u >/dev/null; i=$((i+1)); done`);
}
