// `keyring-browser serve`: the renderer bundle and the KeyringService over HTTP + WebSocket, for a
// host without a display (reached through an SSH tunnel) and for end-to-end tests.
//
// Access: static files (html/js/css, no data) are served to anyone who passes the Host check. Keyring
// data flows only with the token: on the WebSocket (`/ws?token=…`, the page reads it from its own URL)
// and on the HTTP data routes (`/api/snapshot`, `/api/status`; `Authorization: Bearer …` or `?token=`).
// A missing token is answered 401, a wrong one 403. Host and Origin are checked against DNS rebinding.
import type { DataOrigin, IdentityNames, KeyDetails, SnapshotDelta } from '../../shared/api';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { TOKEN_QUERY_PARAM, WS_MAX_REQUEST_BYTES, WS_PATH } from '../../shared/protocol';
import { rendererCsp, securityHeaders } from '../../shared/csp';
import type { ScanScope } from '../../shared/snapshot';
import type { SnapshotSource } from '../keyring/source';
import { KeyringService } from '../service/keyringService';
import { hostChecker, isLoopbackHost, newAccessToken, originMatchesHost, tokenMatches, urlHost } from './access';
import { DEFAULT_LIMITS, type ServeLimits } from './limits';
import { parseRequestTarget, shownTarget } from './requestTarget';
import { sendStatic } from './staticFiles';
import { shutDown } from './shutDown';
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
  /** Timeouts and caps; DEFAULT_LIMITS where not given. */
  limits?: Partial<ServeLimits>;
  /** Serve the bundle's `.map` files (development only: they hold the whole source). */
  serveSourceMaps?: boolean;
  /** uid/gid names; a saved file (`open`) gives none rather than this host's. */
  readIdentityNames?: () => Promise<IdentityNames>;
  /** Where the keys come from: a saved file (`open`) refuses every action. Absent: the live kernel. */
  origin?: DataOrigin;
  /** What the source scans (`--all-users`, `--uid N`), told to the page; the process's own view by default. */
  scope?: ScanScope;
  /** `open` on a recording: its changes, for the page's replay. */
  recordedChanges?: readonly SnapshotDelta[];
}

export interface RunningServer {
  /** Where to point a browser; carries the token. */
  url: string;
  token: string;
  /** The service behind every connection (serve --record listens to its deltas). */
  service: KeyringService;
  /** Stops listening, closes every connection, stops the poller and closes the source. */
  close(): Promise<void>;
}

type Refusal = { ok: false; status: 400 | 401 | 403; reason: string };
type Verdict = { ok: true } | Refusal;

const STATUS_TEXT: Record<Refusal['status'], string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden' };

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const log = options.log ?? (() => {});
  const limits: ServeLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const token = newAccessToken();
  const hostAllowed = hostChecker(options.host);
  const service = new KeyringService({
    source: options.source,
    intervalMs: options.intervalMs,
    ...(options.readKeyDetails ? { readKeyDetails: options.readKeyDetails } : {}),
    ...(options.readIdentityNames ? { readIdentityNames: options.readIdentityNames } : {}),
    ...(options.origin ? { origin: options.origin } : {}),
    ...(options.scope ? { scope: options.scope } : {}),
    ...(options.recordedChanges ? { recordedChanges: options.recordedChanges } : {}),
  });

  /** The page may open a WebSocket to where it came from; the Host header has passed hostAllowed by then. */
  const headersFor = (req: IncomingMessage): Record<string, string> => ({
    ...securityHeaders(rendererCsp(hostAllowed(req.headers.host) ? { connect: [`ws://${req.headers.host}`] } : {})),
    'Cache-Control': 'no-store',
  });

  const authorize = (req: IncomingMessage, query: URLSearchParams): Verdict => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const given = bearer ?? query.get(TOKEN_QUERY_PARAM);
    if (!given) return { ok: false, status: 401, reason: 'no access token' };
    if (!tokenMatches(token, given)) return { ok: false, status: 403, reason: 'wrong access token' };
    return { ok: true };
  };

  const checkHost = (req: IncomingMessage): Verdict => {
    // Node keeps the first of several Host headers; a proxy in front may have judged by another one.
    if (countHeader(req.rawHeaders, 'host') > 1) return { ok: false, status: 400, reason: 'more than one Host header' };
    return hostAllowed(req.headers.host) ? { ok: true } : { ok: false, status: 403, reason: `Host ${JSON.stringify(req.headers.host)} is not this server` };
  };

  /** The start of every log line about one request: method, target (path only: the query may hold the token), peer. */
  const describe = (req: IncomingMessage): string =>
    `${JSON.stringify(String(req.method ?? '').slice(0, 16))} ${shownTarget(req.url)} from ${req.socket.remoteAddress ?? '?'}`;

  const refuse = (req: IncomingMessage, verdict: Refusal): void => log(`serve: refused ${describe(req)}: ${verdict.reason}`);

  /** A fault in one request is logged in one line and ends that request only, never the process. */
  const fault = (req: IncomingMessage, err: unknown): void => {
    try {
      log(`serve: ${describe(req)} failed: ${err instanceof Error ? err.message : String(err)}`.replace(/[\r\n]+/g, ' '));
    } catch {
      // A throwing log sink must not turn one bad request into a dead server either.
    }
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (overCap(req.socket)) return void res.destroy();
    const headers = headersFor(req);
    const deny = (verdict: Refusal): void => {
      refuse(req, verdict);
      const extra: Record<string, string> = verdict.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
      res.writeHead(verdict.status, { ...headers, ...extra, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`${STATUS_TEXT[verdict.status]}: ${verdict.reason}\n`);
    };
    const target = parseRequestTarget(req.url);
    if (!target.ok) return deny({ ok: false, status: 400, reason: target.reason });
    const host = checkHost(req);
    if (!host.ok) return deny(host);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD' });
      res.end();
      return;
    }
    const { path, query } = target;
    if (path.startsWith('/api/')) {
      const access = authorize(req, query);
      if (!access.ok) return deny(access);
      // A cross-site page must not read data even if it somehow had the token.
      if (req.headers.origin && !originMatchesHost(req.headers.origin, req.headers.host)) {
        return deny({ ok: false, status: 403, reason: 'foreign Origin' });
      }
      const data = path === '/api/snapshot' ? await service.getSnapshot() : path === '/api/status' ? await service.getStatus() : undefined;
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
    if (path === WS_PATH) {
      res.writeHead(426, { ...headers, Upgrade: 'websocket' });
      res.end();
      return;
    }
    await sendStatic(res, options.staticDir, path, headers, { headOnly: req.method === 'HEAD', sourceMaps: options.serveSourceMaps === true });
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_REQUEST_BYTES });

  const upgradeVerdict = (req: IncomingMessage): Verdict => {
    const target = parseRequestTarget(req.url);
    if (!target.ok) return { ok: false, status: 400, reason: target.reason };
    const host = checkHost(req);
    if (!host.ok) return host;
    if (target.path !== WS_PATH) return { ok: false, status: 403, reason: 'no WebSocket here' };
    if (!originMatchesHost(req.headers.origin, req.headers.host)) {
      return { ok: false, status: 403, reason: `Origin ${JSON.stringify(req.headers.origin)} is not this server` };
    }
    return authorize(req, target.query);
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // Node hands an upgrading socket over without its own error listener: a reset peer would otherwise
    // raise an uncaught 'error'. ws adds its own once it takes the socket.
    socket.on('error', () => socket.destroy());
    if (overCap(req.socket)) return void socket.destroy();
    try {
      const verdict = upgradeVerdict(req);
      if (!verdict.ok) {
        refuse(req, verdict);
        socket.end(`HTTP/1.1 ${verdict.status} ${STATUS_TEXT[verdict.status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) =>
        attachConnection(ws, service, { allowActions: options.allowActions, limits, peer: req.socket.remoteAddress ?? '?', log }),
      );
    } catch (err) {
      fault(req, err);
      socket.destroy();
    }
  };

  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // How often Node looks for requests past their timeouts (its default, 30 s, would stretch a 10 s limit to 40 s).
      connectionsCheckingInterval: Math.max(10, Math.min(1000, limits.headersTimeoutMs / 4)),
    },
    (req, res) => {
      onRequest(req, res).catch((err: unknown) => {
        fault(req, err);
        try {
          if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
          res.end('Internal error\n');
        } catch {
          res.destroy();
        }
      });
    },
  );
  server.on('upgrade', onUpgrade);
  // A connection that sends nothing (or stops) is closed; ws turns this off on the sockets it takes.
  server.setTimeout(limits.idleTimeoutMs);
  const overCap = capConnections(server, limits.maxConnections, log);

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
        'The access token and all keyring data travel unencrypted (plain HTTP): anyone on the network path can read them. ' +
        'Prefer the default 127.0.0.1 and an SSH tunnel.',
    );
  }
  if (options.allowActions) log('serve: actions that change keys are ALLOWED (--allow-actions)');

  let closing: Promise<void> | null = null;
  return {
    url,
    token,
    service,
    close: () => (closing ??= shutDown(server, wss, service)),
  };
}

/** How many times a header appears (`rawHeaders` alternates names and values, names as sent). */
function countHeader(rawHeaders: readonly string[], name: string): number {
  let n = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === name) n++;
  return n;
}

const TOO_MANY_CONNECTIONS =
  'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nRetry-After: 5\r\n' +
  'Content-Length: 46\r\n\r\nServer busy: too many connections; try again.\n';

/**
 * At most `max` open connections (HTTP and WebSocket). One more is answered 503 and closed at once,
 * without waiting for its request; the returned predicate tells the handlers to ignore a request that
 * raced in on such a socket. The first refusal after a quiet spell is logged, not every one.
 */
function capConnections(server: Server, max: number, log: (line: string) => void): (socket: Socket) => boolean {
  let open = 0;
  let refusing = false;
  const refused = new WeakSet<Socket>();
  server.prependListener('connection', (socket: Socket) => {
    if (open >= max) {
      if (!refusing) log(`serve: ${open} connections open, the limit: refusing new ones with 503`);
      refusing = true;
      refused.add(socket);
      socket.on('error', () => socket.destroy());
      socket.end(TOO_MANY_CONNECTIONS, () => socket.destroy());
      return;
    }
    open++;
    socket.once('close', () => {
      open--;
      if (open < max) refusing = false;
    });
  });
  return (socket) => refused.has(socket);
}
