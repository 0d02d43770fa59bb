// createWorkerSnapshotSource(): the scan runs in a worker thread that still has this thread's
// credentials (it sees this test's session keyring as the session anchor, and possesses it).
// It runs the compiled worker from dist/ (npm run build:node), as the app and serve do.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as keyctl from './keyctl';
import { freshSession } from './test/kernelHelpers';
import { createWorkerSnapshotSource } from './workerSource';

const built = existsSync(resolve(__dirname, '..', '..', 'dist', 'electron', 'keyring', 'scanWorker.js'));
if (!built) console.warn('workerSource.test: skipped: dist/electron/keyring/scanWorker.js is missing (run `npm run build:node`)');

describe.skipIf(!built)('createWorkerSnapshotSource', () => {
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
    await expect(source.scan()).rejects.toThrow();
  });

  it('reports a missing /proc/keys as KeyringsUnavailableError', async () => {
    const source = createWorkerSnapshotSource({ procRoot: '/nonexistent-proc' });
    try {
      await expect(source.scan()).rejects.toMatchObject({ name: 'KeyringsUnavailableError' });
    } finally {
      await source.close();
    }
  });
});
