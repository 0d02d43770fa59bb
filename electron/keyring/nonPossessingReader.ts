// The non-possessing reader: a worker thread that joins a fresh, empty anonymous session keyring and then
// reads /proc/keys and /proc/key-users, and DESCRIBEs the few keys whose names /proc/keys leaves ambiguous.
//
// Why a thread: the kernel decides possession by searching the reader's keyrings for every key it shows,
// so a reader that possesses 40k keys in 400 keyrings pays keys × keyrings (seconds). Credentials are
// per-thread in Linux: KEYCTL_JOIN_SESSION_KEYRING in this worker changes only this thread's creds
// (verified: the main thread's @s is unchanged after the worker joined). /proc/keys checks the *opener's*
// credentials (proc_keys_show uses m->file->f_cred), so the files are opened and read synchronously on
// this thread: an async read would open them on a libuv pool thread with someone else's creds.
//
// The worker is plain JavaScript run with `eval: true` and needs only koffi, so it works the same from
// the TypeScript sources under vitest and from dist/. It is kept alive between polls.
import { Worker } from 'node:worker_threads';
// Types only: this module must not load koffi on the caller's thread before the worker starts (CLI start-up).
import type { KeyDescription } from './keyctl';

const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const koffi = require(workerData.koffiPath);
const NR = { x64: 250, arm64: 219 }[process.arch];
const libc = koffi.load('libc.so.6');
const ints = libc.func('long syscall(long nr, long op, long a, long b, long c, long d)');
const withName = libc.func('long syscall(long nr, long op, const char *name)');
const withBuffer = libc.func('long syscall(long nr, long op, long id, void *buf, long len, long d)');
const ERRNO = { 1: 'EPERM', 2: 'ENOENT', 13: 'EACCES', 22: 'EINVAL', 38: 'ENOSYS', 126: 'ENOKEY', 127: 'EKEYEXPIRED', 128: 'EKEYREVOKED', 129: 'EKEYREJECTED' };
const errName = () => { const e = koffi.errno(); return ERRNO[e] || 'E' + e; };
let buf = Buffer.alloc(4096);
function describe(id) {
  for (;;) {
    const n = withBuffer(NR, 6, id, buf, buf.length, 0);
    if (n < 0) return { id, code: errName() };
    if (n <= buf.length) {
      // type;uid;gid;perm;description (the description may itself contain ';')
      const parts = buf.toString('utf8', 0, n > 0 && buf[n - 1] === 0 ? n - 1 : n).split(';');
      if (parts.length < 5) return { id, code: 'EBADMSG' };
      return { id, description: { type: parts[0], uid: Number(parts[1]), gid: Number(parts[2]), perm: parseInt(parts[3], 16) >>> 0, description: parts.slice(4).join(';') } };
    }
    buf = Buffer.alloc(n);
  }
}
function readText(file) {
  try { return { text: fs.readFileSync(file, 'utf8') }; }
  catch (e) { return { code: e.code || 'EIO', message: String(e.message) }; }
}
let init;
const joined = withName(NR, 1, null);
if (joined < 0) init = { code: errName() };
else {
  const thread = ints(NR, 0, -1, 0, 0, 0);
  init = { sessionKeyring: joined, threadKeyring: thread < 0 ? null : thread };
}
parentPort.on('message', (msg) => {
  if (msg.op === 'init') parentPort.postMessage({ seq: msg.seq, init });
  else if (msg.op === 'read') {
    const keys = readText(msg.procRoot + '/keys');
    const keyUsers = keys.text === undefined ? null : readText(msg.procRoot + '/key-users');
    parentPort.postMessage({ seq: msg.seq, keys, keyUsers, readAt: Date.now() });
  } else if (msg.op === 'describe') {
    parentPort.postMessage({ seq: msg.seq, described: msg.ids.map(describe) });
  }
});
`;

export interface ReadResult {
  /** /proc/keys text, or the failure reading it. */
  keys: { text?: string; code?: string; message?: string };
  keyUsers: { text?: string; code?: string; message?: string } | null;
  /** Epoch ms right after the read (timeouts are relative to it). */
  readAt: number;
}

export type DescribeOutcome = { id: number; description: KeyDescription } | { id: number; code: string };

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

export class NonPossessingReader {
  private readonly worker: Worker;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private failure: Error | null = null;
  /** Keyrings that exist only because of this helper (its joined session keyring, a thread keyring): never shown. */
  private helperIds: number[] | null = null;

  /** A read started at construction (see the constructor's `prefetch`), handed to the first read(). */
  private prefetched: { procRoot: string; result: Promise<ReadResult> } | null = null;

  /**
   * @param prefetch a proc root to read right away: the helper thread boots, joins its session and reads
   *   /proc/keys while the caller is still loading its own modules (a one-shot CLI scan starts sooner).
   */
  constructor(prefetch?: string) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { koffiPath: require.resolve('koffi') } });
    this.worker.on('message', (msg: { seq: number }) => {
      const p = this.pending.get(msg.seq);
      if (!p) return;
      this.pending.delete(msg.seq);
      if (this.pending.size === 0) this.worker.unref();
      p.resolve(msg);
    });
    // The helper keeps the process alive only while a request is pending: between polls it lets the
    // process exit (the CLI need not tear it down; serve keeps itself alive). unref() must come after the
    // 'message' listener, which re-refs the worker.
    this.worker.unref();
    const fail = (err: Error): void => {
      this.failure = err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the non-possessing reader thread exited (code ${code})`)));
    if (prefetch !== undefined) {
      const result = this.helperKeyIds().then(() => this.request<ReadResult>({ op: 'read', procRoot: prefetch }));
      result.catch(() => undefined); // reported by the read() that takes it
      this.prefetched = { procRoot: prefetch, result };
    }
  }

  private request<T>(msg: Record<string, unknown>): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const seq = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(seq, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...msg, seq });
    });
  }

  /** Ids of the keyrings the helper itself created (to hide); joins the session on first call. */
  async helperKeyIds(): Promise<number[]> {
    if (this.helperIds) return this.helperIds;
    const { init } = await this.request<{ init: { code?: string; sessionKeyring?: number; threadKeyring?: number | null } }>({ op: 'init' });
    if (init.code !== undefined || init.sessionKeyring === undefined) {
      throw new Error(`could not give the reader thread its own session keyring (${init.code ?? 'unknown error'})`);
    }
    this.helperIds = [init.sessionKeyring, ...(init.threadKeyring ? [init.threadKeyring] : [])];
    return this.helperIds;
  }

  async read(procRoot: string): Promise<ReadResult> {
    const pre = this.prefetched;
    this.prefetched = null;
    if (pre && pre.procRoot === procRoot) return pre.result;
    await this.helperKeyIds();
    return this.request<ReadResult>({ op: 'read', procRoot });
  }

  /** KEYCTL_DESCRIBE from the non-possessing thread (cheap: it possesses nothing to search). */
  async describe(ids: readonly number[]): Promise<DescribeOutcome[]> {
    if (ids.length === 0) return [];
    const { described } = await this.request<{ described: DescribeOutcome[] }>({ op: 'describe', ids });
    return described;
  }

  async close(): Promise<void> {
    const err = new Error('the reader was closed');
    this.failure ??= err;
    await this.worker.terminate();
  }
}

let prestarted: NonPossessingReader | null = null;
let prestartedRoot: string | null = null;

/**
 * Starts a reader (booting its thread and reading `procRoot`) before the caller loads the rest of its
 * modules: bin/keyring-browser calls it first thing for `snapshot`, so the thread's start-up overlaps the
 * main thread's.
 */
export function prestartReader(procRoot: string): void {
  if (prestarted) return;
  prestarted = new NonPossessingReader(procRoot);
  prestartedRoot = procRoot;
}

/** The prestarted reader, once, if it was started for this proc root. */
export function takePrestartedReader(procRoot: string): NonPossessingReader | null {
  const reader = prestartedRoot === procRoot ? prestarted : null;
  prestarted = null;
  prestartedRoot = null;
  return reader;
}
