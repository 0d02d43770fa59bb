// The one request/answer protocol between the app's threads and the worker threads it starts.
//
// A worker body (a compiled TypeScript file in this folder) calls serveThread() with what it does once at
// start and a table of operations; the creating thread holds a ThreadClient typed by the same table, so an
// operation's name, arguments and result agree on both sides at compile time (the client imports the
// body's types only, never its code).
//
// Conventions every thread shares:
//  - message 0 is the start answer, sent unasked once the body has started (what it did at start, e.g.
//    the session keyring it joined, or why it could not start); a body that could not start answers every
//    later request with that failure;
//  - a thread keeps the process alive only while a request is pending (or its start answer is awaited), so
//    a CLI need not tear its threads down; a request made with callInBackground (one that may wait long, as the
//    scan thread's polls on its own timer do) does not;
//  - close() waits for the thread to have started before terminating it: terminating a worker while it is
//    still loading koffi's native module aborts the whole process (the addon's initialisation cannot throw
//    into a terminating thread; seen in CI when a test closed an unused scanner at once);
//  - a thread that dies unasked (an uncaught error, process.exit in the body) fails its pending requests and
//    every later one, and tells whoever listens (onDeath), so its owner can start another;
//  - no descriptor outlives the thread that had it open, however it ended (terminated mid-operation included: see
//    keyring/heldDescriptors.ts, the one rule): Node closes those opened through node:fs (trackUnmanagedFds, set
//    below), and the client closes after the thread's 'exit' those the thread said it holds and has not let go. A
//    thread's own threads' descriptors are its client's to close, not passed up: a 'released' not passed up yet when
//    the thread was stopped would have the client above close a number another thread had opened since.
import { closeSync, existsSync } from 'node:fs';
import type * as WorkerThreads from 'node:worker_threads';
import type { Worker } from 'node:worker_threads';
import { watchHeldDescriptors } from '../keyring/heldDescriptors';

/**
 * node:worker_threads, loaded when a thread is made or served: the one-shot CLI's path imports this module (its
 * fallback reader) but starts no thread, and loading it costs ~10 ms of CPU at start (Node's worker and stream code).
 */
function workerThreads(): typeof WorkerThreads {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('node:worker_threads') as typeof WorkerThreads;
}

/** A body's operations: structured-clonable arguments in, a structured-clonable result (or promise of one) out. */
export type ThreadOps = { [op: string]: (...args: never[]) => unknown };

/** An error as it crosses the thread boundary. */
export interface ThreadErrorShape {
  name: string;
  message: string;
  /** The errno name, when the error had one. */
  code?: string;
}

interface Call {
  seq: number;
  op: string;
  args: unknown[];
}

interface Reply {
  seq: number;
  result?: unknown;
  error?: ThreadErrorShape;
}

/** A thread saying it holds a descriptor beyond the call, or is about to close one (keyring/heldDescriptors.ts). */
type DescriptorNote = { held: number } | { released: number };

/** The seq of the start answer. */
const START = 0;
/** The operation every body answers: run its close hook (then the client terminates it). */
const CLOSE = '.close';
/** How long close() waits for a thread to start, then for its close hook (both take well under a second). */
const CLOSE_WAIT_MS = 10_000;

/** A failure a thread reported: its name (KeyctlError, KeyringsUnavailableError, ...), message and errno name. */
export class ThreadError extends Error {
  override readonly name: string;
  readonly code: string | undefined;
  constructor(shape: ThreadErrorShape) {
    super(shape.message);
    this.name = shape.name;
    this.code = shape.code;
  }
}

function shapeOf(err: unknown): ThreadErrorShape {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { name: err.name, message: err.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(err) };
}

/**
 * The worker side: runs `start` at once and sends its result (or failure) as the start answer, then answers
 * each request by running the named operation. `onClose` runs when the client closes the thread.
 */
export function serveThread<Start, Ops extends ThreadOps>(start: () => Start, ops: Ops, onClose?: () => Promise<void> | void): void {
  const port = workerThreads().parentPort;
  if (!port) throw new Error('a thread body must run in a worker thread');
  watchHeldDescriptors({
    held: (fd) => port.postMessage({ held: fd } satisfies DescriptorNote),
    released: (fd) => port.postMessage({ released: fd } satisfies DescriptorNote),
  });
  let failed: ThreadErrorShape | null = null;
  try {
    port.postMessage({ seq: START, result: start() } satisfies Reply);
  } catch (err) {
    failed = shapeOf(err);
    port.postMessage({ seq: START, error: failed } satisfies Reply);
  }
  port.on('message', (call: Call) => {
    const reply = (settled: Omit<Reply, 'seq'>): void => port.postMessage({ seq: call.seq, ...settled });
    if (call.op === CLOSE) {
      Promise.resolve()
        .then(onClose)
        .then(
          () => reply({ result: null }),
          (err: unknown) => reply({ error: shapeOf(err) }),
        );
      return;
    }
    if (failed) return reply({ error: failed });
    const op = Object.hasOwn(ops, call.op) ? ops[call.op] : undefined;
    if (!op) return reply({ error: { name: 'Error', message: `unknown thread operation ${call.op}` } });
    Promise.resolve()
      .then(() => (op as (...args: unknown[]) => unknown)(...call.args))
      .then(
        (result) => reply({ result }),
        (err: unknown) => reply({ error: shapeOf(err) }),
      );
  });
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  /** Made with callInBackground: does not keep the process alive. */
  background?: boolean;
}

export interface ThreadClientOptions {
  /** Says what the thread is, in errors ("the reader thread exited ..."). */
  label: string;
  /** The body's workerData. */
  data?: unknown;
  /** Keep the process alive until the start answer arrives, even if nobody asks for it yet. */
  awaitStart?: boolean;
  /** How long close() waits for the start, then for the close hook (CLOSE_WAIT_MS; tests make it short). */
  closeWaitMs?: number;
}

/** The creating side of one worker thread running body file `entry` (see entry.ts). */
export class ThreadClient<Start, Ops extends ThreadOps> {
  private readonly worker: Worker;
  private readonly label: string;
  private seq = START;
  private readonly pending = new Map<number, Pending>();
  private failure: Error | null = null;
  private closing: Promise<void> | null = null;
  private readonly startAnswer: Promise<Start>;
  private startWanted: boolean;
  private readonly closeWaitMs: number;
  private readonly deathListeners: Array<(err: Error) => void> = [];
  /** The descriptors the thread said it holds and has not let go (closed here after its 'exit'). */
  private readonly heldByThread = new Set<number>();

  constructor(entry: string, options: ThreadClientOptions) {
    this.label = options.label;
    if (!existsSync(entry)) throw new Error(`the ${this.label} thread's code is not built (${entry} is missing): run \`npm run build:node\``);
    // trackUnmanagedFds is Node's default; said here because heldDescriptors.ts's rule rests on it.
    this.worker = new (workerThreads().Worker)(entry, { workerData: options.data, trackUnmanagedFds: true });
    this.startAnswer = new Promise<Start>((resolve, reject) => {
      this.pending.set(START, { resolve: resolve as (v: unknown) => void, reject });
    });
    this.startAnswer.catch(() => undefined); // reported to whoever asks for it
    this.startWanted = options.awaitStart ?? false;
    this.closeWaitMs = options.closeWaitMs ?? CLOSE_WAIT_MS;
    this.worker.on('message', (message: Reply | DescriptorNote) => this.receive(message));
    this.worker.on('error', (err) => this.fail(err, true));
    this.worker.on('exit', (code) => {
      // Node delivers every message the thread sent before 'exit': what is still held here, the thread did not close.
      this.closeWhatItHeld();
      this.fail(new Error(`the ${this.label} thread exited (code ${code})`), true);
    });
    // After the 'message' listener, which refs the worker.
    this.updateRef();
  }

  /** The start answer; rejects with the body's failure when it could not start. */
  started(): Promise<Start> {
    if (!this.startWanted) {
      this.startWanted = true;
      this.updateRef();
    }
    return this.startAnswer;
  }

  /** Runs operation `op` on the thread. */
  call<K extends keyof Ops & string>(op: K, ...args: Parameters<Ops[K]>): Promise<Awaited<ReturnType<Ops[K]>>> {
    if (this.closing) return Promise.reject(this.failure ?? new Error(`the ${this.label} thread was closed`));
    return this.post(op, args) as Promise<Awaited<ReturnType<Ops[K]>>>;
  }

  /** call(), but its answer alone does not keep the process alive (a pending poll must not keep a CLI running). */
  callInBackground<K extends keyof Ops & string>(op: K, ...args: Parameters<Ops[K]>): Promise<Awaited<ReturnType<Ops[K]>>> {
    if (this.closing) return Promise.reject(this.failure ?? new Error(`the ${this.label} thread was closed`));
    return this.post(op, args, true) as Promise<Awaited<ReturnType<Ops[K]>>>;
  }

  /** True once the thread has died or been closed: every request now fails. */
  get dead(): boolean {
    return this.failure !== null || this.closing !== null;
  }

  /** Called once if the thread dies unasked (not after close()). */
  onDeath(listener: (err: Error) => void): void {
    this.deathListeners.push(listener);
  }

  /** Runs the body's close hook and stops the thread, once it has started (see the top of this file). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.startWanted = true; // keeps the process alive until the thread has started
      this.updateRef();
      await Promise.race([this.startAnswer.catch(() => undefined), delay(this.closeWaitMs)]);
      if (!this.failure) await Promise.race([this.post(CLOSE, []).catch(() => undefined), delay(this.closeWaitMs)]);
      this.fail(new Error(`the ${this.label} thread was closed`), false);
      await this.worker.terminate();
    })();
    return this.closing;
  }

  private post(op: string, args: unknown[], background = false): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const seq = ++this.seq;
    return new Promise<unknown>((resolve, reject) => {
      this.pending.set(seq, background ? { resolve, reject, background } : { resolve, reject });
      this.updateRef();
      this.worker.postMessage({ seq, op, args } satisfies Call);
    });
  }

  private receive(message: Reply | DescriptorNote): void {
    if ('held' in message) this.heldByThread.add(message.held);
    else if ('released' in message) this.heldByThread.delete(message.released);
    else this.settle(message);
  }

  private closeWhatItHeld(): void {
    for (const fd of this.heldByThread) {
      try {
        closeSync(fd);
      } catch {
        // already closed: nothing was left open
      }
    }
    this.heldByThread.clear();
  }

  private settle(reply: Reply): void {
    const p = this.pending.get(reply.seq);
    if (!p) return;
    this.pending.delete(reply.seq);
    this.updateRef();
    if (reply.error) p.reject(new ThreadError(reply.error));
    else p.resolve(reply.result);
  }

  private fail(err: Error, unasked: boolean): void {
    if (this.failure) return;
    this.failure = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.updateRef();
    if (unasked && !this.closing) for (const listener of this.deathListeners) listener(err);
  }

  /** Ref'd while a request is pending (or the start answer is wanted), unref'd otherwise; background requests aside. */
  private updateRef(): void {
    const startPending = this.pending.has(START);
    let requests = 0;
    for (const [seq, p] of this.pending) if (seq !== START && p.background !== true) requests++;
    if (requests > 0 || (startPending && this.startWanted)) this.worker.ref();
    else this.worker.unref();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
