// The keyring thread against the real kernel: it possesses nothing (it joined a session of its own), reads
// /proc/keys, answers DESCRIBE batches with errno names, and lets the process exit when idle.
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

describe('KeyringThread (the non-possessing side)', () => {
  it('closes only once it has started (terminating it while koffi loads would abort the process), then refuses requests', async () => {
    const thread = new KeyringThread({});
    const pending = thread.anchors(); // made before close: answered or refused, never left hanging
    await thread.close();
    await pending.then(
      (anchors) => expect(anchors).toHaveProperty('session'),
      (err: unknown) => expect(err).toBeInstanceOf(Error),
    );
    await expect(thread.describe([1])).rejects.toThrow();
    await expect(thread.started()).resolves.toHaveProperty('joined');
  });

  it('grows its buffer for a DESCRIBE longer than 4096 bytes', async () => {
    const session = freshSession();
    const long = 'd'.repeat(4095);
    const key = keyctl.addKey('user', long, Buffer.from('x'), session);
    const thread = new KeyringThread({});
    try {
      const [d] = await thread.describe([key]);
      expect(d).toEqual({ id: key, description: expect.objectContaining({ type: 'user', description: long }) });
    } finally {
      await thread.close();
    }
  });

  it('possesses nothing: cannot describe a possessor-only key, but reads /proc/keys', async () => {
    const session = freshSession();
    const { ring, key } = possessorOnlyTree(session);
    const thread = new KeyringThread({});
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
    const thread = new KeyringThread({ prefetch: '/proc' });
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
      const t = new KeyringThread({ prefetch: '/proc' });
      t.started().then((s) => t.anchors().then((a) => { console.log(s.prefetched.keys.text ? 'read' : 'none', a.session === s.joined.sessionKeyring); }));
    `;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(r.signal).toBeNull();
    expect(r.stdout.trim()).toBe('read true');
    expect(r.status).toBe(0);
  });
});
