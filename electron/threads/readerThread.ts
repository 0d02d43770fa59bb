// The non-possessing reader of the app and `serve`: a worker thread (readerWorker.ts) in a fresh, empty
// session keyring of its own, which reads /proc/keys and /proc/key-users and DESCRIBEs the few keys whose
// names /proc/keys leaves ambiguous.
//
// Why a thread: the kernel decides possession by searching the reader's keyrings for every key it shows,
// so a reader that possesses 40k keys in 400 keyrings pays keys × keyrings (seconds); a reader that
// possesses nothing pays nothing. It is kept between polls. The one-shot CLI uses libuv's pool thread
// instead (poolReader.ts), which costs nothing to start.
// This module must not load koffi on the caller's thread (types only from the body).
import type { DescribeOutcome, ProcReader, ReadResult } from '../keyring/sides';
import type { UserCredentials } from './credentials';
import { threadEntryPath } from './entry';
import type { ReaderData, ReaderOps, ReaderStart } from './readerWorker';
import { ThreadClient } from './rpc';

export type { JoinedKeyrings, ReaderStart } from './readerWorker';

export interface ReaderThreadOptions {
  /** A proc root to read at once: the thread boots, joins its session and reads while the caller works on. */
  prefetch?: string;
  /** Read as this user (its filesystem ids and groups, on the reader thread only; needs root). */
  credentials?: UserCredentials;
}

export class ReaderThread implements ProcReader {
  readonly readsAsCreator: boolean;
  private readonly thread: ThreadClient<ReaderStart, ReaderOps>;
  private helperIds: Promise<number[]> | null = null;
  /** The read made at start (options.prefetch), handed to the first read() of that root. */
  private prefetched: { procRoot: string; result: Promise<ReadResult> } | null = null;

  constructor(options: ReaderThreadOptions = {}) {
    const data: ReaderData = { ...options };
    this.readsAsCreator = options.credentials === undefined;
    this.thread = new ThreadClient(threadEntryPath('readerWorker'), { label: 'reader', data, awaitStart: options.prefetch !== undefined });
    if (options.prefetch !== undefined) {
      const result = this.thread.started().then(({ prefetched }) => prefetched as ReadResult);
      result.catch(() => undefined); // reported by the read() that takes it
      this.prefetched = { procRoot: options.prefetch, result };
    }
  }

  /** The start answer: the keyrings it joined, its prefetch; rejects when it could not start. */
  started(): Promise<ReaderStart> {
    return this.thread.started();
  }

  /** Ids of the keyrings the reader itself made (its session keyring, a thread keyring): never shown. */
  helperKeyIds(): Promise<number[]> {
    this.helperIds ??= this.thread.started().then(
      ({ joined }) => [joined.sessionKeyring, ...(joined.threadKeyring === null ? [] : [joined.threadKeyring])],
      (err: unknown) => {
        const why = err instanceof Error ? err.message : String(err);
        throw new Error(`could not start the reader thread in a session keyring of its own (${why})`);
      },
    );
    return this.helperIds;
  }

  /** `${procRoot}/keys` and `${procRoot}/key-users`, and the member lists of `members`, read on the thread. */
  async read(procRoot: string, changesOnly = false, members: readonly number[] = []): Promise<ReadResult> {
    await this.helperKeyIds();
    const pre = this.prefetched;
    this.prefetched = null;
    if (pre && pre.procRoot === procRoot) return pre.result;
    return this.thread.call('read', procRoot, changesOnly, [...members]);
  }

  /** The last read whole, read no more (ProcReader.lastWhole). */
  lastWhole(procRoot: string): Promise<ReadResult | null> {
    return this.thread.call('lastWhole', procRoot);
  }

  /** KEYCTL_DESCRIBE of each id on the thread (cheap: it possesses nothing to search), in one message. */
  describe(ids: readonly number[]): Promise<DescribeOutcome[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.thread.call('describe', [...ids]);
  }

  /** True once the thread has died or was closed. */
  get dead(): boolean {
    return this.thread.dead;
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}
