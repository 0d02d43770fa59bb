// The one-shot CLI's non-possessing reader, on libuv's thread pool instead of a worker thread.
//
// bin/keyring-browser sets UV_THREADPOOL_SIZE=1 before anything starts the pool, so the pool is ONE thread.
// Its first job joins a fresh, empty anonymous session keyring (koffi's asynchronous calls run on the pool),
// so that thread possesses nothing, and its next denies SEARCH on it (keyctl.ts UNSEARCHABLE_KEYRING_PERM); /proc/keys is then opened there (the kernel judges a /proc/keys reader
// by the opener's credentials, f_cred) and read there by one fread. The main thread keeps the caller's
// credentials and is the possessing side, as in the app; it loads the CLI while the pool reads.
// Why not a worker thread: booting one costs ~70 ms of CPU, which on a 2-vCPU machine competes with the
// main thread; the pool costs nothing to start. (A pool larger than one thread would still give a correct
// snapshot, only a slower one: the read might then run with the caller's credentials.)
import { isAscii } from 'node:buffer';
import { closeSync } from 'node:fs';
import * as keyctl from '../keyring/keyctl';
import { adviseHugePages } from '../keyring/hugePages';
import { ARENA_MAX_BYTES, arenaForRead } from '../keyring/wasmArena';
import type { DescribeOutcome, FileText, ProcReader, ReadResult } from '../keyring/sides';

export class PoolReader implements ProcReader {
  readonly readsAsCreator = true;
  private readonly joined: Promise<number>;
  private prefetched: { procRoot: string; result: Promise<ReadResult> } | null = null;
  /** Settles once the prefetched read's freads are queued on the pool (or it failed before): see readQueued(). */
  private queued: Promise<void> = Promise.resolve();

  /** @param prefetch a proc root to read at once (the CLI's start). */
  constructor(prefetch?: string) {
    this.joined = keyctl.joinSessionKeyringAsync();
    this.joined.catch(() => undefined); // reported by whoever waits for it
    // Queued as soon as the join answers, ahead of the reads (one pool thread: they run after it): a read costs the
    // kernel less when the reader's session denies SEARCH (keyctl.ts UNSEARCHABLE_KEYRING_PERM). One that runs
    // before it, or a change that fails, only costs more: what the reads show is the same.
    void this.joined.then((session) => keyctl.setPermAsync(session, keyctl.UNSEARCHABLE_KEYRING_PERM)).catch(() => undefined);
    if (prefetch !== undefined) {
      // Both files are opened by jobs queued right behind the join: the one pool thread runs them in that order,
      // after the join, without waiting for this thread to pass by (while it loads the CLI). Only the reads
      // then wait for it, once, and go back to back.
      const keys = keyctl.openOnPool(`${prefetch}/keys`);
      const keyUsers = keyctl.openOnPool(`${prefetch}/key-users`);
      let queuedNow = (): void => {};
      this.queued = new Promise<void>((resolve) => (queuedNow = resolve));
      const result = this.readOpened(prefetch, keys, keyUsers, queuedNow);
      // A failed read is reported by the read() that takes it.
      result.then(queuedNow, queuedNow);
      this.prefetched = { procRoot: prefetch, result };
    }
  }

  /**
   * Settles (never rejects) once the prefetched read is queued on the pool thread: its freads wait for this thread
   * to take the opens' answers from the event loop, so a caller that is about to load for a while (the CLI) lets the
   * loop turn first, and the kernel then produces /proc/keys while it loads, not after.
   */
  readQueued(): Promise<void> {
    return this.queued;
  }

  /** The session keyring the pool thread joined (never shown). */
  async helperKeyIds(): Promise<number[]> {
    return [await this.joined];
  }

  read(procRoot: string): Promise<ReadResult> {
    const pre = this.prefetched;
    this.prefetched = null;
    if (pre && pre.procRoot === procRoot) return pre.result;
    return this.readNow(procRoot);
  }

  /** KEYCTL_DESCRIBE on the pool thread (it possesses nothing, so it is cheap). */
  async describe(ids: readonly number[]): Promise<DescribeOutcome[]> {
    await this.joined;
    const out: DescribeOutcome[] = [];
    // One at a time: the pool has one thread, and these are few (keys /proc/keys leaves ambiguous).
    for (const id of ids) {
      try {
        out.push({ id, description: await keyctl.describeAsync(id) });
      } catch (err) {
        if (!(err instanceof keyctl.KeyctlError)) throw err;
        out.push({ id, code: err.code });
      }
    }
    return out;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** readNow, with both files' opens queued already (behind the join). */
  private async readOpened(procRoot: string, keysOpen: Promise<number>, keyUsersOpen: Promise<number>, queued: () => void): Promise<ReadResult> {
    const fds = Promise.all([keysOpen, keyUsersOpen]);
    try {
      await this.joined;
    } catch (err) {
      // Opened with the caller's credentials, then: never read.
      for (const fd of await fds.catch(() => [])) if (fd >= 0) closeSync(fd);
      throw err;
    }
    const [keysFd, keyUsersFd] = await fds;
    const keysPath = `${procRoot}/keys`;
    const keyUsersPath = `${procRoot}/key-users`;
    // Into WebAssembly memory, where the parse reads it (wasmArena.ts), backed by huge pages where the kernel can.
    const first = arenaForRead(keyctl.READ_CHUNK);
    if (first !== null) adviseHugePages(first.buffer, ARENA_MAX_BYTES);
    const keys = keyctl.readOpenedOnPool(keysFd, keysPath, first);
    // Queued right behind it (as readNow, it is read only when /proc/keys was).
    const keyUsers = keysFd < 0 ? null : keyctl.readOpenedOnPool(keyUsersFd, keyUsersPath);
    if (keysFd < 0 && keyUsersFd >= 0) closeSync(keyUsersFd);
    queued();
    const keysText = bytesTextOf(await keys);
    const readAt = Date.now();
    const keyUsersText = keyUsers === null ? null : textOf(await keyUsers);
    return { keys: keysText, keyUsers: keysText.text === undefined ? null : keyUsersText, readAt };
  }

  private async readNow(procRoot: string): Promise<ReadResult> {
    await this.joined;
    const keys = await textOnPool(`${procRoot}/keys`);
    const keyUsers = keys.text === undefined ? null : await textOnPool(`${procRoot}/key-users`);
    return { keys, keyUsers, readAt: Date.now() };
  }
}

async function textOnPool(path: string): Promise<FileText> {
  return textOf(await keyctl.readFileOnPool(path));
}

/**
 * The file as a FileText of its bytes, one per character (latin1: a copy, where UTF-8 decoding makes every
 * character two bytes wide as soon as one is outside ASCII); flagged `bytes` when that differs from UTF-8.
 */
function bytesTextOf(read: keyctl.FileBytes): FileText {
  if (!('bytes' in read)) return { code: read.code, message: read.message };
  const text = read.bytes.toString('latin1');
  return isAscii(read.bytes) ? { text, raw: read.bytes } : { text, bytes: true, raw: read.bytes };
}

function textOf(read: keyctl.FileBytes): FileText {
  return 'bytes' in read ? { text: read.bytes.toString('utf8') } : { code: read.code, message: read.message };
}
