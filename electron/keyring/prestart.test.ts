// prestartSnapshot changes the calling thread's session keyring, so it runs only in child processes
// (plain node on the compiled dist/, as bin/keyring-browser does: `npm run build:node`). A child inherits
// this test's session keyring, where the test puts its keys.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as keyctl from './keyctl';
import { freshSession } from './test/kernelHelpers';

const dist = resolve(__dirname, '..', '..', 'dist', 'electron', 'keyring');
const built = existsSync(resolve(dist, 'prestart.js')) && existsSync(resolve(dist, 'possessingSide.js'));
if (!built) console.warn('prestart.test: skipped: dist/electron/keyring/prestart.js is missing (run `npm run build:node`)');

/** Runs `body` (an async function body with `prestart` and `keyctl` in scope) in a child; returns what it prints as JSON. */
function inChild(body: string): unknown {
  const script = `
    const prestart = require(${JSON.stringify(resolve(dist, 'prestart.js'))});
    const keyctl = require(${JSON.stringify(resolve(dist, 'keyctl.js'))});
    const codeOf = (f) => { try { f(); return 'ok'; } catch (e) { return e.code; } };
    // Which of these ids the text has a line for (the texts themselves may be megabytes: the machine's keys).
    const linesFor = (text, ids) => ids.filter((id) => text.includes(id.toString(16).padStart(8, '0') + ' '));
    (async () => { ${body} })().then((out) => console.log(JSON.stringify(out)), (e) => { console.error(e); process.exitCode = 3; });
  `;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
  expect(r.error).toBeUndefined();
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}

describe.skipIf(!built)('prestartSnapshot (in a child process)', () => {
  it('makes the main thread the non-possessing reader and libuv’s pool, with the caller’s credentials, the possessing side', () => {
    const session = freshSession();
    const visible = keyctl.addKey('user', 'visible key', Buffer.from('x'), session);
    const ring = keyctl.addKey('keyring', 'possessor-only ring', null, session);
    const inner = keyctl.addKey('user', 'inner', Buffer.from('x'), ring);
    keyctl.setPerm(inner, 0x3f000000);
    keyctl.setPerm(ring, 0x3f000000);
    const revoked = keyctl.addKey('keyring', 'revoked ring', null, session);
    keyctl.revoke(revoked);
    const ids = JSON.stringify([session, visible, ring]);
    const out = inChild(`
      const snap = prestart.prestartSnapshot('/proc');
      const first = await snap.reader.read('/proc');
      return {
        read: linesFor(first.keys.text, ${ids}),
        keyUsers: first.keyUsers && first.keyUsers.text !== undefined,
        anchors: await snap.possessing.anchors(),
        members: await snap.possessing.readMembers([${ring}, ${revoked}, 0x7ffffff0]),
        described: await snap.possessing.describe([${inner}]),
        mainDescribes: codeOf(() => keyctl.describe(${inner})),
        possessedRead: linesFor((await snap.possessing.readProcKeys('/proc')).text, ${ids}),
        mainReads: codeOf(() => keyctl.readKeyringMembers(${ring})),
        mainSession: keyctl.getKeyringId(-3, false),
        helperKeyIds: await snap.reader.helperKeyIds(),
      };
    `) as {
      read: number[];
      keyUsers: boolean;
      anchors: { session: number };
      members: unknown;
      described: { id: number; description: { description: string } }[];
      mainDescribes: string;
      possessedRead: number[];
      mainReads: string;
      mainSession: number;
      helperKeyIds: number[];
    };
    // The main thread's read (without possession): our session and visible key, not the possessor-only ring.
    expect(out.read).toEqual([session, visible]);
    expect(out.keyUsers).toBe(true);
    // The caller's anchors, read before the main thread joined.
    expect(out.anchors.session).toBe(session);
    // The pool (the possessing side) reads the possessor-only keyring the main thread no longer can, with
    // errno names for a revoked keyring and a serial that does not exist; it describes a possessor-only key.
    expect(out.members).toEqual([
      { id: ring, members: [inner] },
      { id: revoked, code: 'EKEYREVOKED' },
      { id: 0x7ffffff0, code: 'ENOKEY' },
    ]);
    expect(out.described).toEqual([{ id: inner, description: expect.objectContaining({ description: 'inner' }) }]);
    expect(['EACCES', 'ENOKEY']).toContain(out.mainDescribes);
    expect(out.possessedRead).toEqual([session, visible, ring]);
    expect(['EACCES', 'ENOKEY']).toContain(out.mainReads);
    // The main thread sits in its joined session, which the reader hides.
    expect(out.mainSession).not.toBe(session);
    expect(out.helperKeyIds).toContain(out.mainSession);
  });

  it('carries a missing proc root as ENOENT in the first read, not as a throw', () => {
    const out = inChild(`
      const snap = prestart.prestartSnapshot('/nonexistent-proc');
      return snap && (await snap.reader.read('/nonexistent-proc'));
    `);
    expect(out).toMatchObject({ keys: { code: 'ENOENT' }, keyUsers: null });
  });

  it('hands the prestarted pair out once', () => {
    const out = inChild(`
      prestart.prestart('/proc');
      const first = prestart.takePrestartedSnapshot('/proc');
      const second = prestart.takePrestartedSnapshot('/proc');
      return { first: first !== null && typeof first.reader.read === 'function', second };
    `);
    expect(out).toEqual({ first: true, second: null });
  });
});
