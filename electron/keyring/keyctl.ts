// keyctl(2), add_key(2) and request_key(2) through koffi. There is no glibc wrapper for them, so we call
// libc's syscall() with one typed declaration per call shape (faster than the variadic form, and safe on
// x86_64 and aarch64 where glibc's syscall() just moves registers).
import { errnoName, KeyctlError } from './keyctlError';
import { koffi, libc, syscallNumbers, type SyscallNumbers } from './libc';

export { KeyctlError, isVanished, isVanishedCode } from './keyctlError';

/** KEYCTL_* operation numbers (include/uapi/linux/keyctl.h). */
export const KEYCTL = {
  GET_KEYRING_ID: 0,
  JOIN_SESSION_KEYRING: 1,
  UPDATE: 2,
  REVOKE: 3,
  CHOWN: 4,
  SETPERM: 5,
  DESCRIBE: 6,
  CLEAR: 7,
  LINK: 8,
  UNLINK: 9,
  SEARCH: 10,
  READ: 11,
  SET_TIMEOUT: 15,
  GET_SECURITY: 17,
  INVALIDATE: 21,
  GET_PERSISTENT: 22,
  MOVE: 30,
  CAPABILITIES: 31,
} as const;

/** Special key ids (KEY_SPEC_*), defined with the special keyrings in shared/keyIds.ts. */
export { KEY_SPEC } from '../../shared/keyIds';

/** A koffi function's asynchronous form: runs on libuv's thread pool, answers through the callback. */
type AsyncForm<A extends unknown[]> = (...args: [...A, (err: unknown, result: number) => void]) => void;

interface Native {
  nr: SyscallNumbers;
  ints: ((nr: number, op: number, a: number, b: number, c: number, d: number) => number) & { async: AsyncForm<[number, number, number, number, number, number]> };
  withBuffer: ((nr: number, op: number, id: number, buf: Buffer | null, len: number, d: number) => number) & {
    async: AsyncForm<[number, number, number, Buffer | null, number, number]>;
  };
  withName: ((nr: number, op: number, name: string | null) => number) & { async: AsyncForm<[number, number, string | null]> };
  openat: ((nr: number, dirfd: number, path: string, flags: number, mode: number) => number) & { async: AsyncForm<[number, number, string, number, number]> };
  fdopen: (fd: number, mode: string) => unknown;
  fread: ((buf: Buffer, size: number, count: number, stream: unknown) => number) & { async: AsyncForm<[Buffer, number, number, unknown]> };
  ferror: (stream: unknown) => number;
  fclose: (stream: unknown) => number;
  search: (nr: number, op: number, ring: number, type: string, desc: string, dest: number) => number;
  addKey: (nr: number, type: string, desc: string | null, payload: Buffer | null, plen: number, ring: number) => number;
}

let native: Native | null = null;

function load(): Native {
  if (native) return native;
  const nr = syscallNumbers();
  const lib = libc();
  native = {
    nr,
    ints: lib.func('long syscall(long nr, long op, long a, long b, long c, long d)'),
    withBuffer: lib.func('long syscall(long nr, long op, long id, void *buf, long len, long d)'),
    withName: lib.func('long syscall(long nr, long op, const char *name)'),
    search: lib.func('long syscall(long nr, long op, long ring, const char *type, const char *desc, long dest)'),
    addKey: lib.func('long syscall(long nr, const char *type, const char *desc, void *payload, size_t plen, long ring)'),
    openat: lib.func('long syscall(long nr, int dirfd, const char *path, int flags, int mode)'),
    fdopen: lib.func('void *fdopen(int fd, const char *mode)'),
    fread: lib.func('size_t fread(void *buf, size_t size, size_t count, void *stream)'),
    ferror: lib.func('int ferror(void *stream)'),
    fclose: lib.func('int fclose(void *stream)'),
  };
  return native;
}

function check(result: number, op: string, keyId: number | null): number {
  if (result < 0) throw new KeyctlError(op, koffi.errno(), keyId);
  return result;
}

function keyctlInts(op: number, opName: string, keyId: number | null, a = 0, b = 0, c = 0, d = 0): number {
  const n = load();
  return check(n.ints(n.nr.keyctl, op, a, b, c, d), opName, keyId);
}

// One growing scratch buffer per thread: the scanner reads hundreds of keyrings per poll. It holds
// descriptions, member lists and labels, never a payload (read() has a buffer per call).
let scratch = Buffer.alloc(16 * 1024);

/** Calls a keyctl op that fills a buffer and returns the size it needs; grows and retries until it fits. */
function readInto(op: number, opName: string, id: number): Buffer {
  const length = readIntoScratch(op, opName, id); // first: it may replace the scratch buffer
  return scratch.subarray(0, length);
}

/** readInto, answering only how many bytes of `scratch` it filled. */
function readIntoScratch(op: number, opName: string, id: number): number {
  const n = load();
  for (;;) {
    const needed = check(n.withBuffer(n.nr.keyctl, op, id, scratch, scratch.length, 0), opName, id);
    if (needed <= scratch.length) return needed;
    scratch = Buffer.alloc(Math.max(needed, scratch.length * 2));
  }
}

/** Strips the terminating NUL the kernel writes after strings. */
function cString(buf: Buffer): string {
  const end = buf.length > 0 && buf[buf.length - 1] === 0 ? buf.length - 1 : buf.length;
  return buf.toString('utf8', 0, end);
}

/**
 * readInto() on libuv's thread pool (koffi's asynchronous calls), with the pool thread's credentials: the
 * one-shot CLI has its single pool thread join an empty session, so calls made there possess nothing
 * (poolReader.ts). Each call has its own buffer.
 */
function readIntoAsync(op: number, opName: string, id: number, size = 4096): Promise<Buffer> {
  const n = load();
  return new Promise<Buffer>((resolve, reject) => {
    const buf = Buffer.alloc(size);
    n.withBuffer.async(n.nr.keyctl, op, id, buf, size, 0, (err, result) => {
      if (err) return reject(err as Error);
      // koffi keeps each call's errno for its callback.
      if (result < 0) return reject(new KeyctlError(opName, koffi.errno(), id));
      if (result > size) return resolve(readIntoAsync(op, opName, id, result));
      resolve(buf.subarray(0, result));
    });
  });
}

/** describe() on libuv's thread pool (see readIntoAsync). */
export async function describeAsync(id: number): Promise<KeyDescription> {
  return parseDescribe(cString(await readIntoAsync(KEYCTL.DESCRIBE, 'KEYCTL_DESCRIBE', id)));
}

/** joinSessionKeyring(null) for the libuv pool thread that runs it (see poolReader.ts). */
export function joinSessionKeyringAsync(): Promise<number> {
  const n = load();
  return new Promise<number>((resolve, reject) => {
    n.withName.async(n.nr.keyctl, KEYCTL.JOIN_SESSION_KEYRING, null, (err, result) => {
      if (err) reject(err as Error);
      else if (result < 0) reject(new KeyctlError('KEYCTL_JOIN_SESSION_KEYRING', koffi.errno(), null));
      else resolve(result);
    });
  });
}

/** setPerm on the libuv pool thread (see readIntoAsync): as its possessor, e.g. of the session it joined. */
export function setPermAsync(id: number, perm: number): Promise<void> {
  const n = load();
  return new Promise<void>((resolve, reject) => {
    n.ints.async(n.nr.keyctl, KEYCTL.SETPERM, id, perm >>> 0, 0, 0, (err, result) => {
      if (err) reject(err as Error);
      else if (result < 0) reject(new KeyctlError('KEYCTL_SETPERM', koffi.errno(), id));
      else resolve();
    });
  });
}

/** A file's bytes, or the errno name it failed with. */
export type FileBytes = { bytes: Buffer } | { code: string; message: string };

const O_RDONLY_CLOEXEC = 0o2000000;
const AT_FDCWD = -100;
/** What one fread asks for: a whole /proc/keys of ~100k keys; a longer file takes more freads. */
export const READ_CHUNK = 8 << 20;

/**
 * Opens and reads a whole file on libuv's thread pool: the file is opened with the pool thread's credentials,
 * which is what /proc/keys judges its reader by (the opener's, f_cred). Two pool jobs (open, then one fread
 * that loops over read(2) in C), so the calling thread does other work meanwhile.
 */
export async function readFileOnPool(path: string): Promise<FileBytes> {
  return readOpenedOnPool(await openOnPool(path), path);
}

/**
 * Opens a file on libuv's thread pool (read-only): the descriptor, or minus the errno. Jobs queued in one go on a
 * one-thread pool run in that order, so an open queued right after another job runs after it, on the same thread.
 */
export function openOnPool(path: string): Promise<number> {
  const n = load();
  return new Promise<number>((resolve, reject) => {
    n.openat.async(n.nr.openat, AT_FDCWD, path, O_RDONLY_CLOEXEC, 0, (err, result) => (err ? reject(err as Error) : resolve(result < 0 ? -koffi.errno() : result)));
  });
}

/**
 * Reads the whole file `fd` (from openOnPool: minus an errno says why it did not open) on the pool, and closes it.
 * `first`: where the first READ_CHUNK bytes go (wasmArena.ts arenaForRead); a file that fits is returned in it.
 */
export async function readOpenedOnPool(fd: number, path: string, first?: Uint8Array | null): Promise<FileBytes> {
  const n = load();
  if (fd < 0) {
    const code = errnoName(-fd);
    return { code, message: `cannot open ${path}: ${code}` };
  }
  const stream = n.fdopen(fd, 'r');
  const chunks: Buffer[] = [];
  try {
    for (;;) {
      // Pages are touched only as far as the file fills them.
      const chunk = chunks.length === 0 && first ? Buffer.from(first.buffer, first.byteOffset, READ_CHUNK) : Buffer.allocUnsafe(READ_CHUNK);
      const got = await new Promise<number>((resolve, reject) => {
        n.fread.async(chunk, 1, READ_CHUNK, stream, (err, result) => (err ? reject(err as Error) : resolve(result)));
      });
      chunks.push(chunk.subarray(0, got));
      if (got < READ_CHUNK) break;
    }
    if (n.ferror(stream) !== 0) return { code: 'EIO', message: `cannot read ${path}` };
  } finally {
    n.fclose(stream);
  }
  return { bytes: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks) };
}

/** KEYCTL_GET_KEYRING_ID. Beware: for the user (-4) and user-session (-5) keyrings this creates them even with create=false. */
export function getKeyringId(id: number, create = false): number {
  return keyctlInts(KEYCTL.GET_KEYRING_ID, 'KEYCTL_GET_KEYRING_ID', id, id, create ? 1 : 0);
}

/**
 * getKeyringId(id, false) answering -errno instead of throwing: for a lookup that fails on every poll (a thread with
 * no thread or process keyring), where the KeyctlError (its message and stack trace) cost more than the call.
 */
export function keyringIdOrErrno(id: number): number {
  const n = load();
  const result = n.ints(n.nr.keyctl, KEYCTL.GET_KEYRING_ID, id, 0, 0, 0);
  return result < 0 ? -koffi.errno() : result;
}

/** KEYCTL_JOIN_SESSION_KEYRING: null joins a new anonymous session keyring. Affects only the calling thread's credentials. */
export function joinSessionKeyring(name: string | null = null): number {
  const n = load();
  return check(n.withName(n.nr.keyctl, KEYCTL.JOIN_SESSION_KEYRING, name), 'KEYCTL_JOIN_SESSION_KEYRING', null);
}

/**
 * The permission a reading thread gives its own empty keyrings (its session keyring, its thread keyring if it has
 * one): all but SEARCH for their possessor, view and read for their owner. For every key whose possessor may view it,
 * /proc/keys searches the reader's thread, process and session keyrings to tell whether the reader possesses it
 * (proc_keys_show), and each keyring's search first hashes the key's type and description (key_set_index_key: a
 * cache miss on the description, key by key) unless the keyring denies the reader SEARCH: then the search ends at
 * that permission check. A thread that possesses nothing loses nothing by it (its own keyrings are never shown), and
 * each read walks every key in the kernel: 25-30 % of a read as another uid went in those hashes (Linux 6.18).
 * The possessor keeps SETATTR: a thread may still change it back.
 */
export const UNSEARCHABLE_KEYRING_PERM = 0x37030000;

export interface KeyDescription {
  type: string;
  uid: number;
  gid: number;
  perm: number;
  description: string;
}

/** Parses KEYCTL_DESCRIBE's `type;uid;gid;perm;description` (the description may itself contain ';'). */
function parseDescribe(text: string): KeyDescription {
  const parts = text.split(';');
  if (parts.length < 5) throw new Error(`unexpected KEYCTL_DESCRIBE output: ${JSON.stringify(text)}`);
  const [type, uid, gid, perm] = parts as [string, string, string, string];
  return {
    type,
    uid: Number(uid),
    gid: Number(gid),
    perm: parseInt(perm, 16) >>> 0,
    description: parts.slice(4).join(';'),
  };
}

export function describe(id: number): KeyDescription {
  return parseDescribe(cString(readInto(KEYCTL.DESCRIBE, 'KEYCTL_DESCRIBE', id)));
}

/**
 * KEYCTL_READ: the payload, in a buffer of this call's own. Secrets: the caller must never log it, and
 * zeroes the result (`fill(0)`) once it has encoded what it needs. The payload never passes through the
 * shared scratch buffer (which would keep it until overwritten), and a buffer outgrown because the
 * payload grew between the two calls is zeroed here, so no other copy of the bytes is left behind.
 */
export function read(id: number): Buffer {
  const n = load();
  // KEYCTL_READ with no buffer answers the size and copies nothing.
  let size = check(n.withBuffer(n.nr.keyctl, KEYCTL.READ, id, null, 0, 0), 'KEYCTL_READ', id);
  for (;;) {
    const buf = Buffer.alloc(Math.max(size, 1));
    let needed: number;
    try {
      needed = check(n.withBuffer(n.nr.keyctl, KEYCTL.READ, id, buf, buf.length, 0), 'KEYCTL_READ', id);
    } catch (err) {
      buf.fill(0);
      throw err;
    }
    if (needed <= buf.length) return buf.subarray(0, needed);
    // Updated in between: kernels before 5.x copied what fitted, so this buffer may hold part of it.
    buf.fill(0);
    size = needed;
  }
}

/** KEYCTL_READ on a keyring: its member serials in kernel order. */
export function readKeyringMembers(id: number): number[] {
  return membersOf(readInto(KEYCTL.READ, 'KEYCTL_READ', id));
}

/**
 * readKeyringMembers, unless the list is byte for byte `last` (an earlier read's memberBytes): then null, and no
 * array or buffer is made. A poll reads every keyring again (hundreds), and nearly all are as they were.
 */
export function readKeyringMembersUnlessSame(id: number, last: Uint8Array | undefined): number[] | null {
  const length = readIntoScratch(KEYCTL.READ, 'KEYCTL_READ', id);
  if (last !== undefined && last.length === length && scratch.compare(last, 0, length, 0, length) === 0) return null;
  return membersOf(scratch.subarray(0, length));
}

/** The bytes KEYCTL_READ gives for these members (what readKeyringMembersUnlessSame compares with). */
export function memberBytes(members: readonly number[]): Uint8Array {
  return new Uint8Array(Int32Array.from(members).buffer);
}

/** Member serials from KEYCTL_READ's bytes (native-endian int32, little-endian on x86_64 and aarch64). */
function membersOf(data: Buffer): number[] {
  const count = data.length >>> 2;
  const members = new Array<number>(count);
  // Copied from an Int32Array view by index: a scan reads hundreds of keyrings, and in a one-shot process a loop of
  // readInt32LE calls ran cold (~10 ms at 40k members), as did Array.from of the view (~9 ms; this loop ~3). The
  // scratch buffer starts its ArrayBuffer, so the view is aligned; readInt32LE stays for a buffer that is not.
  if (data.byteOffset % 4 === 0) {
    const view = new Int32Array(data.buffer, data.byteOffset, count);
    for (let i = 0; i < count; i++) members[i] = view[i] as number;
  } else {
    for (let i = 0; i < count; i++) members[i] = data.readInt32LE(i * 4);
  }
  return members;
}

export function getSecurity(id: number): string {
  return cString(readInto(KEYCTL.GET_SECURITY, 'KEYCTL_GET_SECURITY', id));
}

/** KEYCTL_GET_PERSISTENT: links uid's persistent keyring into `dest` and RENEWS its expiry timer. Only on request. */
export function getPersistent(uid: number, dest: number): number {
  return keyctlInts(KEYCTL.GET_PERSISTENT, 'KEYCTL_GET_PERSISTENT', dest, uid, dest);
}

/** KEYCTL_SEARCH: like `keyctl search`; links the found key into `dest` when dest is non-zero. */
export function search(ring: number, type: string, description: string, dest = 0): number {
  const n = load();
  return check(n.search(n.nr.keyctl, KEYCTL.SEARCH, ring, type, description, dest), 'KEYCTL_SEARCH', ring);
}

/** add_key(2). Returns the new (or updated) key's serial. */
export function addKey(type: string, description: string | null, payload: Buffer | null, ring: number): number {
  const n = load();
  const data = payload ?? null;
  return check(n.addKey(n.nr.addKey, type, description, data, data ? data.length : 0, ring), 'add_key', ring);
}

export function update(id: number, payload: Buffer): number {
  const n = load();
  return check(n.withBuffer(n.nr.keyctl, KEYCTL.UPDATE, id, payload, payload.length, 0), 'KEYCTL_UPDATE', id);
}

export function revoke(id: number): void {
  keyctlInts(KEYCTL.REVOKE, 'KEYCTL_REVOKE', id, id);
}

export function invalidate(id: number): void {
  keyctlInts(KEYCTL.INVALIDATE, 'KEYCTL_INVALIDATE', id, id);
}

export function clear(ring: number): void {
  keyctlInts(KEYCTL.CLEAR, 'KEYCTL_CLEAR', ring, ring);
}

export function link(id: number, ring: number): void {
  keyctlInts(KEYCTL.LINK, 'KEYCTL_LINK', id, id, ring);
}

export function unlink(id: number, ring: number): void {
  keyctlInts(KEYCTL.UNLINK, 'KEYCTL_UNLINK', id, id, ring);
}

/** KEYCTL_MOVE (Linux 5.1+). flags: 1 = KEYCTL_MOVE_EXCL (fail if the target holds a key of that type+description). */
export function move(id: number, from: number, to: number, flags = 0): void {
  keyctlInts(KEYCTL.MOVE, 'KEYCTL_MOVE', id, id, from, to, flags);
}

export function setTimeout(id: number, seconds: number): void {
  keyctlInts(KEYCTL.SET_TIMEOUT, 'KEYCTL_SET_TIMEOUT', id, id, seconds);
}

export function setPerm(id: number, perm: number): void {
  keyctlInts(KEYCTL.SETPERM, 'KEYCTL_SETPERM', id, id, perm >>> 0);
}

/** KEYCTL_CHOWN: -1 leaves uid or gid unchanged. */
export function chown(id: number, uid: number, gid: number): void {
  keyctlInts(KEYCTL.CHOWN, 'KEYCTL_CHOWN', id, id, uid, gid);
}
