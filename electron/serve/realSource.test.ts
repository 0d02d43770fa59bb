// serve end to end in Node against the real engine: the worker-backed SnapshotSource, real keys in this
// test process's own session keyring, the renderer's WebSocket client. (The browser e2e lives in e2e/.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { KeyringEvent } from '../../shared/api';
import { createWsKeyringApi, serveWsUrl, type WebSocketLike, type WsKeyringApi } from '../../shared/wsClient';
import { addKey, KEY_SPEC, revoke } from '../keyring/keyctl';
import { createWorkerSnapshotSource } from '../threads/scanThread';
import { startServer, type RunningServer } from './server';
import { fakeRendererDir } from './test/helpers';

let server: RunningServer;
let client: WsKeyringApi;
const events: KeyringEvent[] = [];

function eventually<T>(find: () => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    const look = () => {
      const found = find();
      if (found !== undefined) {
        stop();
        resolve(found);
      }
    };
    const stop = client.subscribe(look);
    look();
  });
}

beforeAll(async () => {
  // Needs the built scan worker (npm run build:node), as the app does.
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    intervalMs: 100,
    allowActions: false,
    source: createWorkerSnapshotSource(),
    staticDir: fakeRendererDir(),
  });
  const origin = new URL(server.url).origin;
  client = createWsKeyringApi({
    url: serveWsUrl(server.url, server.token),
    createSocket: (url) => new WebSocket(url, { origin }) as unknown as WebSocketLike,
  });
  client.subscribe((e) => events.push(e));
});

afterAll(async () => {
  client?.close();
  await server?.close();
});

describe('serve with the real engine', () => {
  it('shows this session keyring in the first snapshot, then pushes added and revoked keys as deltas', async () => {
    const before = await client.getSnapshot();
    const session = before.snapshot.anchors.session;
    expect(session).not.toBeNull();
    expect(before.snapshot.keys.some((k) => k.id === session)).toBe(true);

    const id = addKey('user', `kb-serve-real-${process.pid}`, Buffer.from('secret-payload'), KEY_SPEC.SESSION);
    const added = await eventually(() =>
      events.find((e) => e.type === 'delta' && e.delta.added.some((k) => k.id === id)),
    );
    expect(added.type === 'delta' && added.delta.linksAdded).toContainEqual([session, id]);
    expect(JSON.stringify(events)).not.toContain('secret-payload');

    revoke(id);
    const revoked = await eventually(() =>
      events.find((e) => e.type === 'delta' && e.delta.changed.some((c) => c.id === id && c.changes.flags?.includes('R'))),
    );
    expect(revoked).toBeTruthy();
    const status = await client.getStatus();
    expect(status.lastError).toBeNull();
    expect(status.lastScan?.keyCount).toBeGreaterThan(0);
  });
});
