// `keyring-browser helper`: the privileged side of the desktop app's system view. Chromium will not run as
// root (not without --no-sandbox), so the window runs as the desktop user and this process, started as
// root through pkexec or sudo, reads every uid's keyrings and serves them to that one user.
//
// It speaks serve's protocol (the contract's KeyringApi as WebSocket messages, electron/serve/wsConnection.ts,
// one dispatch for every door) over a Unix socket instead of TCP:
//  - the socket is created mode 0600 (umask 0177 while binding: there is no moment it is open to others)
//    and then given to the user (lchown: never follows a link put in its place), in a directory only the
//    user or root may write;
//  - every connection's peer is checked with SO_PEERCRED, the kernel's record of who connected; any
//    uid but the user's is refused and logged. No token: no browser can reach a Unix socket, and no one
//    but the user passes the check;
//  - a malformed frame or message ends that connection at most (ws and wsConnection answer or close),
//    never the helper.
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { lchownSync, lstatSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { WS_MAX_REQUEST_BYTES, WS_PATH } from '../../shared/protocol';
import type { ScanScope } from '../../shared/snapshot';
import type { SnapshotSource } from '../keyring/source';
import { KeyringService } from '../service/keyringService';
import { DEFAULT_LIMITS, type ServeLimits } from '../serve/limits';
import { shutDown } from '../serve/shutDown';
import { attachConnection } from '../serve/wsConnection';
import { checkSocketDir, checkSocketFile, HelperSocketError } from './helperSocket';
import { peerCredentials, type PeerCredentials } from './peerCredentials';

export interface HelperOptions {
  socketPath: string;
  /** The desktop user: owns the socket, and is the only peer served. */
  user: { uid: number; gid: number };
  scope: ScanScope;
  intervalMs: number;
  allowActions: boolean;
  source: SnapshotSource;
  log: (line: string) => void;
  limits?: Partial<ServeLimits>;
}

export interface RunningHelper {
  socketPath: string;
  /** Stops listening, closes every connection and the service, and removes the socket. */
  close(): Promise<void>;
}

/** How long a leftover socket may take to answer before it counts as stale. */
const STALE_PROBE_MS = 1000;

export async function startHelper(options: HelperOptions): Promise<RunningHelper> {
  const { socketPath, user, log } = options;
  const limits: ServeLimits = { ...DEFAULT_LIMITS, ...options.limits };
  checkSocketDir(dirname(socketPath), user.uid);
  await removeStaleSocket(socketPath);

  const service = new KeyringService({ source: options.source, intervalMs: options.intervalMs, scope: options.scope });
  const peers = new WeakMap<Socket, PeerCredentials>();
  const describePeer = (p: PeerCredentials) => `uid ${p.uid} (pid ${p.pid})`;

  const server: Server = createServer(
    { headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs, keepAliveTimeout: limits.keepAliveTimeoutMs },
    (_req, res) => {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`the keyring-browser helper speaks WebSocket on ${WS_PATH} only\n`);
    },
  );
  server.setTimeout(limits.idleTimeoutMs);
  // Before Node's HTTP parser sees a byte: a peer that is not the user gets nothing at all.
  server.prependListener('connection', (socket: Socket) => {
    socket.on('error', () => socket.destroy());
    let peer: PeerCredentials | null;
    try {
      peer = peerCredentials(socket);
    } catch (err) {
      log(`helper: refused a connection whose peer could not be known: ${err instanceof Error ? err.message : String(err)}`);
      return void socket.destroy();
    }
    if (peer === null) return void socket.destroy();
    if (peer.uid !== user.uid) {
      log(`helper: refused a connection from ${describePeer(peer)}: only uid ${user.uid} may use this helper`);
      return void socket.destroy();
    }
    peers.set(socket, peer);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_REQUEST_BYTES });
  server.on('upgrade', (req, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const peer = peers.get(req.socket);
    if (!peer) return void socket.destroy();
    if (!(req.url ?? '').startsWith(WS_PATH)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    try {
      wss.handleUpgrade(req, socket, head, (ws) => {
        log(`helper: ${describePeer(peer)} connected`);
        ws.on('close', () => log(`helper: ${describePeer(peer)} disconnected`));
        attachConnection(ws, service, { allowActions: options.allowActions, limits, peer: describePeer(peer), log });
      });
    } catch (err) {
      log(`helper: an upgrade from ${describePeer(peer)} failed: ${err instanceof Error ? err.message : String(err)}`);
      socket.destroy();
    }
  });

  try {
    await listenPrivately(server, socketPath);
    lchownSync(socketPath, user.uid, user.gid);
    checkSocketFile(socketPath, user.uid);
  } catch (err) {
    server.close();
    wss.close();
    await service.close();
    removeIfSocket(socketPath);
    throw err;
  }
  service.start();
  log(`helper: serving uid ${user.uid} on ${socketPath} (pid ${process.pid}, scope ${options.scope.kind === 'uid' ? `uid ${options.scope.uid}` : options.scope.kind}${options.allowActions ? ', actions allowed' : ', read-only'})`);

  let closing: Promise<void> | null = null;
  return {
    socketPath,
    close: () =>
      (closing ??= (async () => {
        await shutDown(server, wss, service);
        removeIfSocket(socketPath);
      })()),
  };
}

/** Binds with umask 0177, so the socket is born mode 0600 (chmod afterwards would leave a window, and follows links). */
async function listenPrivately(server: Server, path: string): Promise<void> {
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } finally {
    process.umask(umask);
  }
}

/**
 * A socket left by a helper that died is removed; one that answers belongs to a running helper, and
 * anything that is not a socket is not ours to delete.
 */
async function removeStaleSocket(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return; // nothing there
  }
  if (!isSocket) throw new HelperSocketError(`${path} exists and is not a socket: remove it or give another --socket`);
  const answers = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    const done = (alive: boolean) => {
      probe.destroy();
      resolve(alive);
    };
    probe.setTimeout(STALE_PROBE_MS, () => done(true));
    probe.once('connect', () => done(true));
    probe.once('error', () => done(false));
  });
  if (answers) throw new HelperSocketError(`a helper is already running on ${path} (stop it first, or give another --socket)`);
  unlinkSync(path);
}

function removeIfSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    // already gone
  }
}
