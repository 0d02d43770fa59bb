// createWorkerSnapshotSource(): the scan runs in a worker thread that still has this thread's
// credentials (it sees this test's session keyring as the session anchor, and possesses it).
// It runs the compiled worker from dist/, as the app and serve do (vitest's global setup builds it).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as keyctl from '../keyring/keyctl';
import { freshSession } from '../keyring/test/kernelHelpers';
import { commFilesOpen, netlinkSocketsOpen } from '../test/openDescriptors';
import { createWorkerSnapshotSource } from './scanThread';

describe('createWorkerSnapshotSource', () => {
  it('scans from a worker with the creator’s credentials, polls repeatedly, and closes', async () => {
    const session = freshSession();
    const ring = keyctl.addKey('keyring', 'worker ring', null, session);
    const key = keyctl.addKey('user', 'worker key', Buffer.from('x'), ring);
    keyctl.setPerm(key, 0x3f000000); // visible only to a possessor: proves the worker possesses our session
    const source = createWorkerSnapshotSource();
    try {
      const first = await source.scan();
      expect(first.anchors.session).toBe(session);
      const k = first.keys.find((x) => x.id === key);
      expect(k).toMatchObject({ description: 'worker key', possessed: true, orphan: false });
      const added = keyctl.addKey('user', 'added later', Buffer.from('x'), ring);
      const second = await source.scan();
      expect(second.keys.find((x) => x.id === ring)?.links).toEqual([key, added]);
      expect(source.lastStats()?.keyringsRead).toBeGreaterThan(0);
      // The main thread's session is untouched by the worker and its reader.
      expect(keyctl.getKeyringId(-3, false)).toBe(session);
    } finally {
      await source.close();
    }
    await expect(source.scan()).rejects.toThrow(/closed/);
  });

  it('reports a missing /proc/keys as KeyringsUnavailableError', async () => {
    const source = createWorkerSnapshotSource({ procRoot: '/nonexistent-proc' });
    try {
      await expect(source.scan()).rejects.toMatchObject({ name: 'KeyringsUnavailableError' });
    } finally {
      await source.close();
    }
  });

  it('replaces a scan thread killed mid-scan with a fresh one at the next scan, and says how often and why', async () => {
    const session = freshSession();
    const key = keyctl.addKey('user', 'survives a restart', Buffer.from('x'), session);
    const fault = join(mkdtempSync(join(tmpdir(), 'kb-fault-')), 'exit-now');
    const source = createWorkerSnapshotSource({ exitMidScanFile: fault });
    try {
      expect((await source.scan()).keys.some((k) => k.id === key)).toBe(true);
      expect(source.restarts()).toBeNull();
      writeFileSync(fault, '');
      await expect(source.scan()).rejects.toThrow(/scan thread exited \(code 70\)/);
      const after = await source.scan();
      expect(after.keys.find((k) => k.id === key)).toMatchObject({ possessed: true });
      expect(source.restarts()).toMatchObject({ count: 1, lastReason: 'the scan thread exited (code 70)' });
      await source.scan();
      expect(source.restarts()?.count).toBe(1);
    } finally {
      await source.close();
    }
  });

  // As root the scan thread holds the process-events socket and the listed kernel threads' comm files between polls
  // (processWatch.ts); they are the process's, so a thread stopped from outside must not leave them open.
  it.each([
    ['closed', {}],
    ['terminated mid-scan, its close hook not waited for', { closeWaitMs: 0 }],
  ])('leaves no socket nor comm file open once %s', async (_how, options) => {
    const before = { sockets: netlinkSocketsOpen(), comm: commFilesOpen() };
    const source = createWorkerSnapshotSource(options);
    // The first read reads every status file, as does any read in doubt (a CPU's first event); the next keeps the
    // listed kernel threads' comm files open.
    for (let scans = 0; scans < 10 && commFilesOpen().length === before.comm.length; scans++) await source.scan();
    expect(netlinkSocketsOpen().length).toBe(before.sockets.length + 1);
    expect(commFilesOpen().length).toBeGreaterThan(before.comm.length);
    const scanning = source.scan().catch(() => null);
    await source.close();
    await scanning;
    expect({ sockets: netlinkSocketsOpen(), comm: commFilesOpen() }).toEqual(before);
  });
});
