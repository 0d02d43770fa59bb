// The WebSocket KeyringApi client (shared/wsClient.ts: the renderer's, and Electron main's for the helper) against the real serve, in Node.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { KeyringEvent } from '../../shared/api';
import { KeyringApiError } from '../../shared/protocol';
import { createWsKeyringApi, serveWsUrl, type WebSocketLike, type WsKeyringApi } from '../../shared/wsClient';
import { FakeSource, fakeKey, fakeSnapshot } from '../service/test/fakeSource';
import { startServer, type RunningServer } from './server';
import { fakeRendererDir } from './test/helpers';

let server: RunningServer;
let source: FakeSource;
let client: WsKeyringApi;
let sockets: WebSocket[];

function waitForEvent(api: WsKeyringApi, match: (e: KeyringEvent) => boolean): Promise<KeyringEvent> {
  return new Promise((resolve) => {
    const stop = api.subscribe((e) => {
      if (!match(e)) return;
      stop();
      resolve(e);
    });
  });
}

beforeEach(async () => {
  source = new FakeSource(fakeSnapshot([fakeKey(1)]));
  server = await startServer({ port: 0, host: '127.0.0.1', intervalMs: 100, allowActions: false, source, staticDir: fakeRendererDir() });
  sockets = [];
  const origin = new URL(server.url).origin;
  client = createWsKeyringApi({
    url: serveWsUrl(server.url, server.token),
    // A browser sends its page's Origin by itself; in Node the test says it.
    createSocket: (url) => {
      const ws = new WebSocket(url, { origin });
      sockets.push(ws);
      return ws as unknown as WebSocketLike;
    },
    reconnectDelaysMs: [10],
  });
});

afterEach(async () => {
  client.close();
  source.release();
  await server.close();
});

/** Drops the current connection the way a network failure would. */
function dropConnection(): void {
  sockets.at(-1)?.terminate();
}

describe('WebSocket KeyringApi client', () => {
  it('builds the socket URL from the page URL', () => {
    expect(serveWsUrl('http://127.0.0.1:4000/?token=abc#x', 'a/b+c')).toBe('ws://127.0.0.1:4000/ws?token=a%2Fb%2Bc');
    expect(serveWsUrl('https://host/app/', 't')).toBe('wss://host/ws?token=t');
  });

  it('resolves calls with results and rejects refusals as KeyringApiError with the code', async () => {
    expect((await client.getSnapshot()).snapshot.keys.map((k) => k.id)).toEqual([1]);
    expect(client.connected).toBe(true);
    const refused = await client.setPollInterval(1).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(KeyringApiError);
    expect((refused as KeyringApiError).code).toBe('bad-args');
    expect((await client.getStatus()).intervalMs).toBe(100);
  });

  it('delivers pushed deltas to subscribers', async () => {
    await client.getSnapshot();
    const delta = waitForEvent(client, (e) => e.type === 'delta');
    source.set(fakeSnapshot([fakeKey(1), fakeKey(2)]));
    expect(await delta).toMatchObject({ type: 'delta', delta: { seq: 1, added: [{ id: 2 }] } });
  });

  it('rejects a call in flight when the connection drops', async () => {
    await client.getSnapshot();
    source.hold = true;
    const scanning = source.nextScan();
    const refresh = client.refresh();
    await scanning;
    dropConnection();
    await expect(refresh).rejects.toMatchObject({ code: 'disconnected' });
  });

  it('reconnects, resyncs subscribers with a snapshot, and serves calls made meanwhile', async () => {
    await client.getSnapshot();
    const events: KeyringEvent[] = [];
    client.subscribe((e) => events.push(e));
    const resynced = waitForEvent(client, (e) => e.type === 'snapshot');
    source.set(fakeSnapshot([fakeKey(1), fakeKey(5)]));
    dropConnection();
    const duringOutage = client.getStatus(); // queued until the new connection opens
    expect(await resynced).toMatchObject({ type: 'snapshot', snapshot: { seq: expect.any(Number) } });
    expect((await duringOutage).intervalMs).toBe(100);
    expect(sockets.length).toBe(2);
    const sixAdded = waitForEvent(client, (e) => e.type === 'delta' && e.delta.added.some((k) => k.id === 6));
    source.set(fakeSnapshot([fakeKey(6)]));
    await sixAdded;
    // What follows the snapshot continues from it, without gaps or repeats.
    const fromSnapshot = events.slice(events.findIndex((e) => e.type === 'snapshot'));
    const first = fromSnapshot[0];
    const seqs = fromSnapshot.flatMap((e) => (e.type === 'delta' ? [e.delta.seq] : []));
    const base = first?.type === 'snapshot' ? first.snapshot.seq : -1;
    expect(seqs).toEqual(seqs.map((_, i) => base + 1 + i));
  });

  it('fails calls, rather than hanging, when the server keeps refusing the token', async () => {
    const origin = new URL(server.url).origin;
    const stale = createWsKeyringApi({
      url: serveWsUrl(server.url, 'a-token-from-an-earlier-serve'),
      createSocket: (url) => new WebSocket(url, { origin }) as unknown as WebSocketLike,
      reconnectDelaysMs: [5],
    });
    try {
      await expect(stale.getSnapshot()).rejects.toMatchObject({ code: 'disconnected', message: expect.stringMatching(/access token/) });
    } finally {
      stale.close();
    }
  });

  it('rejects everything once closed', async () => {
    client.close();
    await expect(client.getStatus()).rejects.toMatchObject({ code: 'disconnected' });
  });
});

describe('WebSocket KeyringApi client, its own loop blocked', () => {
  it("takes an answer that came in time while the client's loop was blocked past the call's timeout", async () => {
    // The server is another process, so it answers while this one is blocked: each answer 250 ms after its call.
    const peer = spawn(
      process.execPath,
      [
        '-e',
        `const { WebSocketServer } = require(${JSON.stringify(join(__dirname, '..', '..', 'node_modules', 'ws'))});
         const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 }, () => console.log(wss.address().port));
         wss.on('connection', (ws) => ws.on('message', (data) => {
           const { id } = JSON.parse(String(data));
           setTimeout(() => ws.send(JSON.stringify({ id, result: 'answered' })), 250);
         }));`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const port = await new Promise<number>((resolve) => peer.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
      const api = createWsKeyringApi({
        url: `ws://127.0.0.1:${port}/ws`,
        createSocket: (url) => new WebSocket(url) as unknown as WebSocketLike,
        requestTimeoutMs: 1000,
      });
      try {
        expect(await api.getStatus()).toBe('answered'); // connected
        const call = api.getStatus().then(
          (result) => result,
          (err: Error) => err.message,
        );
        // A long synchronous task (a page parsing a snapshot of 100k keys) from just after the call until past its
        // timeout: the answer arrives meanwhile and waits unread in the socket.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
        expect(await call).toBe('answered');
      } finally {
        api.close();
      }
    } finally {
      peer.kill();
    }
  });
});
