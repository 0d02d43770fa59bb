// serve faced with requests no browser sends: malformed targets and headers over raw TCP, on plain HTTP
// and on the WebSocket upgrade path. Each is refused and serve keeps answering everyone else.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSource, fakeKey, fakeSnapshot } from '../service/test/fakeSource';
import { startServer, type RunningServer } from './server';
import { CONTRACT } from '../../shared/contract';
import { fakeRendererDir, rawRequest, TestClient, upgradeRequest, wsUrl, upgradeStatus } from './test/helpers';

let server: RunningServer;
let logs: string[];
let port: number;
let origin: string;

beforeEach(async () => {
  logs = [];
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    intervalMs: 1000,
    allowActions: false,
    source: new FakeSource(fakeSnapshot([fakeKey(1)])),
    staticDir: fakeRendererDir(),
    log: (line) => logs.push(line),
  });
  origin = new URL(server.url).origin;
  port = Number(new URL(server.url).port);
});

afterEach(async () => {
  await server.close();
});

/** serve still answers a good data request, with the token. */
async function stillServing(): Promise<void> {
  const answer = await rawRequest(port, `GET /api/status?token=${server.token} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  expect(answer.status).toBe(200);
}

const KILLERS = ['//', '//[', '/\\', '/\\\\', 'http://', 'http://[', '//evil.example/api/snapshot', '/ws\\..', '*'];

describe('malformed request targets', () => {
  it('answers 400 on plain HTTP, before any Host or token check, and keeps serving', async () => {
    for (const target of KILLERS) {
      const answer = await rawRequest(port, `GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`);
      expect(answer.status, target).toBe(400);
      await stillServing();
    }
    expect(logs.filter((l) => l.startsWith('serve: refused')).length).toBe(KILLERS.length);
  });

  it('answers 400 on a WebSocket upgrade, and keeps serving', async () => {
    for (const target of KILLERS) {
      const answer = await rawRequest(port, upgradeRequest(target, `127.0.0.1:${port}`, `Origin: ${origin}\r\n`));
      expect(answer.status, target).toBe(400);
      await stillServing();
    }
    expect(await upgradeStatus(wsUrl(server.url, server.token), { origin })).toBe(101);
  });

  it('logs each refusal in one line, without the query', async () => {
    await rawRequest(port, `GET //x?token=${server.token} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    const line = logs.find((l) => l.includes('"//x?…"'));
    expect(line).toMatch(/^serve: refused "GET" "\/\/x\?…" from 127\.0\.0\.1: the path has an empty segment/);
    expect(logs.join('\n')).not.toContain(server.token);
  });
});

describe('sockets that go away', () => {
  it('survives a peer that resets in the middle of an upgrade', async () => {
    const { connect } = await import('node:net');
    for (let i = 0; i < 20; i++) {
      await new Promise<void>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(upgradeRequest('/ws', `127.0.0.1:${port}`));
          setImmediate(() => {
            socket.resetAndDestroy();
            resolve();
          });
        });
        socket.on('error', () => resolve());
      });
    }
    await stillServing();
  });
});

describe('fuzzed requests', () => {
  // Printable ASCII plus the characters URL parsers trip on; the HTTP parser itself refuses control bytes.
  const targetChar = fc.constantFrom(...'/\\[]@:?#%.-_~!$&\'()*+,;=abcAZ09 '.split(''), '//', 'http://', '%00', '%2e%2e', '%E0%A4');
  const target = fc.array(targetChar, { minLength: 0, maxLength: 24 }).map((parts) => parts.join(''));
  const headerValue = fc.string({ maxLength: 40 }).map((s) => s.replace(/[\r\n\0]/g, ''));
  const request = fc.record({
    method: fc.constantFrom('GET', 'HEAD', 'POST', 'OPTIONS', 'GET'),
    target,
    host: fc.oneof(fc.constant('127.0.0.1'), fc.constant('localhost:9999'), headerValue),
    upgrade: fc.boolean(),
    extra: fc.array(fc.tuple(fc.constantFrom('Origin', 'Authorization', 'Host', 'X-Junk', 'Sec-WebSocket-Version'), headerValue), { maxLength: 3 }),
  });

  it('stays up and answers every one with an HTTP status', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const extra = r.extra.map(([name, value]) => `${name}: ${value}\r\n`).join('');
        const head = r.upgrade
          ? upgradeRequest(r.target, r.host, extra).replace(/^GET /, `${r.method} `)
          : `${r.method} ${r.target} HTTP/1.1\r\nHost: ${r.host}\r\n${extra}Connection: close\r\n\r\n`;
        const answer = await rawRequest(port, head);
        // 101 only for a real handshake; otherwise a refusal or a file. Node's own parser answers 400 to what it cannot read.
        expect([101, 200, 400, 401, 403, 404, 405, 426]).toContain(answer.status);
      }),
      { numRuns: 300 },
    );
    await stillServing();
  });
});

describe('fuzzed WebSocket messages', () => {
  // What one connection sends: text that is no JSON, JSON that is no request, and requests for any contract method
  // (or none) with any arguments, some with ids, some binary. Read-only (no --allow-actions): actions are refused.
  const methods = [...Object.keys(CONTRACT), 'toString', '__proto__', 'constructor', 'subscribe', 'close', ''];
  const id = fc.oneof(fc.integer(), fc.string({ maxLength: 70 }).map((s) => s.replace(/ /g, '_')), fc.constant(null), fc.double());
  const message = fc.oneof(
    fc.record({ id, method: fc.constantFrom(...methods), args: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 4 }) }).map((m) => JSON.stringify(m)),
    fc.record({ id: fc.nat(), method: fc.constantFrom(...methods), args: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: [] }).map((m) => JSON.stringify(m)),
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 60 }),
  );

  it('answers each request whatever it holds, never in a way that ends serve or the connection', async () => {
    const client = await TestClient.open(wsUrl(server.url, server.token), origin);
    let probes = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(message, fc.boolean()), { minLength: 1, maxLength: 12 }), async (sent) => {
          client.messages.length = 0;
          for (const [text, binary] of sent) client.ws.send(binary ? Buffer.from(text) : text, { binary });
          // The connection still answers, behind them (no fuzzed id has a space).
          const probe = `probe ${++probes}`;
          client.sendRaw(JSON.stringify({ id: probe, method: 'getStatus', args: [] }));
          expect(await client.waitFor((m) => m.id === probe)).toMatchObject({ result: { intervalMs: expect.any(Number) } });
          // One answer to each message, whatever it was.
          await vi.waitFor(() => expect(client.messages.filter((m) => m.event === undefined && m.id !== probe)).toHaveLength(sent.length));
          for (const m of client.messages) {
            if (m.event !== undefined) continue;
            const error = m.error as { code?: string; message?: string } | undefined;
            // A throw no method meant (a TypeError on arguments it did not check) would be 'internal'.
            if (error) expect(error.code, error.message).not.toBe('internal');
          }
        }),
        { numRuns: 60 },
      );
    } finally {
      client.close();
    }
    expect(logs.join('\n')).not.toMatch(/failed|closed the WebSocket/);
    await stillServing();
  });
});
