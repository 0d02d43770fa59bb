// writeSnapshotJson (the CLI's `snapshot --json`, a batch of keys at a time) must write exactly
// the snapshot file text (shared/snapshotFile.ts) of the snapshot scan() makes from the same scan state.
import { describe, expect, it } from 'vitest';
import * as keyctl from './keyctl';
import { annotatePins, type PinEnvironment } from './pins';
import { Scanner } from './scanner';
import { snapshotOf } from './scanState';
import { writeSnapshotJson } from './snapshotJson';
import { snapshotFileText } from '../../shared/snapshotFile';
import { freshSession } from './test/kernelHelpers';

describe('writeSnapshotJson', () => {
  it('writes the snapshot file text (format 1) in pieces, for keys of every kind', async () => {
    const session = freshSession();
    const a = keyctl.addKey('keyring', 'ring "a"', null, session);
    const b = keyctl.addKey('keyring', 'ring b', null, session);
    const shared = keyctl.addKey('user', 'shared\nkey', Buffer.from('x'), a);
    keyctl.link(shared, b);
    keyctl.addKey('logon', 'svc:unicodé ✓', Buffer.from('x'), b);
    const timed = keyctl.addKey('user', 'timed', Buffer.from('x'), session);
    keyctl.setTimeout(timed, 3600);
    const revoked = keyctl.addKey('user', 'revoked', Buffer.from('x'), session);
    keyctl.revoke(revoked);
    // More keys than one batch holds.
    for (let i = 0; i < 450; i++) keyctl.addKey('user', `bulk ${i}`, Buffer.from('x'), b);

    const scanner = new Scanner({ cacheNames: false });
    try {
      const state = await scanner.scanState();
      const env: PinEnvironment = {
        now: state.takenAt,
        processesByUid: new Map([[0, 3]]),
        gcDelaySeconds: 300,
        persistentExpirySeconds: 259200,
        userRegistryKeepsUserKeyrings: true,
      };
      const chunks: string[] = [];
      writeSnapshotJson(state, env, (chunk) => void chunks.push(chunk));
      const snapshot = annotatePins(snapshotOf(state), env);
      expect(chunks.length).toBeGreaterThan(3);
      expect(chunks.join('')).toBe(snapshotFileText(snapshot));
      expect(snapshot.keys.some((k) => k.id === revoked && k.doomed?.reason === 'revoked')).toBe(true);
      // Pins list parents in serial order (serials are random, so a may come after b).
      const parents = [a, b].sort((x, y) => x - y);
      expect(snapshot.keys.find((k) => k.id === shared)?.pins).toEqual(parents.map((from) => ({ kind: 'link', from })));
    } finally {
      await scanner.close();
    }
  });
});
