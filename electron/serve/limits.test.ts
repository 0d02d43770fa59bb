// What one peer may cost serve: each limit ends that peer's connection, with a status or close code and
// a log line, and serve keeps answering everyone else. Limits are set small here so the tests are quick.
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { FakeSource, fakeKey, fakeSnapshot } from '../service/test/fakeSource';
import type { ServeLimits } from './limits';
import { startServer, type RunningServer } from './server';
import { fakeRendererDir, rawRequest, TestClient, wsUrl } from './test/helpers';

let server: RunningServer | null = null;
let source: FakeSource;
let logs: string[];
const sockets: Socket[] = [];
const clients: WebSocket[] = [];

async function start(limits: Partial<ServeLimits>, keys = 2): Promise<{ port: number; origin: string }> {
  logs = [];
  source = new FakeSource(fakeSnapshot(Array.from({ length: keys }, (_, i) => fakeKey(i + 1, { description: `key ${i + 1} `.padEnd(200, 'x') }))));
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    intervalMs: 60_000,
    allowActions: false,
    source,
    staticDir: fakeRendererDir(),
    log: (line) => logs.push(line),
    limits,
  });
  const url = new URL(server.url);
  return { port: Number(url.port), origin: url.origin };
}

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const c of clients.splice(0)) c.terminate();
  source?.release();
  await server?.close();
  server = null;
});

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
    sockets.push(socket);
  });
}

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed || socket.readableEnded) resolve();
    socket.on('close', () => resolve());
    socket.on('end', () => resolve());
    socket.resume();
  });
}

function openWs(origin: string, options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(server!.url, server!.token), { origin, ...options });
    clients.push(ws);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function closeCode(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

async function stillServing(port: number): Promise<void> {
  const answer = await rawRequest(port, `GET /api/status?token=${server!.token} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  expect(answer.status).toBe(200);
}

describe('WebSocket backpressure', () => {
  it('closes a client that does not read its answers, and says so', async () => {
    const { port, origin } = await start({ wsMaxBufferedBytes: 1024 * 1024, wsStallMs: 1000, wsMaxRequestsInFlight: 1000 }, 2000);
    const ws = await openWs(origin);
    const code = closeCode(ws);
    ws.pause(); // stops reading the socket: replies pile up in the kernel's buffers, then in serve's
    for (let id = 1; id <= 200; id++) ws.send(JSON.stringify({ id, method: 'getSnapshot', args: [] }));
    await vi.waitFor(() => expect(logs.join('\n')).toMatch(/closed the WebSocket of 127\.0\.0\.1: not reading: .* MiB unsent for 1 s, the limit is 1\.0 MiB/), {
      timeout: 20_000,
    });
    ws.resume();
    // The close frame sits behind what it did not read; it is dropped with the socket a second later.
    expect([1008, 1006]).toContain(await code);
    await stillServing(port);
  });

  it('sends an answer bigger than the limit to a client that reads it', async () => {
    const { origin } = await start({ wsMaxBufferedBytes: 64 * 1024 }, 20_000);
    const client = await TestClient.open(wsUrl(server!.url, server!.token), origin);
    clients.push(client.ws);
    const keysIn = (answer: Record<string, unknown>) => (answer.result as { snapshot: { keys: unknown[] } }).snapshot.keys.length;
    // Each answer (~6 MB) is more than the kernel's socket buffer takes at once; the second is sent while the first
    // may still be unread.
    const answers = await Promise.all([client.call('getSnapshot'), client.call('getSnapshot')]);
    expect(answers.map(keysIn)).toEqual([20_000, 20_000]);
    expect(logs.join('\n')).not.toMatch(/closed the WebSocket/);
  });

  it('closes a client with too many requests waiting, with code 1008', async () => {
    const { port, origin } = await start({ wsMaxRequestsInFlight: 4 });
    const ws = await openWs(origin);
    const code = closeCode(ws);
    source.hold = true; // every refresh waits for its scan
    for (let id = 1; id <= 10; id++) ws.send(JSON.stringify({ id, method: 'refresh', args: [] }));
    expect(await code).toBe(1008);
    expect(logs.join('\n')).toMatch(/closed the WebSocket of 127\.0\.0\.1: more than 4 requests waiting/);
    source.hold = false;
    source.release();
    await stillServing(port);
  });
});

describe('HTTP timeouts', () => {
  it('closes a connection that never sends a byte', async () => {
    const { port } = await start({ idleTimeoutMs: 300 });
    const socket = await openSocket(port);
    await closed(socket);
    await stillServing(port);
  });

  it('closes a connection whose headers never finish (slowloris)', async () => {
    const { port } = await start({ headersTimeoutMs: 300, idleTimeoutMs: 60_000 });
    const socket = await openSocket(port);
    const text: string[] = [];
    socket.on('data', (d) => text.push(String(d)));
    socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    // Keep trickling a header byte now and then: only the header timeout can end this.
    const trickle = setInterval(() => socket.writable && socket.write('X'), 50);
    await closed(socket);
    clearInterval(trickle);
    expect(text.join('')).toMatch(/^HTTP\/1\.1 408/);
  });
});

describe('WebSocket liveness', () => {
  it('drops a peer that stops answering pings', async () => {
    const { origin } = await start({ wsPingIntervalMs: 200 });
    const ws = await openWs(origin, { autoPong: false });
    expect(await closeCode(ws)).toBe(1006);
    expect(logs.join('\n')).toMatch(/dropped the WebSocket of 127\.0\.0\.1: no answer to a ping in 200 ms/);
  });

  it("keeps a peer that answered in time while serve's own loop was blocked past the ping interval", async () => {
    const { origin } = await start({ wsPingIntervalMs: 500 });
    // The peer is another process, so it answers while this one is blocked (its pongs wait unread in the socket).
    const peer = spawn(
      process.execPath,
      [
        '-e',
        `const WebSocket = require(${JSON.stringify(join(__dirname, '..', '..', 'node_modules', 'ws'))});
         const ws = new WebSocket(process.argv[1], { origin: process.argv[2] });
         ws.on('ping', () => console.log('ping'));
         ws.on('close', (code) => console.log('closed ' + code));
         ws.on('error', (err) => console.log('error ' + err.message));`,
        wsUrl(server!.url, server!.token),
        origin,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let said = '';
    const pings = (): number => said.split('ping').length - 1;
    peer.stdout.on('data', (chunk: Buffer) => (said += String(chunk)));
    /** Resolves once the peer has had `n` pings, or has lost its connection. */
    const until = (n: number): Promise<void> =>
      new Promise((resolve) => {
        const look = (): void => void ((pings() >= n || /closed|error/.test(said)) && (peer.stdout.off('data', look), resolve()));
        peer.stdout.on('data', look);
        look();
      });
    // A long synchronous task (a snapshot of 40k+ keys) in the turn of the loop after each of the next three pings,
    // each 3 ping intervals long: the answer arrives while serve's loop is blocked.
    const realPing = WebSocket.prototype.ping;
    let blocks = 3;
    const blocked = new Int32Array(new SharedArrayBuffer(4));
    WebSocket.prototype.ping = function (this: WebSocket, ...args: Parameters<WebSocket['ping']>) {
      realPing.apply(this, args);
      if (blocks-- > 0) setImmediate(() => Atomics.wait(blocked, 0, 0, 1500));
    };
    try {
      await until(6);
      expect(said).not.toMatch(/closed|error/);
      expect(logs.join('\n')).not.toMatch(/dropped the WebSocket/);
    } finally {
      WebSocket.prototype.ping = realPing;
      peer.kill();
    }
  });

  it('keeps a peer that answers', async () => {
    const { origin } = await start({ wsPingIntervalMs: 100 });
    const client = await TestClient.open(wsUrl(server!.url, server!.token), origin);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await client.call('getStatus')).toMatchObject({ result: { paused: false } });
    client.close();
  });
});

describe('connection cap', () => {
  it('answers 503 beyond the cap, and serves again once connections close', async () => {
    const { port } = await start({ maxConnections: 5 });
    const held = await Promise.all(Array.from({ length: 5 }, () => openSocket(port)));
    const refused = await rawRequest(port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect(refused.status).toBe(503);
    expect(refused.text).toMatch(/too many connections/);
    expect(logs.join('\n')).toMatch(/5 connections open, the limit: refusing new ones with 503/);
    for (const s of held) s.destroy();
    await vi.waitFor(() => stillServing(port));
  });
});
