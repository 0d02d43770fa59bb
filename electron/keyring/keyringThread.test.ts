// The keyring thread against the real kernel: a thread that does not join possesses this test's session
// (it reads a possessor-only keyring), one that joins possesses nothing; batches keep their order and
// carry errno names; the thread lets the process exit when idle.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as keyctl from './keyctl';
import { KeyringThread } from './keyringThread';
import { freshSession } from './test/kernelHelpers';

const POSSESSOR_ONLY = 0x3f000000;

/** A keyring in the session that only a possessor may view/read, holding a possessor-only user key. */
function possessorOnlyTree(session: number): { ring: number; key: number } {
  const ring = keyctl.addKey('keyring', 'possessed ring', null, session);
  const key = keyctl.addKey('user', 'possessed key', Buffer.from('secret'), ring);
  keyctl.setPerm(key, POSSESSOR_ONLY);
  keyctl.setPerm(ring, POSSESSOR_ONLY);
  return { ring, key };
}

describe('KeyringThread (not joining: the possessing side)', () => {
  it('possesses its creator’s session: reads a possessor-only keyring and describes a possessor-only key', async () => {
    const session = freshSession();
    const { ring, key } = possessorOnlyTree(session);
    const thread = new KeyringThread({ join: false });
    try {
      expect((await thread.started()).joined).toBeNull();
      expect(await thread.readMembers([ring])).toEqual([{ id: ring, members: [key] }]);
      const [described] = await thread.describe([key]);
      expect(described).toEqual({ id: key, description: expect.objectContaining({ type: 'user', description: 'possessed key', perm: POSSESSOR_ONLY }) });
      expect((await thread.anchors()).session).toBe(session);
      // Read with the possessing creds, /proc/keys shows the possessor-only key.
      const text = await thread.readText('/proc/keys');
      expect(text.text).toContain(key.toString(16).padStart(8, '0'));
    } finally {
      await thread.close();
    }
  });

  it('answers a batch in the order asked, with errno names for a vanished and a revoked keyring', async () => {
    const session = freshSession();
    const a = keyctl.addKey('keyring', 'a', null, session);
    const b = keyctl.addKey('keyring', 'b', null, session);
    const gone = keyctl.addKey('keyring', 'gone', null, session);
    const revoked = keyctl.addKey('keyring', 'revoked', null, session);
    const inA = keyctl.addKey('user', 'in a', Buffer.from('x'), a);
    keyctl.unlink(gone, session); // garbage-collected: its id soon answers ENOKEY
    keyctl.revoke(revoked);
    const thread = new KeyringThread({ join: false });
    try {
      const out = await thread.readMembers([b, revoked, a, gone]);
      expect(out.map((o) => o.id)).toEqual([b, revoked, a, gone]);
      expect(out[0]).toEqual({ id: b, members: [] });
      expect(out[1]).toEqual({ id: revoked, code: 'EKEYREVOKED' });
      expect(out[2]).toEqual({ id: a, members: [inA] });
      // Unlinked and unreferenced: destroyed at once or by the GC shortly after (ENOKEY either way).
      expect(out[3]).toMatchObject({ id: gone });
      const described = await thread.describe([0x7ffffff0, a]);
      expect(described[0]).toEqual({ id: 0x7ffffff0, code: 'ENOKEY' });
      expect(described[1]).toMatchObject({ id: a, description: { type: 'keyring', description: 'a' } });
      expect(await thread.readMembers([0x7ffffff0])).toEqual([{ id: 0x7ffffff0, code: 'ENOKEY' }]);
    } finally {
      await thread.close();
    }
  });

  it('grows its buffer for a keyring with more than 1024 members', async () => {
    const session = freshSession();
    const ring = keyctl.addKey('keyring', 'big', null, session);
    const members: number[] = [];
    // Keyrings are cheap members (no payload) and count against the quota like any key.
    for (let i = 0; i < 1100; i++) members.push(keyctl.addKey('keyring', `m${i}`, null, ring));
    const thread = new KeyringThread({ join: false });
    try {
      const [out] = await thread.readMembers([ring]);
      expect(out).toEqual({ id: ring, members: keyctl.readKeyringMembers(ring) });
      expect(out && 'members' in out ? [...out.members].sort((x, y) => x - y) : null).toEqual(members.sort((x, y) => x - y));
    } finally {
      await thread.close();
      keyctl.unlink(ring, session);
    }
  });

  it('rejects everything pending, and later requests, once it has gone', async () => {
    const thread = new KeyringThread({ join: false });
    const pending = thread.anchors();
    await thread.close();
    await expect(pending).rejects.toThrow();
    await expect(thread.readMembers([1])).rejects.toThrow();
  });
});

describe('KeyringThread (joining: the non-possessing side)', () => {
  it('possesses nothing: cannot describe a possessor-only key, but reads /proc/keys', async () => {
    const session = freshSession();
    const { ring, key } = possessorOnlyTree(session);
    const thread = new KeyringThread({ join: true });
    try {
      const { joined } = await thread.started();
      expect(joined?.sessionKeyring).toBeGreaterThan(0);
      expect(joined?.sessionKeyring).not.toBe(session);
      const [d] = await thread.describe([key]);
      expect(d).toEqual({ id: key, code: expect.stringMatching(/^(EACCES|ENOKEY)$/) });
      const read = await thread.read('/proc');
      expect(read.keys.text).toContain(`${session.toString(16).padStart(8, '0')} `);
      // Our possessor-only keyring is invisible to it in /proc/keys (no possessor view).
      expect(read.keys.text).not.toContain(`${ring.toString(16).padStart(8, '0')} `);
      expect(read.keyUsers?.text).toMatch(/^\s*\d+:/);
      expect((await thread.anchors()).session).toBe(joined?.sessionKeyring);
      // The caller's session is untouched.
      expect(keyctl.getKeyringId(-3, false)).toBe(session);
    } finally {
      await thread.close();
    }
  });

  it('sends a prefetch with its start answer, without being asked', async () => {
    const session = freshSession();
    const thread = new KeyringThread({ join: true, prefetch: '/proc' });
    try {
      const { prefetched } = await thread.started();
      expect(prefetched?.keys.text).toContain(session.toString(16).padStart(8, '0'));
      expect(prefetched?.readAt).toBeGreaterThan(0);
      const missing = await thread.read('/nonexistent-proc');
      expect(missing).toMatchObject({ keys: { code: 'ENOENT' }, keyUsers: null });
    } finally {
      await thread.close();
    }
  });
});

const builtThread = resolve(__dirname, '..', '..', 'dist', 'electron', 'keyring', 'keyringThread.js');
const built = existsSync(builtThread);
if (!built) console.warn('keyringThread.test: exit test skipped: dist/ is not built (run `npm run build:node`)');

describe.skipIf(!built)('KeyringThread and process exit', () => {
  it('is unref’d when idle: a process that used it exits on its own', () => {
    // A bare node child (no TypeScript loader) runs the compiled module from dist/.
    const script = `
      const { KeyringThread } = require(${JSON.stringify(builtThread)});
      const t = new KeyringThread({ join: true, prefetch: '/proc' });
      t.started().then((s) => t.anchors().then((a) => { console.log(s.prefetched.keys.text ? 'read' : 'none', a.session === s.joined.sessionKeyring); }));
    `;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(r.signal).toBeNull();
    expect(r.stdout.trim()).toBe('read true');
    expect(r.status).toBe(0);
  });
});
