// The possessing side on this thread, against the real
// kernel (this test process sits in its own anonymous session: electron/test/setupSession.ts).
import { describe, expect, it, vi } from 'vitest';
import * as keyctl from './keyctl';
import { inThreadPossessingSide, type PossessingOps } from './possessingSide';
import { freshSession, possessingOpsOver } from './test/kernelHelpers';

const POSSESSOR_ONLY = 0x3f000000;
const hex = (id: number): string => id.toString(16).padStart(8, '0');

describe('inThreadPossessingSide', () => {
  it('answers with this thread’s keyctl calls, errno names for KeyctlErrors', async () => {
    const session = freshSession();
    const ring = keyctl.addKey('keyring', 'here', null, session);
    const key = keyctl.addKey('user', 'here key', Buffer.from('x'), ring);
    keyctl.setPerm(ring, POSSESSOR_ONLY);
    const revoked = keyctl.addKey('keyring', 'revoked', null, session);
    keyctl.revoke(revoked);
    const side = inThreadPossessingSide();
    expect((await side.anchors()).session).toBe(session);
    expect(await side.readMembers([ring, revoked, 0x7ffffff0])).toEqual([
      { id: ring, members: [key] },
      { id: revoked, code: 'EKEYREVOKED' },
      { id: 0x7ffffff0, code: 'ENOKEY' },
    ]);
    expect(await side.describe([ring])).toEqual([{ id: ring, description: expect.objectContaining({ description: 'here', perm: POSSESSOR_ONLY }) }]);
    expect((await side.readProcKeys('/proc')).text).toContain(hex(ring));
    expect(await side.readProcKeys('/nonexistent-proc')).toMatchObject({ code: 'ENOENT' });
    await side.close();
  });

  it('answers readChangedMembers with only the lists whose bytes differ from the last read, keeping the bytes', async () => {
    const session = freshSession();
    const [a, b] = [keyctl.addKey('keyring', 'a', null, session), keyctl.addKey('keyring', 'b', null, session)];
    const x = keyctl.addKey('user', 'x', Buffer.from('x'), a);
    const y = keyctl.addKey('user', 'y', Buffer.from('y'), b);
    const gone = keyctl.addKey('keyring', 'gone', null, session);
    const side = inThreadPossessingSide();
    const last = new Map<number, Uint8Array>();
    expect(await side.readChangedMembers([a, b, gone], last)).toEqual([
      { id: a, members: [x] },
      { id: b, members: [y] },
      { id: gone, members: [] },
    ]);
    expect(await side.readChangedMembers([a, b, gone], last)).toEqual([]);
    // Same-named keys swapped between the two (each link replaces the other's namesake): same counts, other lists.
    const y2 = keyctl.addKey('user', 'x', Buffer.from('2'), b);
    keyctl.unlink(y, b);
    expect(await side.readChangedMembers([a, b], last)).toEqual([{ id: b, members: [y2] }]);
    keyctl.link(y2, a); // replaces x in a
    expect(await side.readChangedMembers([a, b], last)).toEqual([{ id: a, members: [y2] }]);
    keyctl.revoke(gone);
    expect(await side.readChangedMembers([gone], last)).toEqual([{ id: gone, code: 'EKEYREVOKED' }]);
    expect(last.has(gone)).toBe(false);
    expect([...last.keys()].sort()).toEqual([a, b].sort());
    await side.close();
  });

  it('reports only the lists that changed, through ops a test spies on (possessingOpsOver reads every list through the spy)', async () => {
    let lists: Record<number, number[]> = { 1: [5, 6], 2: [] };
    const ops = possessingOpsOver({ readKeyringMembers: vi.fn((id: number) => lists[id] ?? []), describe: vi.fn(), getKeyringId: vi.fn() });
    const side = inThreadPossessingSide(ops);
    const last = new Map<number, Uint8Array>();
    expect(await side.readChangedMembers([1, 2], last)).toEqual([
      { id: 1, members: [5, 6] },
      { id: 2, members: [] },
    ]);
    lists = { 1: [6, 5], 2: [] };
    expect(await side.readChangedMembers([1, 2], last)).toEqual([{ id: 1, members: [6, 5] }]);
    expect(ops.readKeyringMembers).toHaveBeenCalledTimes(4);
  });

  it('uses the ops it is given (spies), and lets other errors propagate', async () => {
    const ops: PossessingOps = possessingOpsOver({
      readKeyringMembers: vi.fn((id: number) => [id + 1]),
      describe: vi.fn(() => {
        throw new Error('boom');
      }),
      getKeyringId: vi.fn((id: number) => (id === -3 ? 42 : 0)),
    });
    const side = inThreadPossessingSide(ops);
    expect(await side.readMembers([1, 2])).toEqual([
      { id: 1, members: [2] },
      { id: 2, members: [3] },
    ]);
    expect(await side.anchors()).toEqual({ thread: 0, process: 0, session: 42 });
    await expect(side.describe([5])).rejects.toThrow('boom');
    expect(ops.readKeyringMembers).toHaveBeenCalledTimes(2);
  });
});
