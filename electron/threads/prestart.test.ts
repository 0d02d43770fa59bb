// prestartReader has libuv's pool thread join a session of its own (for good), so it runs only in child
// processes (plain node on the compiled dist/, as bin/keyring-browser does), with a
// one-thread pool as bin/keyring-browser sets it. A child inherits this test's session keyring, where the
// test puts its keys.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as keyctl from '../keyring/keyctl';
import { freshSession } from '../keyring/test/kernelHelpers';

// Built by vitest's global setup from these sources.
const dist = resolve(__dirname, '..', '..', 'dist', 'electron');

/** Runs `body` (an async function body with `prestart` and `keyctl` in scope) in a child; returns what it prints as JSON. */
function inChild(body: string, env: Record<string, string> = {}): unknown {
  const script = `
    const prestart = require(${JSON.stringify(resolve(dist, 'threads', 'prestart.js'))});
    const keyctl = require(${JSON.stringify(resolve(dist, 'keyring', 'keyctl.js'))});
    const codeOf = (f) => { try { f(); return 'ok'; } catch (e) { return e.code; } };
    // Which of these ids the text has a line for (the texts themselves may be megabytes: the machine's keys).
    const linesFor = (text, ids) => ids.filter((id) => text.includes(id.toString(16).padStart(8, '0') + ' '));
    (async () => { ${body} })().then((out) => console.log(JSON.stringify(out)), (e) => { console.error(e); process.exitCode = 3; });
  `;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env } });
  expect(r.error).toBeUndefined();
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}

describe('prestartReader (in a child process)', () => {
  it('reads /proc/keys on the pool thread, which possesses nothing, while the main thread keeps possessing', () => {
    const session = freshSession();
    const visible = keyctl.addKey('user', 'visible key', Buffer.from('x'), session);
    const ring = keyctl.addKey('keyring', 'possessor-only ring', null, session);
    const inner = keyctl.addKey('user', 'inner', Buffer.from('x'), ring);
    keyctl.setPerm(inner, 0x3f000000);
    keyctl.setPerm(ring, 0x3f000000);
    const ids = JSON.stringify([session, visible, ring]);
    const out = inChild(`
      const reader = prestart.prestartReader('/proc');
      const first = await reader.read('/proc');
      const again = await reader.read('/proc');
      return {
        read: linesFor(first.keys.text, ${ids}),
        again: linesFor(again.keys.text, ${ids}),
        keyUsers: first.keyUsers && first.keyUsers.text !== undefined,
        readerDescribes: (await reader.describe([${visible}, ${inner}, 0x7ffffff0])).map((o) => o.code || o.description.description),
        mainReads: codeOf(() => keyctl.readKeyringMembers(${ring})),
        mainSession: keyctl.getKeyringId(-3, false),
        helperKeyIds: await reader.helperKeyIds(),
        helperPerm: keyctl.describe((await reader.helperKeyIds())[0]).perm,
      };
    `, { UV_THREADPOOL_SIZE: '1' }) as {
      read: number[];
      again: number[];
      keyUsers: boolean;
      readerDescribes: string[];
      mainReads: string;
      mainSession: number;
      helperKeyIds: number[];
      helperPerm: number;
    };
    // The pool thread's read (without possession): our session and visible key, not the possessor-only ring.
    expect(out.read).toEqual([session, visible]);
    expect(out.again).toEqual([session, visible]);
    expect(out.keyUsers).toBe(true);
    // It describes what it may view, and not the possessor-only key.
    expect(out.readerDescribes[0]).toBe('visible key');
    expect(['EACCES', 'ENOKEY']).toContain(out.readerDescribes[1]);
    expect(out.readerDescribes[2]).toBe('ENOKEY');
    // The main thread still possesses the caller's session: it reads the possessor-only keyring.
    expect(out.mainReads).toBe('ok');
    expect(out.mainSession).toBe(session);
    // The pool thread's own session is hidden.
    expect(out.helperKeyIds).toHaveLength(1);
    expect(out.helperKeyIds[0]).not.toBe(session);
    // It denies SEARCH (keyctl.ts UNSEARCHABLE_KEYRING_PERM): the kernel's possession search for each key read stops there.
    expect(out.helperPerm).toBe(keyctl.UNSEARCHABLE_KEYRING_PERM);
  });

  it('carries a missing proc root as ENOENT in the first read, not as a throw', () => {
    const out = inChild(`
      const reader = prestart.prestartReader('/nonexistent-proc');
      return reader && (await reader.read('/nonexistent-proc'));
    `);
    expect(out).toMatchObject({ keys: { code: 'ENOENT' }, keyUsers: null });
  });

  it('hands the prestarted reader out once', () => {
    const out = inChild(`
      prestart.prestart('/proc');
      const first = prestart.takePrestartedReader();
      const second = prestart.takePrestartedReader();
      return { first: first !== null && typeof first.read === 'function', second };
    `);
    expect(out).toEqual({ first: true, second: null });
  });

  it('has the pool thread reading /proc/keys once prestartedReadQueued settles, while this thread never returns to the event loop', () => {
    // The CLI waits for prestartedReadQueued, then loads the rest synchronously (electron/cli/oneShot.ts): the read
    // must go on meanwhile. Seen by the open /proc/keys descriptor's file position (fdinfo), which only the pool
    // thread's fread moves; the main thread spins (up to 20 s: a loaded machine) without ever yielding.
    const out = inChild(`
      const fs = require('node:fs');
      prestart.prestart('/proc');
      await prestart.prestartedReadQueued();
      const fd = fs.readdirSync('/proc/self/fd').find((f) => { try { return fs.readlinkSync('/proc/self/fd/' + f) === '/proc/keys'; } catch { return false; } });
      const pos = () => Number(/^pos:\\s*(\\d+)/m.exec(fs.readFileSync('/proc/self/fdinfo/' + fd, 'utf8'))[1]);
      const until = Date.now() + 20000;
      while (pos() === 0 && Date.now() < until);
      const movedWhileBlocked = pos() > 0;
      const read = await prestart.takePrestartedReader().read('/proc');
      return { open: fd !== undefined, movedWhileBlocked, read: read.keys.text !== undefined };
    `, { UV_THREADPOOL_SIZE: '1' });
    expect(out).toEqual({ open: true, movedWhileBlocked: true, read: true });
  });

  it('prestartedReadQueued settles at once without a prestarted reader, and after a failed one', () => {
    const out = inChild(`
      await prestart.prestartedReadQueued();
      prestart.prestart('/nonexistent-proc');
      await prestart.prestartedReadQueued();
      const read = await prestart.takePrestartedReader().read('/nonexistent-proc');
      return read.keys.code;
    `);
    expect(out).toBe('ENOENT');
  });
});
