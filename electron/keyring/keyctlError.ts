// One error class for every keyctl(2)/add_key(2) failure: it carries the errno name, the operation and the
// key id, and its message says what happened in words a person understands.
import { formatKeyId } from '../../shared/keyIds';
import { constants } from 'node:os';

// Node's table lacks the key-management errnos (Linux-specific), so they are added by number.
const LINUX_KEY_ERRNOS: Record<number, string> = { 126: 'ENOKEY', 127: 'EKEYEXPIRED', 128: 'EKEYREVOKED', 129: 'EKEYREJECTED' };
const ERRNO_NAMES: Record<number, string> = {
  ...Object.fromEntries(Object.entries(constants.errno).map(([name, num]) => [num, name])),
  ...LINUX_KEY_ERRNOS,
};

/** What each errno means for a key operation, in words. */
const ERRNO_MEANINGS: Record<string, string> = {
  ENOKEY: 'no such key (it does not exist, or is not visible to this process)',
  EKEYREVOKED: 'the key has been revoked',
  EKEYEXPIRED: 'the key has expired',
  EKEYREJECTED: 'the key was rejected (negatively instantiated)',
  EACCES: 'permission denied by the key’s permission mask',
  EPERM: 'operation not permitted',
  EDQUOT: 'the key quota of this user is full (see /proc/key-users)',
  EINVAL: 'invalid argument',
  ENOTDIR: 'the key is not a keyring',
  EOPNOTSUPP: 'the key type does not support this operation',
  ENOSYS: 'this kernel has no key management (CONFIG_KEYS is off)',
  EFAULT: 'bad address passed to the kernel',
  ENOMEM: 'out of memory',
  EDEADLK: 'linking would create a cycle',
  ENFILE: 'the keyring is full',
  ELOOP: 'keyrings are nested too deeply',
  EEXIST: 'a key with that type and description already exists there',
  E2BIG: 'the data is too large',
  EAGAIN: 'try again',
  EINTR: 'interrupted',
  ENODEV: 'no such key type',
  ENODATA: 'no data',
};

export function errnoName(errno: number): string {
  return ERRNO_NAMES[errno] ?? `E${errno}`;
}

export function errnoMeaning(code: string): string {
  return ERRNO_MEANINGS[code] ?? 'the kernel refused';
}


export class KeyctlError extends Error {
  override readonly name = 'KeyctlError';
  /** errno name, e.g. 'ENOKEY'. */
  readonly code: string;
  readonly errno: number;
  /** The operation, e.g. 'KEYCTL_DESCRIBE'. */
  readonly op: string;
  /** The key the operation was about, when there is one. */
  readonly keyId: number | null;

  constructor(op: string, errno: number, keyId: number | null) {
    const code = errnoName(errno);
    const about = keyId === null ? '' : ` on key ${formatKeyId(keyId)}`;
    super(`${op}${about} failed: ${code}: ${errnoMeaning(code)}`);
    this.code = code;
    this.errno = errno;
    this.op = op;
    this.keyId = keyId;
  }
}

/** True when the error means the key went away between two reads: normal during a scan, never an error. */
export function isVanished(err: unknown): boolean {
  return err instanceof KeyctlError && isVanishedCode(err.code);
}

/** isVanished() for an errno name (a batch answered by another thread carries names, not errors). */
export function isVanishedCode(code: string): boolean {
  return code === 'ENOKEY' || code === 'EKEYREVOKED' || code === 'EKEYEXPIRED';
}
