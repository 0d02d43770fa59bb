// writeSnapshotJson (the CLI's `snapshot --json`, a batch of keys at a time) must write exactly
// the snapshot file text (shared/snapshotFile.ts) of the snapshot scan() makes from the same scan state.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as keyctl from './keyctl';
import { annotatePins } from './pins';
import { Scanner } from './scanner';
import { snapshotOf } from './scanState';
import { snapshotFileText } from '../../shared/snapshotFile';
import { freshSession } from './test/kernelHelpers';
import { bytesWritten, jsonChunks, pinEnvironmentAt } from './test/jsonWriters';
import { PoolReader } from '../threads/poolReader';

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
    // Every character JSON escapes, in descriptions the key records module writes (ASCII, permanent, linked).
    for (let c = 1; c < 0x20; c++) keyctl.addKey('user', `ctl ${String.fromCharCode(c)} "q" \\ \x7f`, Buffer.from('x'), b);
    // More keys than one batch holds.
    for (let i = 0; i < 450; i++) keyctl.addKey('user', `bulk ${i}`, Buffer.from('x'), b);

    // The CLI's reader: /proc/keys as bytes (the key records module reads descriptions from those).
    const scanner = new Scanner({ cacheNames: false, reader: new PoolReader('/proc') });
    try {
      const state = await scanner.scanState();
      const env = pinEnvironmentAt(state.takenAt);
      const chunks = jsonChunks(state, env);
      const snapshot = annotatePins(snapshotOf(state), env);
      expect(chunks.length).toBeGreaterThan(3);
      expect(chunks.join('')).toBe(snapshotFileText(snapshot));
      // With a writer that takes bytes, the key records' WebAssembly module writes most of them: the same bytes.
      expect(bytesWritten(state, env).toString('utf8')).toBe(snapshotFileText(snapshot));
      expect(snapshot.keys.some((k) => k.id === revoked && k.doomed?.reason === 'revoked')).toBe(true);
      // Pins list parents in serial order (serials are random, so a may come after b).
      const parents = [a, b].sort((x, y) => x - y);
      expect(snapshot.keys.find((k) => k.id === shared)?.pins).toEqual(parents.map((from) => ({ kind: 'link', from })));
    } finally {
      await scanner.close();
    }
  });

  it('writes possessionUnknown where a keyring we possess links one we may not view, module or not', async () => {
    const session = freshSession();
    const hidden = keyctl.addKey('keyring', 'hidden', null, session);
    const inside = keyctl.addKey('user', 'inside', Buffer.from('x'), hidden);
    keyctl.setPerm(inside, 0x3f010000);
    keyctl.setPerm(hidden, 0x08000000); // possessor: search only; hidden from /proc/keys and DESCRIBE
    const scanner = new Scanner({ cacheNames: false, reader: new PoolReader('/proc') });
    try {
      const state = await scanner.scanState();
      const env = pinEnvironmentAt(state.takenAt);
      const snapshot = annotatePins(snapshotOf(state), env);
      expect(snapshot.keys.find((k) => k.id === inside)?.possessionUnknown).toBe(true);
      expect(bytesWritten(state, env).toString('utf8')).toBe(snapshotFileText(snapshot));
    } finally {
      await scanner.close();
    }
  });

  it('writes the same bytes with the key records module as without, whatever the descriptions and keys', async () => {
    // Characters JSON escapes or the module leaves to JavaScript: quotes, backslashes, control characters, DEL,
    // non-ASCII (two- and three-byte UTF-8, a surrogate pair), and the suffix-like text payloadLength.ts reads.
    const char = fc.constantFrom('a', 'Z', '0', ' ', '"', '\\', '/', '\x01', '\x08', '\t', '\n', '\x0b', '\x0c', '\r', '\x1b', '\x1f', '\x7f', 'é', '✓', '😀', ':', '[', ']');
    const key = fc.record({
      type: fc.constantFrom('user', 'logon', 'keyring', 'big_key'),
      description: fc.string({ unit: char, minLength: 1, maxLength: 12 }),
      parent: fc.nat({ max: 3 }),
      alsoIn: fc.option(fc.nat({ max: 3 }), { nil: null }),
      fate: fc.constantFrom('none', 'none', 'timeout', 'revoke', 'invalidate', 'unlink'),
    });
    // Bounded cost: at most 10 keys a run, 12 runs, each one scan of this session.
    await fc.assert(
      fc.asyncProperty(fc.array(key, { minLength: 1, maxLength: 10 }), async (keys) => {
        const session = freshSession();
        const rings = [session, ...['r1', 'r2', 'r3'].map((name) => keyctl.addKey('keyring', name, null, session))];
        for (const k of keys) {
          const ring = rings[k.parent] as number;
          const payload = k.type === 'keyring' ? null : Buffer.from('payload');
          let id: number;
          try {
            id = keyctl.addKey(k.type, k.description, payload, ring);
          } catch {
            continue; // a type this kernel refuses (big_key needs its module), or a logon description without ':'
          }
          if (k.alsoIn !== null && k.alsoIn !== k.parent) keyctl.link(id, rings[k.alsoIn] as number);
          if (k.fate === 'timeout') keyctl.setTimeout(id, 3600);
          if (k.fate === 'revoke') keyctl.revoke(id);
          if (k.fate === 'invalidate') keyctl.invalidate(id);
          if (k.fate === 'unlink') keyctl.unlink(id, ring);
        }
        const scanner = new Scanner({ cacheNames: false, reader: new PoolReader('/proc') });
        try {
          const state = await scanner.scanState();
          const env = pinEnvironmentAt(state.takenAt);
          const chunks = jsonChunks(state, env);
          expect(bytesWritten(state, env).equals(Buffer.from(chunks.join(''), 'utf8'))).toBe(true);
        } finally {
          await scanner.close();
        }
      }),
      { numRuns: 12 },
    );
  }, 240_000); // 12 scans of every key root sees: 28 s with a fifth of a core (load ~10 on 2 cores), more at load 20
});
