// Electron main's client of the helper, against real sockets: every way the helper can be missing or not
// be a helper ends in a sentence within the timeout, never a hang; a real helper (in process, as root)
// is reached, named by the kernel's SO_PEERCRED, and its going away is reported. A helper slower than the
// request timeout is waited for while it answers pings; one that stays silent, or never answers, is not.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { WS_PATH } from '../../shared/protocol';
import { FakeSource, fakeKey, fakeSnapshot } from '../service/test/fakeSource';
import { addThrowawayUser, exited, removeThrowawayUser, setprivAs, type ThrowawayUser } from '../test/throwawayUsers';
import { connectHelper } from './helperClient';
import { startHelper } from './helperServer';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kb-helper-client-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function listen(server: Server, path: string): Promise<void> {
  return new Promise((done) => server.listen(path, done));
}

describe('connectHelper refuses in a sentence', () => {
  it('a missing socket, at once', async () => {
    await expect(connectHelper({ socketPath: join(dir, 'none.sock'), uid: 0 })).rejects.toThrow(/^no helper is running: .*none\.sock does not exist$/);
  });

  it('a socket that is not the user’s', async () => {
    const server = createServer();
    const path = join(dir, 'roots.sock');
    await listen(server, path);
    try {
      await expect(connectHelper({ socketPath: path, uid: 1000 })).rejects.toThrow(/roots\.sock belongs to uid 0, not to uid 1000: it is not this user's helper/);
    } finally {
      server.close();
    }
  });

  it('a socket others may use (not mode 0600)', async () => {
    const server = createServer();
    const path = join(dir, 'open.sock');
    await listen(server, path);
    try {
      await expect(connectHelper({ socketPath: path, uid: 0 })).rejects.toThrow(/can be used by others \(mode 07\d\d, not 0600\)/);
    } finally {
      server.close();
    }
  });

  it('a socket left by a helper that died', async () => {
    const path = join(dir, 'stale.sock');
    // A process that listens with umask 0177 (mode 0600) and is then killed: its socket file stays.
    const child = spawn(process.execPath, ['-e', `process.umask(0o177); require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((up) => child.stdout!.once('data', up));
    child.kill('SIGKILL');
    await new Promise((gone) => child.once('exit', gone));
    expect(existsSync(path)).toBe(true);
    await expect(connectHelper({ socketPath: path, uid: 0, timeoutMs: 2000 })).rejects.toThrow(/nothing answers on .*stale\.sock: the helper that made it is not running any more/);
  });

  it('a socket that accepts and never answers: within the timeout', async () => {
    const path = join(dir, 'silent.sock');
    const mask = process.umask(0o177);
    const held: Socket[] = [];
    const server = createServer((socket) => void held.push(socket));
    await listen(server, path).finally(() => process.umask(mask));
    try {
      const started = Date.now();
      await expect(connectHelper({ socketPath: path, uid: 0, timeoutMs: 500 })).rejects.toThrow(/did not answer within 0\.5 s/);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      for (const socket of held) socket.destroy();
      server.close();
    }
  });
});

describe('connectHelper and a server that is not root', () => {
  let user: ThrowawayUser | null = null;
  let child: ChildProcess | null = null;
  let path = '';

  beforeAll(async () => {
    user = addThrowawayUser('kbhc');
    const own = mkdtempSync(join(tmpdir(), 'kb-helper-fake-'));
    chownSync(own, user.uid, user.uid);
    path = join(own, 'fake.sock');
    // A WebSocket handshake done by hand (no module to load as that user): the reply a real server gives.
    const script = `
      process.umask(0o177);
      const crypto = require('crypto');
      require('net').createServer((s) => s.once('data', (d) => {
        const key = /Sec-WebSocket-Key: (.*)\\r\\n/i.exec(String(d))[1];
        const accept = crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
        s.write('HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Accept: ' + accept + '\\r\\n\\r\\n');
      })).listen(${JSON.stringify(path)}, () => console.log('up'));`;
    child = spawn('setpriv', [...setprivAs(user.uid), process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((up) => child!.stdout!.once('data', up));
  });

  afterAll(async () => {
    child?.kill();
    await exited(child);
    removeThrowawayUser(user);
  });

  it('is refused: the kernel names its uid and pid', async () => {
    await expect(connectHelper({ socketPath: path, uid: user!.uid, timeoutMs: 3000 })).rejects.toThrow(
      new RegExp(`fake\\.sock is served by uid ${user!.uid} \\(pid ${child!.pid}\\), not root: it is not a keyring-browser helper`),
    );
  });
});

describe('connectHelper and a real helper (as root)', () => {
  it('connects, says who provides the view, and reports the helper going away', async () => {
    const socketPath = join(dir, 'real.sock');
    const helper = await startHelper({
      socketPath,
      user: { uid: 0, gid: 0 },
      scope: { kind: 'all' },
      intervalMs: 1000,
      allowActions: false,
      source: new FakeSource(fakeSnapshot([fakeKey(4242)])),
      log: () => {},
    });
    const connection = await connectHelper({ socketPath, uid: 0 });
    expect(connection.provider).toEqual({ kind: 'helper', uid: 0, pid: process.pid });
    expect((await connection.api.getSnapshot()).snapshot.keys.map((k) => k.id)).toEqual([4242]);
    const lost = new Promise<string>((done) => connection.onLost(done));
    await helper.close();
    expect(await lost).toMatch(new RegExp(`the helper \\(pid ${process.pid}\\) stopped or closed the connection`));
  });
});

/** A stand-in helper, as root in this process, on a mode 0600 socket: answers getStatus at once and hands
 *  getSnapshot to `onSnapshot`. `ws` answers the client's pings by itself, as the real helper's does. */
async function standInHelper(path: string, onSnapshot: (answer: (result: unknown) => void) => void): Promise<() => void> {
  const http = createHttpServer();
  const wss = new WebSocketServer({ server: http, path: WS_PATH });
  wss.on('connection', (ws) =>
    ws.on('message', (data) => {
      const { id, method } = JSON.parse(String(data)) as { id: number; method: string };
      const answer = (result: unknown) => ws.send(JSON.stringify({ id, result }));
      if (method === 'getSnapshot') onSnapshot(answer);
      else answer(null);
    }),
  );
  const mask = process.umask(0o177);
  await new Promise<void>((up) => http.listen(path, up)).finally(() => process.umask(mask));
  return () => {
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    http.close();
  };
}

describe('connectHelper and a helper that is slow to answer', () => {
  // Short timeouts stand for the real 30 s and 15 min; nothing here depends on how fast the machine is, only
  // on the order of events (the answer is sent once the call has outlived its silence timeout).
  // 2 s of silence and pings every 100 ms: a test process starved for a few hundred ms on a loaded machine
  // must not look like a silent helper.
  const requestTimeoutMs = 2000;

  it('waits for a snapshot that takes longer than the request timeout while the helper answers pings', async () => {
    const path = join(dir, 'slow.sock');
    let timedOut = false;
    const stop = await standInHelper(path, (answer) => {
      // Answers only after the old fixed timeout has surely passed: a client that gave up has rejected by then.
      setTimeout(() => answer({ seq: 7, snapshot: 'big' }), requestTimeoutMs * 3);
    });
    try {
      const connection = await connectHelper({ socketPath: path, uid: 0, requestTimeoutMs, pingIntervalMs: 100 });
      const result = await connection.api.getSnapshot().catch((err: Error) => {
        timedOut = true;
        return err.message;
      });
      expect(timedOut).toBe(false);
      expect(result).toEqual({ seq: 7, snapshot: 'big' });
      connection.close();
    } finally {
      stop();
    }
  });

  it('still gives up on a helper that stays alive but never answers, at the ceiling', async () => {
    const path = join(dir, 'stuck.sock');
    const stop = await standInHelper(path, () => {});
    try {
      const connection = await connectHelper({ socketPath: path, uid: 0, requestTimeoutMs, requestCeilingMs: requestTimeoutMs * 3, pingIntervalMs: 100 });
      await expect(connection.api.getSnapshot()).rejects.toThrow(/^getSnapshot: no answer from the server within 6 s, though it is still connected$/);
      connection.close();
    } finally {
      stop();
    }
  });

  it('gives up on a helper that falls silent (no answer, no pong) after the short timeout', async () => {
    const path = join(dir, 'mute.sock');
    const mask = process.umask(0o177);
    const held: Socket[] = [];
    // Completes the WebSocket handshake by hand, then ignores every frame: calls and pings alike.
    const server = createServer((socket) => {
      held.push(socket);
      socket.once('data', (d) => {
        const key = /Sec-WebSocket-Key: (.*)\r\n/i.exec(String(d))![1];
        const accept = createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
        socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      });
    });
    await listen(server, path).finally(() => process.umask(mask));
    try {
      const connection = await connectHelper({ socketPath: path, uid: 0, requestTimeoutMs, requestCeilingMs: 60_000, pingIntervalMs: 100 });
      await expect(connection.api.getSnapshot()).rejects.toThrow(/^getSnapshot: no answer from the server, and nothing heard from it for 2 s$/);
      connection.close();
    } finally {
      for (const socket of held) socket.destroy();
      server.close();
    }
  });
});
