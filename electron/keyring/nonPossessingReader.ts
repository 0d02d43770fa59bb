// The non-possessing reader: a keyring thread (keyringThread.ts) that joins a fresh, empty anonymous
// session keyring and then reads /proc/keys and /proc/key-users, and DESCRIBEs the few keys whose names
// /proc/keys leaves ambiguous.
//
// Why a thread: the kernel decides possession by searching the reader's keyrings for every key it shows,
// so a reader that possesses 40k keys in 400 keyrings pays keys × keyrings (seconds). Credentials are
// per-thread in Linux: KEYCTL_JOIN_SESSION_KEYRING in this thread changes only its creds (verified: the
// main thread's @s is unchanged after the thread joined). It is kept alive between polls: the app and
// `serve` use it; the one-shot CLI uses libuv's pool thread instead (poolReader.ts), which costs nothing to
// start.
import { KeyringThread } from './keyringThread';
import type { DescribeOutcome, ProcReader, ReadResult } from './sides';

export class NonPossessingReader implements ProcReader {
  private readonly thread: KeyringThread;
  /** Keyrings that exist only because of this helper (its joined session keyring, a thread keyring): never shown. */
  private helperIds: Promise<number[]> | null = null;
  /** A read started at construction (see the constructor's `prefetch`), handed to the first read(). */
  private prefetched: { procRoot: string; result: Promise<ReadResult> } | null = null;

  /**
   * @param prefetch a proc root to read right away: the helper thread boots, joins its session and reads
   *   /proc/keys while the caller gets on with other work.
   */
  constructor(prefetch?: string) {
    this.thread = new KeyringThread({ prefetch });
    if (prefetch !== undefined) {
      const result = this.thread.started().then(({ prefetched }) => prefetched as ReadResult);
      result.catch(() => undefined); // reported by the read() that takes it
      this.prefetched = { procRoot: prefetch, result };
    }
  }

  /** Ids of the keyrings the helper itself created (to hide); rejects when it could not join a session. */
  helperKeyIds(): Promise<number[]> {
    this.helperIds ??= this.thread.started().then(
      ({ joined }) => {
        if (!joined) throw new Error('the reader thread did not join a session keyring');
        return [joined.sessionKeyring, ...(joined.threadKeyring ? [joined.threadKeyring] : [])];
      },
      (err: unknown) => {
        const why = err instanceof Error ? err.message : String(err);
        throw new Error(`could not give the reader thread its own session keyring (${why})`);
      },
    );
    return this.helperIds;
  }

  async read(procRoot: string): Promise<ReadResult> {
    const pre = this.prefetched;
    this.prefetched = null;
    if (pre && pre.procRoot === procRoot) {
      await this.helperKeyIds();
      return pre.result;
    }
    await this.helperKeyIds();
    return this.thread.read(procRoot);
  }

  /** KEYCTL_DESCRIBE from the non-possessing thread (cheap: it possesses nothing to search). */
  describe(ids: readonly number[]): Promise<DescribeOutcome[]> {
    return this.thread.describe(ids);
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}
