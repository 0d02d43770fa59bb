// The scan's refusals predicted without a KEYCTL_READ (refusedReads.ts), against the kernel: what it skips, the
// kernel refuses (the same snapshot as a scan that reads every keyring), and where our model of possession may be
// short of the kernel's search, it reads.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEY_SPEC } from '../../shared/keyIds';
import type { KeyInfo, Snapshot } from '../../shared/snapshot';
import * as keyctl from './keyctl';
import { Scanner } from './scanner';
import { freshSession, keyctlCli, possessingOpsOver } from './test/kernelHelpers';

/** Another session (keyctl's own process) holding a private keyring (`keyctl newring`'s 0x3f010000) with one key. */
async function otherSession(): Promise<{ ring: number; child: ChildProcess }> {
  const child = spawn('keyctl', ['session', '-', 'sh', '-c', 'r=$(keyctl newring other-private @s) && keyctl add user inside x "$r" >/dev/null && echo "$r" && exec cat'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    createInterface({ input: child.stdout! }).once('line', resolve);
  });
  return { ring: Number(line), child };
}

/** Scans with ops that count each keyring read; `authority` makes -7 resolve, as inside a request-key upcall. */
async function scanCounting(authority: boolean): Promise<{ snap: Snapshot; read: Set<number> }> {
  const read = new Set<number>();
  const ops = possessingOpsOver({
    readKeyringMembers: (id) => (read.add(id), keyctl.readKeyringMembers(id)),
    describe: keyctl.describe,
    getKeyringId: (id, create) => (authority && id === KEY_SPEC.REQKEY_AUTH ? 1 : keyctl.getKeyringId(id, create)),
  });
  const scanner = new Scanner({ ops, cacheNames: false });
  try {
    return { snap: await scanner.scan(), read };
  } finally {
    await scanner.close();
  }
}

function keyOf(snap: Snapshot, id: number): KeyInfo | undefined {
  return snap.keys.find((k) => k.id === id);
}

describe('refusals predicted without reading (against the kernel)', () => {
  let session: number;
  let others: ChildProcess[];
  beforeEach(() => {
    session = freshSession();
    others = [];
  });
  afterEach(() => {
    for (const child of others) child.stdin?.end();
  });

  it("does not read another session's private keyring, and shows it as a scan that reads it does", async () => {
    const { ring, child } = await otherSession();
    others.push(child);
    const mine = keyctl.addKey('keyring', 'mine', null, session);
    keyctl.addKey('user', 'my key', Buffer.from('x'), mine);
    // The kernel refuses it to us: we do not possess it, and its user bits only let us view it.
    expect(() => keyctl.readKeyringMembers(ring)).toThrow(expect.objectContaining({ code: 'EACCES' }));

    const predicted = await scanCounting(false);
    const readAll = await scanCounting(true); // authority: nothing is predicted, every keyring is read
    expect(predicted.read.has(ring)).toBe(false);
    expect(readAll.read.has(ring)).toBe(true);
    expect(predicted.read.has(mine)).toBe(true);
    for (const id of [ring, mine]) expect(keyOf(predicted.snap, id), `key ${id}`).toEqual(keyOf(readAll.snap, id));
    // Our session's usage counts credentials, which the keyctl child's start may still be releasing: its links only.
    expect(keyOf(predicted.snap, session)?.links).toEqual(keyOf(readAll.snap, session)?.links);
    expect(keyOf(predicted.snap, ring)).toMatchObject({ links: null, possessed: false });
    expect(keyOf(predicted.snap, mine)?.links).toHaveLength(1);
  });

  it('reads a keyring we possess through a keyring nobody may view (our walk cannot follow that path)', async () => {
    // session -> hidden (possessor may only search it: not even we may view it) -> inner (0x3f010000, a key in it).
    // The kernel possesses inner through hidden, so it lets us read inner; the reader's /proc/keys shows inner but
    // not hidden, so our possession walk cannot reach inner: nothing may be predicted then.
    const hidden = keyctl.addKey('keyring', 'search only', null, session);
    const inner = keyctl.addKey('keyring', 'inner', null, hidden);
    const leaf = keyctl.addKey('user', 'leaf', Buffer.from('x'), inner);
    keyctl.setPerm(hidden, 0x08000000);
    expect(keyctl.readKeyringMembers(inner)).toEqual([leaf]);

    const { snap, read } = await scanCounting(false);
    expect(read.has(inner)).toBe(true);
    expect(keyOf(snap, inner)?.links).toEqual([leaf]);
    expect(keyctlCli('rlist', String(inner)).trim()).toBe(String(leaf));
  });
});
