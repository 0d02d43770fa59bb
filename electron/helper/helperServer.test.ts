// The helper's socket against the real kernel's checks, as root: its mode and owner, the one user it
// serves (a child run as that user with setpriv), and every other peer refused: root itself, and a
// throwaway user given CAP_DAC_OVERRIDE so that it gets past the file's mode and only SO_PEERCRED stops
// it. Then the `helper` command as a child process, fuzzed at every layer of its framing, still answering.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, lstatSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createWsKeyringApi, type WebSocketLike } from '../../shared/wsClient';
import { FakeSource } from '../service/test/fakeSource';
import { PAST_THE_MODE, probe, probeAs, refused } from '../test/helperProbe';
import { addThrowawayUser, removeThrowawayUser, type ThrowawayUser } from '../test/throwawayUsers';
import { startHelper, type RunningHelper } from './helperServer';

describe('the helper socket (in process, as root)', () => {
  let user: ThrowawayUser | null = null;
  let other: ThrowawayUser | null = null;
  let dir = '';
  let helper: RunningHelper;
  const logs: string[] = [];

  beforeAll(async () => {
    user = addThrowawayUser('kbhu');
    other = addThrowawayUser('kbho');
    dir = mkdtempSync(join(tmpdir(), 'kb-helper-'));
    chmodSync(dir, 0o711); // others may pass through to the socket, not list or write
    helper = await startHelper({
      socketPath: join(dir, 'helper.sock'),
      user: { uid: user.uid, gid: user.uid },
      scope: { kind: 'all' },
      intervalMs: 1000,
      allowActions: false,
      source: new FakeSource(),
      log: (line) => logs.push(line),
    });
  });

  afterAll(async () => {
    await helper?.close();
    rmSync(dir, { recursive: true, force: true });
    removeThrowawayUser(user);
    removeThrowawayUser(other);
  });

  it('is a socket of mode 0600 that belongs to the user', () => {
    const st = lstatSync(helper.socketPath);
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o600);
    expect(st.uid).toBe(user!.uid);
  });

  it('serves the user (a process running as that uid)', async () => {
    const answer = await probeAs(user!.uid, helper.socketPath);
    expect(answer.out).toMatch(/^HTTP\/1\.1 404 /);
    expect(answer.out).toContain('speaks WebSocket on /ws only');
  });

  it('refuses root: another uid, whatever its privileges, and says so in its log', async () => {
    expect(refused(await probe(helper.socketPath))).toBe(true);
    expect(logs.join('\n')).toContain(`helper: refused a connection from uid 0 (pid ${process.pid}): only uid ${user!.uid} may use this helper`);
  });

  it('refuses another user that gets past the mode (CAP_DAC_OVERRIDE): only SO_PEERCRED stops it', async () => {
    const answer = await probeAs(other!.uid, helper.socketPath, PAST_THE_MODE);
    expect(refused(answer)).toBe(true);
    expect(logs.join('\n')).toMatch(new RegExp(`refused a connection from uid ${other!.uid} \\(pid \\d+\\): only uid ${user!.uid}`));
  });

  it('is closed by its mode to another user without that capability', async () => {
    expect(await probeAs(other!.uid, helper.socketPath)).toEqual({ error: 'EACCES' });
  });

  it('refuses to start where a file that is not a socket is in the way, or in a directory others may write', async () => {
    const file = join(dir, 'not-a-socket');
    writeFileSync(file, 'x');
    const start = (socketPath: string) =>
      startHelper({ socketPath, user: { uid: 0, gid: 0 }, scope: { kind: 'all' }, intervalMs: 1000, allowActions: false, source: new FakeSource(), log: () => {} });
    await expect(start(file)).rejects.toThrow(/exists and is not a socket/);
    await expect(start(join(tmpdir(), 'kb-helper-in-tmp.sock'))).rejects.toThrow(/is writable by others/);
    await expect(start(helper.socketPath)).rejects.toThrow(/a helper is already running on/);
  });
});

describe('keyring-browser helper (a child process, as root)', () => {
  const bin = resolve(__dirname, '..', '..', 'bin', 'keyring-browser');
  let dir = '';
  let socketPath = '';
  let child: ChildProcess;
  let stderr = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kb-helper-cli-'));
    socketPath = join(dir, 'helper.sock');
    child = spawn(process.execPath, [bin, 'helper', '--socket', socketPath, '--user', '0', '--read-only'], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.setEncoding('utf8');
    await new Promise<void>((ready, fail) => {
      child.stderr!.on('data', (chunk: string) => {
        stderr += chunk;
        if (stderr.includes('helper: serving')) ready();
      });
      child.once('exit', (code) => fail(new Error(`the helper exited (${code}): ${stderr}`)));
    });
  });

  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const client = () =>
    createWsKeyringApi({
      url: `ws+unix://${socketPath}:/ws`,
      createSocket: (url) => new WebSocket(url) as unknown as WebSocketLike,
      reconnectDelaysMs: [50],
      requestTimeoutMs: 10_000,
    });

  it('says it serves all users, from this process, in its capabilities', async () => {
    const api = client();
    try {
      const caps = await api.getCapabilities();
      expect(caps.view).toMatchObject({ scope: { kind: 'all' }, provider: { kind: 'process', uid: 0, pid: child.pid } });
      expect(caps.actionsAllowed).toBe(false);
      expect((await api.getSnapshot()).snapshot.scope).toEqual({ kind: 'all' });
    } finally {
      api.close();
    }
  });

  it('survives garbage before the handshake, broken frames after it, and bad messages, and still answers', async () => {
    // Layer 1: bytes where the HTTP request should be. 60 connections per layer, 10 at a time: each waits up to
    // 150 ms for the helper to answer or hang up, which one after another took 18 s of the suite's time.
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ minLength: 1, maxLength: 2048 }), { minLength: 10, maxLength: 10 }), async (batch) => {
        await Promise.all(batch.map((bytes) => sendAndClose(socketPath, [Buffer.from(bytes)])));
      }),
      { numRuns: 6 },
    );
    // Layer 2: a good handshake, then bytes where WebSocket frames should be.
    const handshake =
      'GET /ws HTTP/1.1\r\nHost: helper\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ minLength: 1, maxLength: 4096 }), { minLength: 10, maxLength: 10 }), async (batch) => {
        await Promise.all(batch.map((bytes) => sendAndClose(socketPath, [Buffer.from(handshake), Buffer.from(bytes)])));
      }),
      { numRuns: 6 },
    );
    // Layer 3: well-formed frames whose text is anything.
    const ws = new WebSocket(`ws+unix://${socketPath}:/ws`);
    await new Promise((opened) => ws.once('open', opened));
    let answers = 0;
    ws.on('message', () => answers++);
    const messages = fc.sample(
      fc.oneof(
        fc.string(),
        fc.json(),
        fc.record({ id: fc.anything(), method: fc.oneof(fc.constantFrom('getSnapshot', 'revokeKey', 'setScope', 'constructor', '__proto__'), fc.string()), args: fc.anything() }).map((r) => JSON.stringify(r)),
      ),
      300,
    );
    // In batches under the limit of requests waiting for their answers (64), past which a peer is cut off.
    for (let i = 0; i < messages.length; i += 32) {
      for (const m of messages.slice(i, i + 32)) ws.send(m);
      await expect.poll(() => answers, { timeout: 20_000 }).toBeGreaterThanOrEqual(Math.min(i + 32, messages.length));
    }
    ws.close();

    expect(child.exitCode).toBe(null);
    const api = client();
    try {
      expect((await api.getStatus()).intervalMs).toBe(1000);
    } finally {
      api.close();
    }
  });
});

/** Connects, writes each chunk, and waits (briefly) for the helper to close the connection or answer. */
function sendAndClose(path: string, chunks: Buffer[]): Promise<void> {
  return new Promise((done) => {
    const s = connect(path);
    const finish = () => {
      clearTimeout(timer);
      s.destroy();
      done();
    };
    const timer = setTimeout(finish, 150);
    s.on('connect', () => {
      for (const c of chunks) s.write(c);
    });
    s.on('close', finish);
    s.on('error', finish);
  });
}
