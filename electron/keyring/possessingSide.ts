// The sides of a scan (sides.ts) that need no helper thread of their own:
//  - inThreadPossessingSide: the calling thread possesses (the app's scanning worker, serve).
//  - poolPossessingSide: libuv's thread pool, started before the calling thread joined an empty session,
//    keeps the caller's original credentials and possesses for it (the one-shot CLI, prestart.ts).
//  - InThreadReader: the calling thread has already joined a fresh session keyring, so it possesses nothing
//    and reads /proc itself (the one-shot CLI's main thread).
import { readFileSync, stat } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { readProcessAnchors, type ProcessAnchors } from './anchors';
import * as keyctl from './keyctl';
import type { DescribeOutcome, FileText, MembersOutcome, PossessingSide, ProcReader, ReadResult } from './sides';

/** The keyctl calls the possessing side makes (tests spy on them). */
export interface PossessingOps {
  readKeyringMembers(id: number): number[];
  describe(id: number): keyctl.KeyDescription;
  getKeyringId(id: number, create?: boolean): number;
}

const KEYCTL_OPS: PossessingOps = {
  readKeyringMembers: keyctl.readKeyringMembers,
  describe: keyctl.describe,
  getKeyringId: keyctl.getKeyringId,
};

/** Runs `op` on each id; a KeyctlError becomes that id's errno name, anything else propagates. */
function eachId<T>(ids: readonly number[], op: (id: number) => T): Array<T | { id: number; code: string }> {
  return ids.map((id) => {
    try {
      return op(id);
    } catch (err) {
      if (err instanceof keyctl.KeyctlError) return { id, code: err.code };
      throw err;
    }
  });
}

/** Reads a file synchronously on the calling thread: /proc/keys checks the opener's credentials. */
export function readTextHere(path: string): FileText {
  try {
    return { text: readFileSync(path, 'utf8') };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { code: e.code ?? 'EIO', message: String(e.message) };
  }
}

/** `${procRoot}/keys` and `${procRoot}/key-users` read on the calling thread. */
export function readProcHere(procRoot: string): ReadResult {
  const keys = readTextHere(`${procRoot}/keys`);
  const keyUsers = keys.text === undefined ? null : readTextHere(`${procRoot}/key-users`);
  return { keys, keyUsers, readAt: Date.now() };
}

/** The calling thread is the possessing side (sync keyctl calls in resolved promises). */
export function inThreadPossessingSide(ops: PossessingOps = KEYCTL_OPS): PossessingSide {
  const settle = <T>(work: () => T): Promise<T> => {
    try {
      return Promise.resolve(work());
    } catch (err) {
      return Promise.reject(err as Error);
    }
  };
  return {
    anchors: () => settle(() => readProcessAnchors(ops.getKeyringId)),
    readMembers: (ids) => settle(() => eachId(ids, (id): MembersOutcome => ({ id, members: ops.readKeyringMembers(id) }))),
    describe: (ids) => settle(() => eachId(ids, (id): DescribeOutcome => ({ id, description: ops.describe(id) }))),
    readProcKeys: (procRoot) => settle(() => readTextHere(`${procRoot}/keys`)),
    close: () => Promise.resolve(),
  };
}

/**
 * The possessing side on libuv's thread pool: koffi's asynchronous calls run there, and the pool's threads
 * keep the credentials the process had when the pool started (startPossessingPool, before the calling
 * thread joins an empty session). So the one-shot CLI possesses for its caller without booting a worker:
 * the pool starts in ~2 ms, a worker thread in ~70 (and competes with the main thread while it boots).
 * `anchors` are the caller's, read before it changed its credentials. /proc/keys is read asynchronously,
 * so it is opened on a pool thread, with the caller's credentials, as possession requires.
 */
export function poolPossessingSide(anchors: ProcessAnchors): PossessingSide & { prefetchMembers(ids: readonly number[]): void } {
  let prefetched: { ids: readonly number[]; result: Promise<MembersOutcome[]> } | null = null;
  const readMembers = (ids: readonly number[]): Promise<MembersOutcome[]> =>
    eachIdAsync(ids, async (id): Promise<MembersOutcome> => ({ id, members: await keyctl.readKeyringMembersAsync(id) }));
  return {
    anchors: () => Promise.resolve({ ...anchors }),
    /** Starts reading these keyrings now; the first readMembers() of exactly these ids gets the answer. */
    prefetchMembers(ids) {
      const result = readMembers(ids);
      result.catch(() => undefined); // reported by the readMembers() that takes it
      prefetched = { ids: [...ids], result };
    },
    readMembers: (ids) => {
      const pre = prefetched;
      prefetched = null;
      if (pre !== null && sameIds(pre.ids, ids)) return pre.result;
      return readMembers(ids);
    },
    describe: (ids) => eachIdAsync(ids, async (id): Promise<DescribeOutcome> => ({ id, description: await keyctl.describeAsync(id) })),
    readProcKeys: async (procRoot) => {
      try {
        return { text: await readFile(`${procRoot}/keys`, 'utf8') };
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        return { code: e.code ?? 'EIO', message: String(e.message) };
      }
    },
    close: () => Promise.resolve(),
  };
}

/** How many pool calls are in flight at once: libuv's pool has 4 threads, koffi caps concurrent calls. */
const POOL_CALLS_IN_FLIGHT = 8;

/** eachId for asynchronous calls, a few in flight at a time, answers in the order asked. */
async function eachIdAsync<T>(ids: readonly number[], op: (id: number) => Promise<T>): Promise<Array<T | { id: number; code: string }>> {
  const out = new Array<T | { id: number; code: string }>(ids.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < ids.length) {
      const i = next++;
      const id = ids[i] as number;
      try {
        out[i] = await op(id);
      } catch (err) {
        if (!(err instanceof keyctl.KeyctlError)) throw err;
        out[i] = { id, code: err.code };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(POOL_CALLS_IN_FLIGHT, ids.length) }, lane));
  return out;
}

/**
 * Starts libuv's thread pool now, if it has not started, so that its threads are created with this thread's
 * present credentials (libuv creates them all on the first piece of work). Call it before changing them.
 */
export function startPossessingPool(): void {
  stat('/', () => undefined);
}

function sameIds(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The non-possessing side on a thread that has ALREADY joined a fresh session keyring (`joinedSession`,
 * hidden from the snapshot). It may be primed with a first read (the prestart's), which the first read()
 * of the same proc root returns.
 */
export class InThreadReader implements ProcReader {
  private primed: { procRoot: string; result: ReadResult } | null;

  constructor(
    private readonly joinedSession: number,
    primed?: { procRoot: string; result: ReadResult },
  ) {
    this.primed = primed ?? null;
  }

  helperKeyIds(): Promise<number[]> {
    return Promise.resolve([this.joinedSession]);
  }

  read(procRoot: string): Promise<ReadResult> {
    const primed = this.primed;
    this.primed = null;
    if (primed && primed.procRoot === procRoot) return Promise.resolve(primed.result);
    return Promise.resolve(readProcHere(procRoot));
  }

  describe(ids: readonly number[]): Promise<DescribeOutcome[]> {
    try {
      return Promise.resolve(eachId(ids, (id): DescribeOutcome => ({ id, description: keyctl.describe(id) })));
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
