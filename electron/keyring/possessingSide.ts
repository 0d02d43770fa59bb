// The sides of a scan (sides.ts) that run without a helper thread of their own, and the possessing side
// backed by one:
//  - inThreadPossessingSide: the calling thread possesses (the app's scanning worker, serve).
//  - threadPossessingSide: a keyring thread created before its creator joined an empty session keeps the
//    creator's original credentials and possesses for it (the one-shot CLI, prestart.ts).
//  - InThreadReader: the calling thread has already joined a fresh session keyring, so it possesses nothing
//    and reads /proc itself (the one-shot CLI's main thread).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readProcessAnchors, type ProcessAnchors } from './anchors';
import * as keyctl from './keyctl';
import type { KeyringThread } from './keyringThread';
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
 * A keyring thread that did not join possesses for its creator. `anchors` are the creator's, read before
 * it changed its credentials (the thread's own GET_KEYRING_ID(-1) would miss the creator's thread keyring,
 * which a new thread does not inherit); without them the thread is asked.
 */
export function threadPossessingSide(thread: KeyringThread, anchors?: ProcessAnchors): PossessingSide & { prefetchMembers(ids: readonly number[]): void } {
  let prefetched: { ids: readonly number[]; result: Promise<MembersOutcome[]> } | null = null;
  return {
    anchors: () => (anchors ? Promise.resolve({ ...anchors }) : thread.anchors()),
    /** Starts reading these keyrings now; the first readMembers() of exactly these ids gets the answer. */
    prefetchMembers(ids) {
      const result = thread.readMembers(ids);
      result.catch(() => undefined); // reported by the readMembers() that takes it
      prefetched = { ids: [...ids], result };
    },
    readMembers: (ids) => {
      const pre = prefetched;
      prefetched = null;
      if (pre !== null && sameIds(pre.ids, ids)) return pre.result;
      return thread.readMembers(ids);
    },
    describe: (ids) => thread.describe(ids),
    readProcKeys: (procRoot) => thread.readText(`${procRoot}/keys`),
    // The thread loads our compiled module, so only from a build (tests run the TypeScript sources).
    ...(existsSync(PIN_ENVIRONMENT_JS)
      ? { processesByUid: (procRoot: string) => thread.call<Map<number, number>>(PIN_ENVIRONMENT_JS, 'countProcessesByRealUid', [procRoot]) }
      : {}),
    close: () => thread.close(),
  };
}

/** pinEnvironment's compiled module beside this one (dist/electron/keyring/), if this is a build. */
const PIN_ENVIRONMENT_JS = join(__dirname, 'pinEnvironment.js');

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
