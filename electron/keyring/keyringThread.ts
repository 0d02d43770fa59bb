// A worker thread that joins a fresh, empty anonymous session keyring at start, so it possesses nothing,
// and then reads /proc files and DESCRIBEs keys with those credentials, answering in batches (one message
// per batch): the app's non-possessing reader (nonPossessingReader.ts). Linux credentials are per thread,
// so the join changes nothing for the rest of the process.
//
// /proc/keys checks the *opener's* credentials (proc_keys_show uses m->file->f_cred), so the thread opens
// and reads files synchronously on itself: an async read would open them on a libuv pool thread.
//
// The worker is plain JavaScript run with `eval: true` and needs only koffi (its resolved path comes in
// workerData), so it works the same from the TypeScript sources under vitest and from dist/.
// This module must not load koffi on the caller's thread (types only): the CLI creates the thread first.
import { Worker } from 'node:worker_threads';
import type { ProcessAnchors } from './anchors';
import type { DescribeOutcome, ReadResult } from './sides';

const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
let native = null;
let init;
try {
  const koffi = require(workerData.koffiPath);
  const NR = { x64: 250, arm64: 219 }[process.arch];
  if (NR === undefined) throw new Error('unsupported architecture ' + process.arch);
  const libc = koffi.load('libc.so.6');
  native = {
    koffi, NR,
    ints: libc.func('long syscall(long nr, long op, long a, long b, long c, long d)'),
    withName: libc.func('long syscall(long nr, long op, const char *name)'),
    withBuffer: libc.func('long syscall(long nr, long op, long id, void *buf, long len, long d)'),
  };
} catch (e) {
  init = { code: 'ELIBACC', message: 'could not load koffi in the keyring thread: ' + String(e && e.message) };
}
const ERRNO = {
  1: 'EPERM', 2: 'ENOENT', 13: 'EACCES', 20: 'ENOTDIR', 22: 'EINVAL', 38: 'ENOSYS', 95: 'EOPNOTSUPP',
  122: 'EDQUOT', 126: 'ENOKEY', 127: 'EKEYEXPIRED', 128: 'EKEYREVOKED', 129: 'EKEYREJECTED',
};
const errName = () => { const e = native.koffi.errno(); return ERRNO[e] || 'E' + e; };
const KEYCTL = { GET_KEYRING_ID: 0, JOIN_SESSION_KEYRING: 1, DESCRIBE: 6, READ: 11 };
// One scratch buffer, grown when the kernel says it needs more (4096 bytes = 1024 members).
let buf = Buffer.alloc(4096);
/** Calls a buffer-filling op; returns the byte count, or the errno name. */
function fill(op, id) {
  for (;;) {
    const n = native.withBuffer(native.NR, op, id, buf, buf.length, 0);
    if (n < 0) return errName();
    if (n <= buf.length) return n;
    buf = Buffer.alloc(Math.max(n, buf.length * 2));
  }
}
function describe(id) {
  const n = fill(KEYCTL.DESCRIBE, id);
  if (typeof n === 'string') return { id, code: n };
  // type;uid;gid;perm;description (the description may itself contain ';')
  const parts = buf.toString('utf8', 0, n > 0 && buf[n - 1] === 0 ? n - 1 : n).split(';');
  if (parts.length < 5) return { id, code: 'EBADMSG' };
  return { id, description: { type: parts[0], uid: Number(parts[1]), gid: Number(parts[2]), perm: parseInt(parts[3], 16) >>> 0, description: parts.slice(4).join(';') } };
}
function anchor(spec) {
  const id = native.ints(native.NR, KEYCTL.GET_KEYRING_ID, spec, 0, 0, 0);
  if (id >= 0) return id;
  const code = errName();
  if (code === 'ENOKEY' || code === 'EKEYREVOKED' || code === 'EKEYEXPIRED' || code === 'EACCES') return null;
  throw Object.assign(new Error('KEYCTL_GET_KEYRING_ID(' + spec + ') failed: ' + code), { code });
}
function readText(file) {
  try { return { text: fs.readFileSync(file, 'utf8') }; }
  catch (e) { return { code: e.code || 'EIO', message: String(e.message) }; }
}
function read(procRoot) {
  const keys = readText(procRoot + '/keys');
  const keyUsers = keys.text === undefined ? null : readText(procRoot + '/key-users');
  return { keys, keyUsers, readAt: Date.now() };
}
if (init === undefined) {
  const joined = native.withName(native.NR, KEYCTL.JOIN_SESSION_KEYRING, null);
  if (joined < 0) {
    const code = errName();
    init = { code, message: 'could not give the keyring thread its own session keyring (' + code + ')' };
  } else {
    const thread = native.ints(native.NR, KEYCTL.GET_KEYRING_ID, -1, 0, 0, 0);
    init = { joined: { sessionKeyring: joined, threadKeyring: thread < 0 ? null : thread } };
  }
}
const ok = init.code === undefined;
// Sent unasked as message 0; a prefetch rides along: no round trip through the creator's event loop,
// which is busy loading modules while this thread boots (the one-shot CLI).
parentPort.postMessage({ seq: 0, result: { init, prefetched: ok && workerData.prefetch !== undefined ? read(workerData.prefetch) : null } });
const OPS = {
  read: (msg) => read(msg.procRoot),
  describe: (msg) => msg.ids.map(describe),
  anchors: () => ({ thread: anchor(-1), process: anchor(-2), session: anchor(-3) }),
};
parentPort.on('message', (msg) => {
  if (!ok) return parentPort.postMessage({ seq: msg.seq, error: init });
  try { parentPort.postMessage({ seq: msg.seq, result: OPS[msg.op](msg) }); }
  catch (e) { parentPort.postMessage({ seq: msg.seq, error: { code: e.code, message: String(e.message) } }); }
});
`;

/** How long close() waits for a thread that has not started yet (it boots in well under a second). */
const CLOSE_WAIT_MS = 10_000;

export interface KeyringThreadOptions {
  /** A proc root to read at once and send with the start answer, unasked. */
  prefetch?: string;
}

/** The keyrings the thread made for itself (never shown). */
export interface JoinedKeyrings {
  sessionKeyring: number;
  threadKeyring: number | null;
}

/** What the thread says once it has booted (and joined, when asked to). */
export interface ThreadStart {
  joined: JoinedKeyrings;
  /** The prefetch's read (null when there was none or the thread failed to start). */
  prefetched: ReadResult | null;
}

/** A failure the thread reported (its errno name, when it has one, in `code`). */
export class KeyringThreadError extends Error {
  override readonly name = 'KeyringThreadError';
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** Message 0, sent unasked by the thread once it has started. */
interface StartMessage {
  init: { joined?: JoinedKeyrings | null; code?: string; message?: string };
  prefetched: ReadResult | null;
}

interface Answer {
  seq: number;
  result?: unknown;
  error?: { code?: string; message?: string };
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

export class KeyringThread {
  private readonly worker: Worker;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private failure: Error | null = null;
  /** The start answer (message 0), and whether someone waits for it (which keeps the process alive). */
  private readonly startAnswer: Promise<StartMessage>;
  private startWanted = false;

  constructor(options: KeyringThreadOptions) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { koffiPath: require.resolve('koffi'), prefetch: options.prefetch },
    });
    this.startAnswer = new Promise<StartMessage>((resolve, reject) => {
      this.pending.set(0, { resolve: resolve as (v: unknown) => void, reject });
    });
    this.startAnswer.catch(() => undefined); // reported to whoever asks for it
    this.worker.on('message', (msg: Answer) => this.answer(msg));
    const fail = (err: Error): void => {
      this.failure ??= err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      this.updateRef();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the keyring thread exited (code ${code})`)));
    // A prefetch is wanted at once; otherwise the thread keeps the process alive only while a request is
    // pending (the CLI need not tear it down; serve keeps itself alive). This must come after the
    // 'message' listener, which re-refs the worker.
    if (options.prefetch !== undefined) this.startWanted = true;
    this.updateRef();
  }

  private answer(msg: Answer): void {
    const p = this.pending.get(msg.seq);
    if (!p) return;
    this.pending.delete(msg.seq);
    this.updateRef();
    if (msg.error) p.reject(new KeyringThreadError(msg.error.message ?? 'the keyring thread failed', msg.error.code));
    else p.resolve(msg.result);
  }

  /** Ref'd while a request is pending (or the start answer is awaited), unref'd otherwise. */
  private updateRef(): void {
    const startPending = this.pending.has(0);
    const requests = this.pending.size - (startPending ? 1 : 0);
    if (requests > 0 || (startPending && this.startWanted)) this.worker.ref();
    else this.worker.unref();
  }

  /** The thread's start answer; rejects when it could not start (koffi missing, join refused, ...). */
  async started(): Promise<ThreadStart> {
    if (!this.startWanted) {
      this.startWanted = true;
      this.updateRef();
    }
    const { init, prefetched } = await this.startAnswer;
    if (init.code !== undefined) throw new KeyringThreadError(init.message ?? 'the keyring thread failed', init.code);
    if (!init.joined) throw new KeyringThreadError('the keyring thread did not say which session it joined', undefined);
    return { joined: init.joined, prefetched };
  }

  private request<T>(msg: Record<string, unknown>): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const seq = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(seq, { resolve: resolve as (v: unknown) => void, reject });
      this.updateRef();
      this.worker.postMessage({ ...msg, seq });
    });
  }

  /** `${procRoot}/keys` and `${procRoot}/key-users`, read on the thread. */
  read(procRoot: string): Promise<ReadResult> {
    return this.request<ReadResult>({ op: 'read', procRoot });
  }

  /** KEYCTL_DESCRIBE of each id, in the order asked, in one message. */
  describe(ids: readonly number[]): Promise<DescribeOutcome[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.request<DescribeOutcome[]>({ op: 'describe', ids });
  }

  /** KEYCTL_GET_KEYRING_ID(-1/-2/-3, create=0) on the thread (see anchors.ts). */
  anchors(): Promise<ProcessAnchors> {
    return this.request<ProcessAnchors>({ op: 'anchors' });
  }

  /**
   * Stops the thread, once it has started: terminating a thread while it is still loading koffi's native
   * module aborts the whole process (the addon's initialisation cannot throw into a terminating thread;
   * seen in CI when a test closed an unused scanner at once).
   */
  async close(): Promise<void> {
    this.failure ??= new Error('the keyring thread was closed');
    this.startWanted = true; // keeps the process alive until the thread has started
    this.updateRef();
    await Promise.race([this.startAnswer.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref())]);
    await this.worker.terminate();
  }
}
