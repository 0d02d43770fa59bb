// createWorkerSnapshotSource(): the scan runs in a worker thread that still has this thread's
// credentials (it sees this test's session keyring as the session anchor, and possesses it).
// It runs the compiled worker from dist/, as the app and serve do (vitest's global setup builds it).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as keyctl from '../keyring/keyctl';
import type { PollReport } from '../keyring/source';
import { freshSession } from '../keyring/test/kernelHelpers';
import { descriptorsOn, netlinkSocketsOpen } from '../test/openDescriptors';
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

  it('polls on its own timer, wakes no one for an idle poll, and reports the next poll that finds a change', async () => {
    const session = freshSession();
    const ring = keyctl.addKey('keyring', 'watched ring', null, session);
    const source = createWorkerSnapshotSource();
    try {
      const first = await source.scanReport();
      expect(first.quiet).toBeNull();
      // Watch for 3 polls or more, a watch again after each answer (on a shared machine others' changes are reported):
      // every poll the thread reported is an answer, and the others woke no one.
      const c0 = source.polls.counts();
      let answers = 0;
      let stop = false;
      const watching = (async () => {
        while (!stop) if ((await source.pollUntilReport(20, Number.POSITIVE_INFINITY)) !== null) answers++;
      })();
      await source.polls.reached(c0.polls + 3);
      stop = true;
      source.stopPolling();
      await watching;
      const c1 = source.polls.counts();
      expect(c1.polls - c0.polls).toBeGreaterThanOrEqual(3);
      expect(c1.reported - c0.reported).toBe(answers);
      const added = keyctl.addKey('user', 'seen by the next poll', Buffer.from('x'), ring);
      // Another session's change may be reported first: watch until ours is.
      let report: PollReport | null = null;
      while (!report?.snapshot.keys.some((k) => k.id === added)) report = await source.pollUntilReport(20, Number.POSITIVE_INFINITY);
      expect(report.snapshot.keys.find((k) => k.id === ring)?.links).toEqual([added]);
      // The poll before it, when one was kept back, comes with it: the keys as they were, taken then.
      if (report.quiet !== null) {
        expect(report.quiet.keys.some((k) => k.id === added)).toBe(false);
        expect(report.quiet.takenAt).toBeLessThan(report.snapshot.takenAt);
      }
      expect(source.lastPoll()?.takenAt).toBe(report.snapshot.takenAt);
      expect(source.polls.counts().reported).toBeGreaterThan(c1.reported);
    } finally {
      await source.close();
    }
  });

  it('reports a poll that starts at wakeAt even when nothing changed, and answers null once stopped', async () => {
    freshSession();
    const source = createWorkerSnapshotSource();
    try {
      const first = await source.scanReport();
      const woken = await source.pollUntilReport(20, first.snapshot.takenAt + 1);
      expect(woken?.snapshot.takenAt).toBeGreaterThan(first.snapshot.takenAt);
      const { polls } = source.polls.counts();
      const stopped = source.pollUntilReport(60_000, Number.POSITIVE_INFINITY);
      source.stopPolling();
      expect(await stopped).toBeNull();
      expect(source.polls.counts().polls).toBe(polls);
    } finally {
      await source.close();
    }
  });

  it('fails a watch whose scan thread dies, and answers the next with a fresh thread’s whole snapshot', async () => {
    const session = freshSession();
    const key = keyctl.addKey('user', 'survives a death in a watch', Buffer.from('x'), session);
    const fault = join(mkdtempSync(join(tmpdir(), 'kb-fault-')), 'exit-now');
    const source = createWorkerSnapshotSource({ exitMidScanFile: fault });
    try {
      await source.scanReport();
      writeFileSync(fault, '');
      await expect(source.pollUntilReport(20, Number.POSITIVE_INFINITY)).rejects.toThrow(/scan thread exited \(code 70\)/);
      const after = await source.pollUntilReport(20, Number.POSITIVE_INFINITY);
      expect(after?.quiet).toBeNull();
      expect(after?.snapshot.keys.find((k) => k.id === key)).toMatchObject({ possessed: true });
      expect(source.restarts()?.count).toBe(1);
    } finally {
      await source.close();
    }
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

  // As root the scan thread holds the process-events socket between polls (processWatch.ts); it is the process's, so
  // a thread stopped from outside must not leave it open.
  it.each([
    ['closed', {}],
    ['terminated mid-scan, its close hook not waited for', { closeWaitMs: 0 }],
  ])('leaves no socket open once %s', async (_how, options) => {
    const before = netlinkSocketsOpen();
    const source = createWorkerSnapshotSource(options);
    await source.scan();
    expect(netlinkSocketsOpen().length).toBe(before.length + 1);
    const scanning = source.scan().catch(() => null);
    await source.close();
    await scanning;
    expect(netlinkSocketsOpen()).toEqual(before);
  });

  // A scan thread stopped while its reader reads /proc/keys: the reader is stopped with it (Node ends a thread's own
  // threads with it), between two of its reads of the file. Many keys make the read long enough to stop it there, as a
  // rule (rpc.test.ts stops a reading thread mid-read surely, on a FIFO).
  it('leaves no /proc/keys descriptor open once its scan thread is terminated while the reader reads', async () => {
    const session = freshSession();
    const ring = keyctl.addKey('keyring', 'a long read', null, session);
    for (let i = 0; i < 5000; i++) keyctl.addKey('user', `key ${i}`, Buffer.from('x'), ring);
    const source = createWorkerSnapshotSource({ closeWaitMs: 0 });
    let seen = false;
    try {
      await source.scan();
      expect(descriptorsOn('/proc/keys')).toEqual([]);
      for (let tries = 0; tries < 20 && !seen; tries++) {
        const scanning = source.scan();
        // Spinning: the reader's read is on its own thread, the scan thread's wait for it on another.
        for (const deadline = Date.now() + 1_000; Date.now() < deadline && !seen; ) seen = descriptorsOn('/proc/keys').length > 0;
        if (!seen) await scanning;
        else scanning.catch(() => undefined);
      }
      expect(seen).toBe(true);
    } finally {
      await source.close();
      keyctl.clear(ring);
    }
    expect(descriptorsOn('/proc/keys')).toEqual([]);
  });
});
