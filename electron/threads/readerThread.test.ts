// The reader thread against the real kernel: it possesses nothing (it joined a session of its own), reads
// /proc/keys, answers DESCRIBE batches with errno names, and lets the process exit when idle.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as keyctl from '../keyring/keyctl';
import { freshSession } from '../keyring/test/kernelHelpers';
import { ReaderThread } from './readerThread';

const POSSESSOR_ONLY = 0x3f000000;
const hex = (id: number): string => id.toString(16).padStart(8, '0');

/** A keyring in the session that only a possessor may view/read, holding a possessor-only user key. */
function possessorOnlyTree(session: number): { ring: number; key: number } {
  const ring = keyctl.addKey('keyring', 'possessed ring', null, session);
  const key = keyctl.addKey('user', 'possessed key', Buffer.from('secret'), ring);
  keyctl.setPerm(key, POSSESSOR_ONLY);
  keyctl.setPerm(ring, POSSESSOR_ONLY);
  return { ring, key };
}

describe('ReaderThread (the non-possessing side)', () => {
  it('closes only once it has started (terminating it while koffi loads would abort the process), then refuses requests', async () => {
    const thread = new ReaderThread();
    const pending = thread.describe([1]); // made before close: answered or refused, never left hanging
    await thread.close();
    await pending.then(
      (outcomes) => expect(outcomes).toHaveLength(1),
      (err: unknown) => expect(err).toBeInstanceOf(Error),
    );
    await expect(thread.describe([1])).rejects.toThrow(/closed/);
    await expect(thread.started()).resolves.toHaveProperty('joined');
    expect(thread.dead).toBe(true);
  });

  it('grows its buffer for a DESCRIBE longer than the scratch buffer', async () => {
    const session = freshSession();
    const long = 'd'.repeat(4095);
    const key = keyctl.addKey('user', long, Buffer.from('x'), session);
    const thread = new ReaderThread();
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
    const thread = new ReaderThread();
    try {
      const { joined } = await thread.started();
      expect(joined.sessionKeyring).toBeGreaterThan(0);
      expect(joined.sessionKeyring).not.toBe(session);
      expect(await thread.helperKeyIds()).toContain(joined.sessionKeyring);
      const [d] = await thread.describe([key]);
      expect(d).toEqual({ id: key, code: expect.stringMatching(/^(EACCES|ENOKEY)$/) });
      const read = await thread.read('/proc');
      expect(read.keys.text).toContain(`${hex(session)} `);
      // Our possessor-only keyring is invisible to it in /proc/keys (no possessor view).
      expect(read.keys.text).not.toContain(`${hex(ring)} `);
      // Its own session keyring is there (its owner may view it), denying SEARCH: the kernel's possession search
      // for each key it lists stops at that keyring's permission check.
      expect(read.keys.text).toMatch(new RegExp(`^${hex(joined.sessionKeyring)} \\S+ +\\d+ +\\S+ ${hex(keyctl.UNSEARCHABLE_KEYRING_PERM)} `, 'm'));
      expect(read.keyUsers?.text).toMatch(/^\s*\d+:/);
      // The caller's session is untouched.
      expect(keyctl.getKeyringId(-3, false)).toBe(session);
    } finally {
      await thread.close();
    }
  });

  it('sends a prefetch with its start answer, without being asked', async () => {
    const session = freshSession();
    const thread = new ReaderThread({ prefetch: '/proc' });
    try {
      const { prefetched } = await thread.started();
      expect(prefetched?.keys.text).toContain(hex(session));
      expect(prefetched?.readAt).toBeGreaterThan(0);
      expect((await thread.read('/proc')).keys.text).toBe(prefetched?.keys.text); // the first read takes it
      const missing = await thread.read('/nonexistent-proc');
      expect(missing).toMatchObject({ keys: { code: 'ENOENT' }, keyUsers: null });
    } finally {
      await thread.close();
    }
  });

  it('fails every request, in a sentence, when it cannot take the credentials it was given', async () => {
    // uid 0 with a group list longer than the kernel allows (NGROUPS_MAX 65536): setgroups refuses.
    const thread = new ReaderThread({ credentials: { uid: 0, gid: 0, groups: Array.from({ length: 65537 }, (_, i) => i) } });
    try {
      await expect(thread.started()).rejects.toMatchObject({ name: 'CredentialsError' });
      await expect(thread.helperKeyIds()).rejects.toThrow(/could not start the reader thread.*too many groups/);
      await expect(thread.read('/proc')).rejects.toThrow(/too many groups/);
    } finally {
      await thread.close();
    }
  });
});

describe('ReaderThread and process exit', () => {
  it('is unref’d when idle: a process that used it exits on its own', () => {
    // A bare node child (no TypeScript loader) runs the compiled module from dist/ (vitest's global setup builds it).
    const built = resolve(__dirname, '..', '..', 'dist', 'electron', 'threads', 'readerThread.js');
    const script = `
      const { ReaderThread } = require(${JSON.stringify(built)});
      const t = new ReaderThread({ prefetch: '/proc' });
      t.started().then((s) => t.describe([s.joined.sessionKeyring]).then(([d]) => { console.log(s.prefetched.keys.text ? 'read' : 'none', d.description.type); }));
    `;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(r.signal).toBeNull();
    expect(r.stdout.trim()).toBe('read keyring');
    expect(r.status).toBe(0);
  });
});

describe('ReaderThread.lastWhole', () => {
  it('gives its last read whole (text, /proc/key-users, time) without reading again, and nothing before a read or for another root', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kb-reader-last-'));
    const line = (id: number, usage: number) => `${hex(id)} I--Q---     ${usage} perm 3f010000     0     0 user      key ${id}: 1\n`;
    writeFileSync(join(root, 'key-users'), '    0:     2 2/2 2/1000000 10/25000000\n');
    const thread = new ReaderThread();
    try {
      expect(await thread.lastWhole(root)).toBeNull();
      writeFileSync(join(root, 'keys'), line(1, 1) + line(2, 1));
      const whole = await thread.read(root);
      expect(await thread.lastWhole(root)).toEqual(whole);
      writeFileSync(join(root, 'keys'), line(1, 1) + line(2, 2));
      const changes = await thread.read(root, true);
      expect(changes.keys.changes?.text).toBe(line(2, 2));
      // The file changes again: lastWhole is still the read's, not the file's now.
      writeFileSync(join(root, 'keys'), line(3, 1));
      expect(await thread.lastWhole(root)).toEqual({ keys: { text: line(1, 1) + line(2, 2) }, keyUsers: changes.keyUsers, readAt: changes.readAt });
      expect(await thread.lastWhole('/proc')).toBeNull();
    } finally {
      await thread.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
