// Processes run as another uid, as root, through util-linux's setpriv: what the kernel then judges is that
// uid's, with the groups chosen. Used to read /proc/keys as a user sees it (the tests' oracle, and what
// forgetUserKeys lists before invalidating) and to run keyctl as that user (the demo's fixture users).
//
// The kernel checks a /proc/keys reader's credentials, and possession by its keyrings: a reader that kept the
// caller's session keyring would see (and pay a search for) every key the caller possesses. So a read runs in a
// fresh session keyring of its own (`keyctl session -`), left out of what it returns. That keyring is a key of
// the uid's: where its quota has no room for one, the read either fails or, when the caller allows, keeps the
// caller's session keyring (and then sees what the caller possesses too).
import { spawnSync } from 'node:child_process';
import { parseProcKeys, type ProcKeyLine } from './procKeys';

/**
 * The groups a process of the uid gets: its passwd entry's (`--init-groups`: its primary group and its
 * supplementary groups from the group database, as a login has), or gid = uid and none at all, for a uid that
 * may have no passwd entry any more.
 */
export type UserGroups = 'from-database' | 'none';

/** setpriv's arguments that make a process `uid` (real, effective and saved ids) with `groups`. */
export function setprivArgs(uid: number, groups: UserGroups): string[] {
  return ['--reuid', String(uid), '--regid', String(uid), groups === 'from-database' ? '--init-groups' : '--clear-groups'];
}

export interface AsUserOptions {
  /** Default 'from-database'. */
  groups?: UserGroups;
  /** Where the uid's quota has no room for a session keyring of its own: fail (the default), or use the caller's. */
  whenQuotaFull?: 'fail' | 'use-caller-session';
}

export interface ScriptOutput {
  stdout: string;
  /** The session keyring the script ran in, when it was its own (null: the caller's). */
  ownSession: number | null;
}

/** /proc/keys can be large where the caller's keyrings are visible: room for 40k records and more. */
const MAX_OUTPUT = 256 * 1024 * 1024;

/**
 * Runs shell `script` (with `args` as $1…) as `uid`, in a fresh session keyring of its own whose id it gets as
 * $KB_OWN_SESSION (empty when it runs in the caller's); throws with the shell's stderr when it fails.
 */
export function runScriptAs(uid: number, script: string, args: readonly string[] = [], options: AsUserOptions = {}): ScriptOutput {
  const setpriv = setprivArgs(uid, options.groups ?? 'from-database');
  const fresh = spawnSync('setpriv', [...setpriv, 'keyctl', 'session', '-', 'sh', '-c', `KB_OWN_SESSION=$(keyctl id @s) && echo "$KB_OWN_SESSION" && ${script}`, 'sh', ...args], {
    encoding: 'utf8',
    maxBuffer: MAX_OUTPUT,
  });
  if (fresh.status === 0) {
    const newline = fresh.stdout.indexOf('\n');
    return { stdout: fresh.stdout.slice(newline + 1), ownSession: Number(fresh.stdout.slice(0, newline)) };
  }
  if ((options.whenQuotaFull ?? 'fail') === 'fail') throw runFailed(uid, fresh);
  const inherited = spawnSync('setpriv', [...setpriv, 'sh', '-c', `KB_OWN_SESSION= && ${script}`, 'sh', ...args], { encoding: 'utf8', maxBuffer: MAX_OUTPUT });
  if (inherited.status !== 0) throw runFailed(uid, inherited);
  return { stdout: inherited.stdout, ownSession: null };
}

function runFailed(uid: number, run: ReturnType<typeof spawnSync>): Error {
  return new Error(`running as uid ${uid} failed: ${String(run.stderr ?? '').trim() || run.error?.message || `status ${run.status}`}`);
}

/** /proc/keys as `uid` reads it (see the top of this file), its own reading session left out. */
export function procKeysAs(uid: number, options: AsUserOptions = {}): ProcKeyLine[] {
  const { stdout, ownSession } = runScriptAs(uid, 'cat /proc/keys', [], options);
  return parseProcKeys(stdout).lines.filter((line) => line.id !== ownSession);
}
