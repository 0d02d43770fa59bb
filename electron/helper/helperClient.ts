// Electron main's end of the helper's socket: the contract over serve's protocol (shared/wsClient.ts, the
// renderer's own client, driven with `ws`), after checking that the socket is this user's and that the
// process serving it is root (SO_PEERCRED on our end: the kernel's word, not the helper's). Every failure
// is a sentence within a bounded time: a missing socket at once, a silent one after the timeout. A helper
// that is alive but slow (the first all-users scan of a big, loaded machine can take minutes) is waited for:
// it answers our pings while its worker scans, so a call fails only after the helper has been silent for
// requestTimeoutMs, or at requestCeilingMs.
import WebSocket from 'ws';
import type { KeyringApi, ViewProvider } from '../../shared/api';
import { WS_PATH } from '../../shared/protocol';
import { createWsKeyringApi, type WebSocketLike } from '../../shared/wsClient';
import { checkSocketFile, HelperSocketError } from './helperSocket';
import { peerCredentials } from './peerCredentials';

export interface HelperConnection {
  readonly api: KeyringApi;
  /** Who serves it: root, and the helper's pid, as the kernel gave them for the socket's other end. */
  readonly provider: ViewProvider;
  /** Called once when the helper goes away after it had answered (it stopped, or closed the connection). */
  onLost(listener: (reason: string) => void): void;
  /** Closes the connection (the helper keeps running). */
  close(): void;
}

export interface ConnectHelperOptions {
  socketPath: string;
  /** The desktop user: the socket must be theirs. */
  uid: number;
  /** How long the connection and its handshake may take. */
  timeoutMs?: number;
  /** How long one call may wait for its answer while nothing is heard from the helper. */
  requestTimeoutMs?: number;
  /** How long one call may wait for a helper that keeps answering pings. */
  requestCeilingMs?: number;
  /** How often the helper is pinged; requestTimeoutMs / 3 unless given. */
  pingIntervalMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const DEFAULT_REQUEST_CEILING_MS = 15 * 60_000;

/** Connects to the helper, or throws a HelperSocketError saying why not. */
export async function connectHelper(options: ConnectHelperOptions): Promise<HelperConnection> {
  const { socketPath } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const pingIntervalMs = options.pingIntervalMs ?? requestTimeoutMs / 3;
  checkSocketFile(socketPath, options.uid);

  let provider: ViewProvider | null = null;
  let everOpened = false;
  let done = false;
  const lostListeners: ((reason: string) => void)[] = [];
  let settleFirst: (err: Error | null) => void = () => {};
  const firstOpen = new Promise<void>((resolve, reject) => {
    settleFirst = (err) => (err ? reject(err) : resolve());
  });

  const lose = (reason: string): void => {
    if (done) return;
    done = true;
    api.close();
    for (const listener of lostListeners) listener(reason);
  };

  const api = createWsKeyringApi({
    url: `ws+unix://${socketPath}:${WS_PATH}`,
    requestTimeoutMs,
    requestCeilingMs: options.requestCeilingMs ?? DEFAULT_REQUEST_CEILING_MS,
    // A helper that went away is reported (onLost) and this client closed, not retried behind the user's back.
    reconnectDelaysMs: [timeoutMs],
    createSocket: (url) => {
      const ws = new WebSocket(url, { handshakeTimeout: timeoutMs });
      let failure: string | null = null;
      ws.on('upgrade', (response) => {
        const peer = peerCredentials(response.socket);
        if (!peer || peer.uid !== 0) {
          failure = `${socketPath} is served by ${peer ? `uid ${peer.uid} (pid ${peer.pid})` : 'a process the kernel cannot name'}, not root: it is not a keyring-browser helper`;
          ws.terminate();
          return;
        }
        provider = { kind: 'helper', uid: peer.uid, pid: peer.pid };
      });
      let pinger: ReturnType<typeof setInterval> | null = null;
      ws.on('open', () => {
        everOpened = true;
        settleFirst(null);
        pinger = setInterval(() => ws.ping(), pingIntervalMs);
      });
      // ws answers pings by itself on the helper's event loop, which a scan (on its worker) leaves free.
      ws.on('pong', () => api.noteServerAlive());
      ws.on('ping', () => api.noteServerAlive());
      ws.on('error', (err: NodeJS.ErrnoException) => {
        failure ??= connectFailure(err, socketPath);
      });
      ws.on('close', () => {
        if (pinger) clearInterval(pinger);
        if (!everOpened) settleFirst(new HelperSocketError(failure ?? `the helper on ${socketPath} closed the connection before answering`));
        else lose(`the helper${provider ? ` (pid ${provider.pid})` : ''} stopped or closed the connection`);
      });
      return ws as unknown as WebSocketLike;
    },
  });

  const timer = setTimeout(() => settleFirst(new HelperSocketError(`the helper on ${socketPath} did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
  // A call opens the connection; its own answer does not matter here.
  api.getStatus().catch(() => {});
  try {
    await firstOpen;
  } catch (err) {
    done = true;
    api.close();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return {
    api,
    provider: provider as unknown as ViewProvider,
    onLost: (listener) => void lostListeners.push(listener),
    close: () => {
      done = true;
      api.close();
    },
  };
}

function connectFailure(err: NodeJS.ErrnoException, socketPath: string): string {
  if (err.code === 'ECONNREFUSED') return `nothing answers on ${socketPath}: the helper that made it is not running any more`;
  if (err.code === 'EACCES') return `${socketPath} may not be used by this user (EACCES)`;
  if (err.code === 'ENOENT') return `no helper is running: ${socketPath} does not exist`;
  return `cannot connect to the helper on ${socketPath}: ${err.code ?? err.message}`;
}
