// `keyring-browser serve`: the renderer bundle and the KeyringService over HTTP + WebSocket, for a
// host without a display (reached through an SSH tunnel) and for end-to-end tests.
//
// Access: static files (html/js/css, no data) are served to anyone who passes the Host check. Keyring
// data flows only with the token: on the WebSocket (`/ws?token=…`, the page reads it from its own URL)
// and on the HTTP data routes (`/api/snapshot`, `/api/status`; `Authorization: Bearer …` or `?token=`).
// A missing token is answered 401, a wrong one 403. Host and Origin are checked against DNS rebinding.
import type { KeyDetails } from '../../shared/api';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { TOKEN_QUERY_PARAM, WS_MAX_REQUEST_BYTES, WS_PATH } from '../../shared/protocol';
import { rendererCsp, securityHeaders } from '../csp';
import type { SnapshotSource } from '../keyring/source';
import { KeyringService } from '../service/keyringService';
import { hostChecker, isLoopbackHost, newAccessToken, originMatchesHost, tokenMatches, urlHost } from './access';
import { sendStatic } from './staticFiles';
import { attachConnection } from './wsConnection';

export interface ServeOptions {
  port: number;
  host: string;
  intervalMs: number;
  /** Whether methods that change keys are reachable (`--allow-actions`). */
  allowActions: boolean;
  source: SnapshotSource;
  /** The built renderer: dist/renderer. */
  staticDir: string;
  log?: (line: string) => void;
  /** Reads a key's details (security label); a redacting caller translates the page's alias ids here. */
  readKeyDetails?: (id: number) => KeyDetails | Promise<KeyDetails>;
}

export interface RunningServer {
  /** Where to point a browser; carries the token. */
  url: string;
  token: string;
  /** Stops listening, closes every connection, stops the poller and closes the source. */
  close(): Promise<void>;
}

type Verdict = { ok: true } | { ok: false; status: 401 | 403; reason: string };

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const log = options.log ?? (() => {});
  const token = newAccessToken();
  const hostAllowed = hostChecker(options.host);
  const service = new KeyringService({
    source: options.source,
    intervalMs: options.intervalMs,
    ...(options.readKeyDetails ? { readKeyDetails: options.readKeyDetails } : {}),
  });

  /** The page may open a WebSocket to where it came from; the Host header has passed hostAllowed by then. */
  const headersFor = (req: IncomingMessage): Record<string, string> => ({
    ...securityHeaders(rendererCsp(hostAllowed(req.headers.host) ? { connect: [`ws://${req.headers.host}`] } : {})),
    'Cache-Control': 'no-store',
  });

  const authorize = (req: IncomingMessage, url: URL): Verdict => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const given = bearer ?? url.searchParams.get(TOKEN_QUERY_PARAM);
    if (!given) return { ok: false, status: 401, reason: 'no access token' };
    if (!tokenMatches(token, given)) return { ok: false, status: 403, reason: 'wrong access token' };
    return { ok: true };
  };

  const checkHost = (req: IncomingMessage): Verdict =>
    hostAllowed(req.headers.host) ? { ok: true } : { ok: false, status: 403, reason: `Host ${JSON.stringify(req.headers.host)} is not this server` };

  const refuse = (req: IncomingMessage, verdict: Exclude<Verdict, { ok: true }>): void =>
    log(`serve: refused ${req.method ?? ''} ${new URL(req.url ?? '/', 'http://x').pathname} from ${req.socket.remoteAddress}: ${verdict.reason}`);

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const headers = headersFor(req);
    const deny = (verdict: Exclude<Verdict, { ok: true }>): void => {
      refuse(req, verdict);
      const extra: Record<string, string> = verdict.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
      res.writeHead(verdict.status, { ...headers, ...extra, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`${verdict.status === 401 ? 'Unauthorized' : 'Forbidden'}: ${verdict.reason}\n`);
    };
    const host = checkHost(req);
    if (!host.ok) return deny(host);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD' });
      res.end();
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      const access = authorize(req, url);
      if (!access.ok) return deny(access);
      // A cross-site page must not read data even if it somehow had the token.
      if (req.headers.origin && !originMatchesHost(req.headers.origin, req.headers.host)) {
        return deny({ ok: false, status: 403, reason: 'foreign Origin' });
      }
      const data =
        url.pathname === '/api/snapshot' ? await service.getSnapshot() : url.pathname === '/api/status' ? await service.getStatus() : undefined;
      if (data === undefined) {
        res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('Not found\n');
        return;
      }
      const body = JSON.stringify(data);
      res.writeHead(200, { ...headers, 'Content-Type': 'application/json; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    if (url.pathname === WS_PATH) {
      res.writeHead(426, { ...headers, Upgrade: 'websocket' });
      res.end();
      return;
    }
    await sendStatic(res, options.staticDir, url.pathname, headers, req.method === 'HEAD');
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_REQUEST_BYTES });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const verdict: Verdict = (() => {
      const host = checkHost(req);
      if (!host.ok) return host;
      if (url.pathname !== WS_PATH) return { ok: false, status: 403, reason: 'no WebSocket here' };
      if (!originMatchesHost(req.headers.origin, req.headers.host)) {
        return { ok: false, status: 403, reason: `Origin ${JSON.stringify(req.headers.origin)} is not this server` };
      }
      return authorize(req, url);
    })();
    if (!verdict.ok) {
      refuse(req, verdict);
      const text = verdict.status === 401 ? 'Unauthorized' : 'Forbidden';
      socket.end(`HTTP/1.1 ${verdict.status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attachConnection(ws, service, { allowActions: options.allowActions }));
  };

  const server = createServer((req, res) => {
    onRequest(req, res).catch((err: unknown) => {
      log(`serve: ${req.method ?? ''} ${new URL(req.url ?? '/', 'http://x').pathname} failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Internal error\n');
    });
  });
  server.on('upgrade', onUpgrade);

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    // Port taken, address not ours, …: nothing runs, so the source handed to us is closed here.
    wss.close();
    await service.close();
    throw err;
  }
  service.start();

  const { port } = server.address() as AddressInfo;
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : urlHost(options.host);
  const url = `http://${shownHost}:${port}/?${TOKEN_QUERY_PARAM}=${token}`;
  if (!isLoopbackHost(options.host)) {
    log(
      `serve: warning: listening on ${options.host}, not loopback: anyone who can reach this port and learns the URL sees your keyrings. ` +
        'Prefer the default 127.0.0.1 and an SSH tunnel.',
    );
  }
  if (options.allowActions) log('serve: actions that change keys are ALLOWED (--allow-actions)');

  let closing: Promise<void> | null = null;
  return {
    url,
    token,
    close: () =>
      (closing ??= (async () => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await service.close();
      })()),
  };
}
