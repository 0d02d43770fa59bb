// The helper's Unix socket as a file: where it lives, what makes it trustworthy, and the command that
// starts a helper on it. Both ends use these checks: the helper before and after it binds, Electron main
// before it connects (a socket that is missing, or not owned by the user, is a sentence, never a wait).
import { lstatSync, mkdirSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The socket's name in its directory. */
export const HELPER_SOCKET_NAME = 'keyring-browser-helper.sock';

/** A socket file (or its directory) that cannot be trusted, or is missing: in a sentence. */
export class HelperSocketError extends Error {
  override readonly name = 'HelperSocketError';
  constructor(
    message: string,
    /** 'missing': no helper was started on this path (the app then offers the command that starts one). */
    readonly reason: 'missing' | 'untrusted' = 'untrusted',
  ) {
    super(message);
  }
}

/**
 * Where `uid`'s helper socket lives: in its runtime directory (XDG_RUNTIME_DIR, /run/user/UID: private to
 * it, made by the login manager), else in a private directory of its own under the temporary directory.
 */
export function defaultHelperSocketPath(uid: number, env: NodeJS.ProcessEnv = process.env): string {
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && isPrivateDirOf(runtime, uid)) return join(runtime, HELPER_SOCKET_NAME);
  const perUser = `/run/user/${uid}`;
  if (isPrivateDirOf(perUser, uid)) return join(perUser, HELPER_SOCKET_NAME);
  return join(tmpdir(), `keyring-browser-${uid}`, HELPER_SOCKET_NAME);
}

/**
 * Makes the socket's directory when it is the private one under the temporary directory (mode 0700), and
 * checks whichever it is: the helper refuses a directory others could write to.
 */
export function prepareSocketDir(path: string, uid: number): void {
  const dir = dirname(path);
  if (dir === join(tmpdir(), `keyring-browser-${uid}`)) {
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  checkSocketDir(dir, uid);
}

function isPrivateDirOf(dir: string, uid: number): boolean {
  try {
    checkSocketDir(dir, uid);
    return true;
  } catch {
    return false;
  }
}

/**
 * The directory must be a real directory (not a symbolic link), owned by `uid` or root, and writable by
 * nobody else: otherwise another user could put their own socket, or a link, where the helper's goes.
 */
export function checkSocketDir(dir: string, uid: number): void {
  let st: Stats;
  try {
    st = lstatSync(dir);
  } catch (err) {
    throw new HelperSocketError(`the socket's directory ${dir} cannot be used: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (!st.isDirectory()) throw new HelperSocketError(`the socket's directory ${dir} is not a directory (a symbolic link is refused too)`);
  if (st.uid !== uid && st.uid !== 0) throw new HelperSocketError(`the socket's directory ${dir} belongs to uid ${st.uid}, not to uid ${uid} or root`);
  if ((st.mode & 0o022) !== 0) throw new HelperSocketError(`the socket's directory ${dir} is writable by others (mode ${octal(st.mode)}): use a private one, such as /run/user/${uid}`);
}

/**
 * The helper's socket must be a socket, owned by `uid`, usable by nobody else (mode 0600). Throws a
 * HelperSocketError saying which is not so ('missing' when there is no file at all).
 */
export function checkSocketFile(path: string, uid: number): void {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new HelperSocketError(`no helper is running: ${path} does not exist`, 'missing');
    throw new HelperSocketError(`cannot look at the helper's socket ${path}: ${code ?? String(err)}`);
  }
  if (!st.isSocket()) throw new HelperSocketError(`${path} is not a socket, so it is not the helper's`);
  if (st.uid !== uid) throw new HelperSocketError(`${path} belongs to uid ${st.uid}, not to uid ${uid}: it is not this user's helper`);
  if ((st.mode & 0o077) !== 0) throw new HelperSocketError(`${path} can be used by others (mode ${octal(st.mode)}, not 0600): it is not a helper's`);
}

/** How to start the helper: with pkexec where polkit is installed, and with sudo in a terminal. */
export interface HelperCommands {
  /** argv for pkexec, or null where pkexec is not installed. */
  pkexec: string[] | null;
  /** The command line to paste into a terminal. */
  sudo: string;
}

/**
 * `launcher` runs bin/keyring-browser (node and its path). The helper learns whose socket it is from
 * --user: pkexec and sudo also say it (PKEXEC_UID, SUDO_UID), but the command should not depend on that.
 */
export function helperCommands(launcher: readonly string[], socketPath: string, uid: number, pkexecPath: string | null): HelperCommands {
  const argv = [...launcher, 'helper', '--socket', socketPath, '--user', String(uid)];
  return { pkexec: pkexecPath === null ? null : [pkexecPath, ...argv], sudo: ['sudo', ...argv].map(shellQuote).join(' ') };
}

/** Quotes a word for a POSIX shell when it needs it. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}
