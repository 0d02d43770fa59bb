import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyringEvent } from '../../shared/api';
import { FakeSource, fakeKey, fakeSnapshot } from '../service/test/fakeSource';
import { startServer, type RunningServer } from './server';
import { fakeRendererDir, httpGet, rawRequest, TestClient, upgradeRequest, upgradeStatus, wsUrl } from './test/helpers';

let server: RunningServer;
let source: FakeSource;
let logs: string[];
let origin: string;
let clients: TestClient[];

async function connect(): Promise<TestClient> {
  const client = await TestClient.open(wsUrl(server.url, server.token), origin);
  clients.push(client);
  return client;
}

beforeEach(async () => {
  source = new FakeSource(fakeSnapshot([fakeKey(1), fakeKey(2)]));
  logs = [];
  clients = [];
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    intervalMs: 100,
    allowActions: false,
    source,
    staticDir: fakeRendererDir(),
    log: (line) => logs.push(line),
  });
  origin = new URL(server.url).origin;
});

afterEach(async () => {
  for (const c of clients) c.close();
  await server.close();
});

describe('serve over HTTP', () => {
  it('prints a loopback URL that carries a long random token', () => {
    const url = new URL(server.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.searchParams.get('token')).toBe(server.token);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(logs.join('\n')).not.toMatch(/warning/);
  });

  it('serves the renderer without the token, under a strict CSP', async () => {
    const page = await httpGet(`${origin}/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Keyring Browser');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://${new URL(origin).host}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const script = await httpGet(`${origin}/assets/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('never serves a file outside the renderer directory', async () => {
    for (const path of ['/../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2f..%2fetc%2fpasswd', '/%E0%A4%A']) {
      const answer = await httpGet(`${origin}${path}`);
      expect(answer.status, path).toBe(404);
      expect(answer.body).not.toContain('root:');
    }
  });

  it('answers the data routes 401 without the token and 403 with a wrong one', async () => {
    const none = await httpGet(`${origin}/api/snapshot`);
    expect(none.status).toBe(401);
    expect(none.body).not.toContain('"keys"');
    const wrong = await httpGet(`${origin}/api/snapshot?token=${'A'.repeat(43)}`);
    expect(wrong.status).toBe(403);
    const wrongBearer = await httpGet(`${origin}/api/status`, { Authorization: 'Bearer nope' });
    expect(wrongBearer.status).toBe(403);
    expect(logs.some((l) => l.includes('refused') && l.includes('no access token'))).toBe(true);
    expect(logs.join('\n')).not.toContain(server.token);
  });

  it('serves the snapshot with the token, in the query or as a bearer', async () => {
    const byQuery = await httpGet(`${origin}/api/snapshot?token=${server.token}`);
    expect(byQuery.status).toBe(200);
    expect(JSON.parse(byQuery.body)).toMatchObject({ seq: 0, snapshot: { keys: [{ id: 1 }, { id: 2 }] } });
    const byHeader = await httpGet(`${origin}/api/status`, { Authorization: `Bearer ${server.token}` });
    expect(JSON.parse(byHeader.body)).toMatchObject({ intervalMs: 100, paused: false });
  });

  it('refuses a Host that is not this server (DNS rebinding), even for static files', async () => {
    const port = new URL(origin).port;
    for (const host of [`evil.example:${port}`, `127.0.0.1.evil.example:${port}`, 'evil.example']) {
      expect((await httpGet(`${origin}/`, { Host: host })).status, host).toBe(403);
      expect((await httpGet(`${origin}/api/snapshot?token=${server.token}`, { Host: host })).status, host).toBe(403);
    }
    // The loopback names reach it, also on another port (an SSH tunnel's local end).
    expect((await httpGet(`${origin}/`, { Host: `localhost:${port}` })).status).toBe(200);
    expect((await httpGet(`${origin}/`, { Host: 'localhost:9999' })).status).toBe(200);
  });

  it('refuses data to a foreign Origin even with the token', async () => {
    const answer = await httpGet(`${origin}/api/snapshot?token=${server.token}`, { Origin: 'http://evil.example' });
    expect(answer.status).toBe(403);
  });

  it('refuses a request with more than one Host header', async () => {
    const port = Number(new URL(origin).port);
    for (const hosts of [['127.0.0.1', 'evil.example'], ['127.0.0.1', '127.0.0.1']]) {
      const head = hosts.map((h) => `Host: ${h}\r\n`).join('');
      const plain = await rawRequest(port, `GET /api/status?token=${server.token} HTTP/1.1\r\n${head}Connection: close\r\n\r\n`);
      expect(plain.status, hosts.join()).toBe(400);
      const upgrade = await rawRequest(port, upgradeRequest(`/ws?token=${server.token}`, `127.0.0.1:${port}`, `Host: evil.example\r\nOrigin: ${origin}\r\n`));
      expect(upgrade.status).toBe(400);
    }
    expect(logs.join('\n')).toMatch(/more than one Host header/);
  });

  it('answers anything but GET and HEAD with 405', async () => {
    expect((await httpGet(`${origin}/`, {}, 'POST')).status).toBe(405);
  });
});

describe('serve over WebSocket', () => {
  it('refuses upgrades without a valid token, from a foreign Origin or Host', async () => {
    expect(await upgradeStatus(wsUrl(server.url, null), { origin })).toBe(401);
    expect(await upgradeStatus(wsUrl(server.url, 'wrong'), { origin })).toBe(403);
    expect(await upgradeStatus(wsUrl(server.url, server.token), { origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(wsUrl(server.url, server.token), {})).toBe(403);
    expect(
      await upgradeStatus(wsUrl(server.url, server.token), { origin: 'http://evil.example', headers: { Host: 'evil.example' } }),
    ).toBe(403);
    expect(await upgradeStatus(wsUrl(server.url, server.token), { origin })).toBe(101);
  });

  it('answers getSnapshot, then pushes deltas as the keyring changes', async () => {
    const client = await connect();
    const first = await client.call('getSnapshot');
    expect(first).toMatchObject({ result: { seq: 0, snapshot: { keys: [{ id: 1 }, { id: 2 }] } } });
    source.set(fakeSnapshot([fakeKey(1), fakeKey(3)]));
    const pushed = (await client.waitFor((m) => (m.event as KeyringEvent | undefined)?.type === 'delta')) as {
      event: Extract<KeyringEvent, { type: 'delta' }>;
    };
    expect(pushed.event.delta).toMatchObject({ seq: 1, removed: [2], added: [{ id: 3 }] });
  });

  it('answers malformed messages with errors and stays usable', async () => {
    const client = await connect();
    client.sendRaw('{not json');
    expect(await client.waitFor((m) => (m.error as { code?: string } | undefined)?.code === 'bad-json')).toMatchObject({ id: null });
    client.sendRaw(JSON.stringify({ id: 7, method: 'getStatus' }));
    expect(await client.waitFor((m) => m.id === 7)).toMatchObject({ error: { code: 'bad-request' } });
    client.sendRaw(JSON.stringify([1, 2, 3]));
    expect(await client.waitFor((m) => (m.error as { code?: string } | undefined)?.code === 'bad-request' && m.id === null)).toBeTruthy();
    expect(await client.call('deleteEverything')).toMatchObject({ error: { code: 'unknown-method' } });
    expect(await client.call('getKeyDetails', ['0x1'])).toMatchObject({ error: { code: 'bad-args' } });
    expect(await client.call('getKeyDetails', [])).toMatchObject({ error: { code: 'bad-args' } });
    expect(await client.call('setPollInterval', [5])).toMatchObject({ error: { code: 'bad-args', message: expect.stringMatching(/at least 100/) } });
    expect(await client.call('getStatus')).toMatchObject({ result: { intervalMs: 100 } });
  });

  it('keeps the poller controls per connection: one viewer pausing does not stop the others', async () => {
    const a = await connect();
    const b = await connect();
    await a.call('getSnapshot');
    await b.call('getSnapshot');
    expect(await a.call('pause')).toMatchObject({ result: { paused: true } });
    expect(await b.call('getStatus')).toMatchObject({ result: { paused: false } });
    expect(await a.call('getStatus')).toMatchObject({ result: { paused: true } });
    const isDelta = (m: Record<string, unknown>) => (m.event as KeyringEvent | undefined)?.type === 'delta';
    source.set(fakeSnapshot([fakeKey(1), fakeKey(3)]));
    await b.waitFor(isDelta);
    expect(a.messages.filter(isDelta)).toHaveLength(0);
    // Resumed, it catches up with one snapshot of what it missed.
    expect(await a.call('resume')).toMatchObject({ result: { paused: false } });
    expect(await a.waitFor((m) => (m.event as KeyringEvent | undefined)?.type === 'snapshot')).toMatchObject({
      event: { snapshot: { snapshot: { keys: [{ id: 1 }, { id: 3 }] } } },
    });
    // Its interval is its own too, and never faster than the engine's.
    expect(await a.call('setPollInterval', [2000])).toMatchObject({ result: { intervalMs: 2000 } });
    expect(await b.call('getStatus')).toMatchObject({ result: { intervalMs: 100 } });
    expect(await b.call('refresh')).toMatchObject({ result: { paused: false, lastScan: { keyCount: 2 } } });
  });

  it('shows a paused viewer what it missed when it asks to refresh, and keeps it paused', async () => {
    const paused = await connect();
    await paused.call('getSnapshot');
    await paused.call('pause');
    const isUpdate = (m: Record<string, unknown>) => ['delta', 'snapshot'].includes((m.event as KeyringEvent | undefined)?.type ?? '');
    source.set(fakeSnapshot([fakeKey(1), fakeKey(6)]));
    expect(await paused.call('refresh')).toMatchObject({ result: { paused: true } });
    // The snapshot is sent before refresh's answer, so it is already here.
    expect(paused.messages.filter(isUpdate)).toMatchObject([{ event: { type: 'snapshot', snapshot: { snapshot: { keys: [{ id: 1 }, { id: 6 }] } } } }]);
    const other = await connect();
    await other.call('getSnapshot');
    source.set(fakeSnapshot([fakeKey(1), fakeKey(7)]));
    await other.waitFor((m) => isUpdate(m) && JSON.stringify(m).includes('"id":7'));
    expect(await paused.call('getStatus')).toMatchObject({ result: { paused: true } });
    expect(paused.messages.filter(isUpdate)).toHaveLength(1);
  });

  it('sends a slower connection at most one update per its interval', async () => {
    const slow = await connect();
    const fast = await connect();
    await slow.call('getSnapshot');
    await slow.call('setPollInterval', [60_000]);
    const updates = () => slow.messages.filter((m) => ['delta', 'snapshot'].includes((m.event as KeyringEvent | undefined)?.type ?? ''));
    source.set(fakeSnapshot([fakeKey(1), fakeKey(4)]));
    await slow.waitFor((m) => (m.event as KeyringEvent | undefined)?.type === 'delta');
    source.set(fakeSnapshot([fakeKey(1), fakeKey(5)]));
    await fast.waitFor((m) => (m.event as KeyringEvent | undefined)?.type === 'delta' && JSON.stringify(m).includes('"id":5'));
    expect(updates()).toHaveLength(1);
  });

  it('closes a connection that sends an oversized message', async () => {
    const client = await connect();
    const closed = new Promise<number>((resolve) => client.ws.on('close', (code) => resolve(code)));
    client.sendRaw(JSON.stringify({ id: 1, method: 'getStatus', args: ['x'.repeat(100_000)] }));
    expect(await closed).toBe(1009);
  });
});

describe('serve on a port already taken', () => {
  it('fails to start and closes the source it was given', async () => {
    const other = new FakeSource();
    const taken = Number(new URL(server.url).port);
    await expect(
      startServer({ port: taken, host: '127.0.0.1', intervalMs: 1000, allowActions: false, source: other, staticDir: fakeRendererDir() }),
    ).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(other.closed).toBe(true);
  });
});

describe('serve on a non-loopback address', () => {
  it('warns that others can reach it and that token and data are unencrypted', async () => {
    const lines: string[] = [];
    const other = await startServer({
      port: 0,
      host: '0.0.0.0',
      intervalMs: 1000,
      allowActions: false,
      source: new FakeSource(),
      staticDir: fakeRendererDir(),
      log: (line) => lines.push(line),
    });
    await other.close();
    expect(lines.join('\n')).toMatch(/warning: listening on 0\.0\.0\.0, not loopback/);
    expect(lines.join('\n')).toMatch(/access token and all keyring data travel unencrypted/);
    expect(other.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
  });
});
