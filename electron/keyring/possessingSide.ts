// The possessing side of a scan (sides.ts) on the calling thread: the thread that scans possesses (the
// app's scanning worker, serve, the one-shot CLI's main thread).
import { readFileSync } from 'node:fs';
import { readProcessAnchors } from './anchors';
import * as keyctl from './keyctl';
import { KEY_SPEC } from '../../shared/keyIds';
import type { DescribeOutcome, FileText, MembersOutcome, PossessingSide } from './sides';

/** The keyctl calls the possessing side makes (tests spy on them: electron/keyring/test/kernelHelpers.ts). */
export interface PossessingOps {
  readKeyringMembers(id: number): number[];
  /** The same, unless the list is byte for byte `last` (memberBytes): then null. */
  readKeyringMembersUnlessSame(id: number, last: Uint8Array | undefined): number[] | null;
  describe(id: number): keyctl.KeyDescription;
  getKeyringId(id: number, create?: boolean): number;
}

const KEYCTL_OPS: PossessingOps = {
  readKeyringMembers: keyctl.readKeyringMembers,
  readKeyringMembersUnlessSame: keyctl.readKeyringMembersUnlessSame,
  describe: keyctl.describe,
  getKeyringId: keyctl.getKeyringId,
};

/** Runs `op` on each id; a KeyctlError becomes that id's errno name, anything else propagates. */
export function eachId<T>(ids: readonly number[], op: (id: number) => T): Array<T | { id: number; code: string }> {
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
    holdsInstantiationAuthority: () => settle(() => holdsInstantiationAuthority(ops)),
    readMembers: (ids) => settle(() => eachId(ids, (id): MembersOutcome => ({ id, members: ops.readKeyringMembers(id) }))),
    readChangedMembers: (ids, last) => settle(() => changedMembers(ops, ids, last)),
    describe: (ids) => settle(() => eachId(ids, (id): DescribeOutcome => ({ id, description: ops.describe(id) }))),
    readProcKeys: (procRoot) => settle(() => readTextHere(`${procRoot}/keys`)),
    close: () => Promise.resolve(),
  };
}

/**
 * GET_KEYRING_ID(-7, create=0) names the authorisation key the credentials assumed, and answers ENOKEY without one
 * (lookup_user_key, KEY_SPEC_REQKEY_AUTH_KEY: no side effect). Any other answer counts as authority.
 */
function holdsInstantiationAuthority(ops: PossessingOps): boolean {
  try {
    ops.getKeyringId(KEY_SPEC.REQKEY_AUTH, false);
    return true;
  } catch (err) {
    return !(err instanceof keyctl.KeyctlError && err.code === 'ENOKEY');
  }
}

/** PossessingSide.readChangedMembers: the outcomes of the keyrings whose lists differ from `last`'s bytes, which it updates. */
function changedMembers(ops: PossessingOps, ids: readonly number[], last: Map<number, Uint8Array>): MembersOutcome[] {
  const changed: MembersOutcome[] = [];
  for (const id of ids) {
    let members: number[] | null;
    try {
      members = ops.readKeyringMembersUnlessSame(id, last.get(id));
    } catch (err) {
      if (!(err instanceof keyctl.KeyctlError)) throw err;
      last.delete(id);
      changed.push({ id, code: err.code });
      continue;
    }
    if (members === null) continue;
    last.set(id, keyctl.memberBytes(members));
    changed.push({ id, members });
  }
  return changed;
}
