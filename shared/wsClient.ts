// KeyringApi over serve's WebSocket. Requests are `{id, method, args}`; answers `{id, result}` or
// `{id, error}`; pushes `{event}`. The connection comes back by itself after a drop: calls in flight
// are rejected ('disconnected'), calls made meanwhile wait for the new connection, and listeners get
// one `snapshot` event (a full resync) before any further delta, since deltas were missed.
//
// Shared, with no DOM types (only the small WebSocketLike below): the renderer uses it with the browser's
// WebSocket against serve, Electron main with `ws` against the privileged helper's Unix socket (electron/helper/).
import type { KeyringApi, KeyringEvent, VersionedSnapshot } from './api';
import { remoteMethods, type MethodName } from './contract';
import { lateTimeout, type LateTimeout } from './lateTimeout';
import { KeyringApiError, type RpcError } from './protocol';

/** The part of the browser's WebSocket this client uses. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}
export type WebSocketFactory = (url: string) => WebSocketLike;

export interface WsClientOptions {
  /** ws://host:port/ws?token=… */
  url: string;
  createSocket: WebSocketFactory;
  /** Waits between reconnect attempts; the last one repeats. */
  reconnectDelaysMs?: readonly number[];
  /** A call not answered within this long is rejected, unless the server showed meanwhile that it is alive
   *  (any message, or `noteServerAlive`): then it is rejected only after this long of silence, or at
   *  `requestCeilingMs`. */
  requestTimeoutMs?: number;
  /** The most a call may wait for a server that stays alive; `requestTimeoutMs` unless given (no extension). */
  requestCeilingMs?: number;
}

export type WsKeyringApi = KeyringApi & {
  /** Closes the connection for good; pending calls are rejected. */
  close(): void;
  /** The transport saw the server alive (a pong): calls in flight are busy, not lost (up to the ceiling). */
  noteServerAlive(): void;
  readonly connected: boolean;
};

const OPEN = 1;
const DEFAULT_DELAYS = [250, 500, 1000, 2000, 5000];
/** After this many attempts in a row that never opened, waiting calls fail instead of hanging. */
const FAILED_OPENS_BEFORE_GIVING_UP_CALLS = 3;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timeout: LateTimeout;
  /** Serialized request, kept until it is on the wire. */
  text: string;
  sent: boolean;
}

export function createWsKeyringApi(options: WsClientOptions): WsKeyringApi {
  const delays = options.reconnectDelaysMs ?? DEFAULT_DELAYS;
  const requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
  const requestCeilingMs = Math.max(requestTimeoutMs, options.requestCeilingMs ?? requestTimeoutMs);
  /** When this connection last showed the server alive; -Infinity while there is none. */
  let lastAliveAt = -Infinity;
  const listeners = new Set<(event: KeyringEvent) => void>();
  const pending = new Map<number, Pending>();
  let socket: WebSocketLike | null = null;
  let nextId = 1;
  let attempt = 0;
  let openedThisAttempt = false;
  let everOpened = false;
  let closedForGood = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  /** While resyncing after a reconnect, events wait here until the snapshot has been delivered. */
  let heldEvents: KeyringEvent[] | null = null;

  const emit = (event: KeyringEvent): void => {
    for (const listener of [...listeners]) listener(event);
  };

  const connect = (): void => {
    if (socket || closedForGood) return;
    const ws = options.createSocket(options.url);
    socket = ws;
    openedThisAttempt = false;
    ws.onopen = () => {
      lastAliveAt = Date.now();
      attempt = 0;
      openedThisAttempt = true;
      const reconnected = everOpened;
      everOpened = true;
      for (const p of pending.values()) {
        if (!p.sent) {
          ws.send(p.text);
          p.sent = true;
        }
      }
      if (reconnected && listeners.size > 0) void resync();
    };
    ws.onmessage = (ev) => onMessage(ev.data);
    ws.onerror = () => {
      // onclose follows and handles it.
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      lastAliveAt = -Infinity;
      heldEvents = null;
      for (const [id, p] of pending) {
        if (!p.sent) continue; // not on the wire yet: it goes out on the next connection
        pending.delete(id);
        p.timeout.cancel();
        p.reject(new KeyringApiError('disconnected', 'the connection to the server was lost before it answered'));
      }
      if (!openedThisAttempt && attempt + 1 >= FAILED_OPENS_BEFORE_GIVING_UP_CALLS) {
        // A browser is not told why a handshake failed (a stopped server, or a token refused with
        // 401/403 after serve restarted with a new one): say both rather than let calls hang.
        for (const [id, p] of pending) {
          pending.delete(id);
          p.timeout.cancel();
          p.reject(
            new KeyringApiError(
              'disconnected',
              'cannot reach the keyring server: it is not running, or this page’s access token is not valid any more ' +
                '(serve makes a new one each time it starts: open the URL it printed)',
            ),
          );
        }
      }
      if (!closedForGood) {
        const delay = delays[Math.min(attempt, delays.length - 1)] ?? 1000;
        attempt++;
        reconnectTimer = setTimeout(() => {
          reconnectTimer = null;
          connect();
        }, delay);
      }
    };
  };

  const resync = async (): Promise<void> => {
    heldEvents = [];
    try {
      const snapshot = (await call('getSnapshot', [])) as VersionedSnapshot;
      const held = heldEvents ?? [];
      heldEvents = null;
      emit({ type: 'snapshot', snapshot });
      for (const event of held) if (event.type !== 'delta' || event.delta.seq > snapshot.seq) emit(event);
    } catch {
      heldEvents = null; // the connection dropped again; the next open resyncs
    }
  };

  const onMessage = (data: unknown): void => {
    lastAliveAt = Date.now();
    let message: { id?: unknown; result?: unknown; error?: RpcError; event?: KeyringEvent };
    try {
      message = JSON.parse(String(data)) as typeof message;
    } catch {
      return; // the server only sends JSON; anything else is not ours to interpret
    }
    if (message.event) {
      if (heldEvents) heldEvents.push(message.event);
      else emit(message.event);
      return;
    }
    if (typeof message.id !== 'number') return;
    const p = pending.get(message.id);
    if (!p) return;
    pending.delete(message.id);
    p.timeout.cancel();
    if (message.error) p.reject(new KeyringApiError(message.error.code, message.error.message));
    else p.resolve(message.result);
  };

  const call = (method: MethodName, args: readonly unknown[]): Promise<unknown> => {
    if (closedForGood) return Promise.reject(new KeyringApiError('disconnected', 'the connection is closed'));
    connect();
    return new Promise((resolve, reject) => {
      const id = nextId++;
      const text = JSON.stringify({ id, method, args });
      const startedAt = Date.now();
      const expired = (): void => {
        pending.delete(id);
        const silent = Date.now() - lastAliveAt >= requestTimeoutMs;
        reject(
          new KeyringApiError(
            'disconnected',
            silent
              ? `${method}: no answer from the server, and nothing heard from it for ${requestTimeoutMs / 1000} s`
              : `${method}: no answer from the server within ${requestCeilingMs / 1000} s, though it is still connected`,
          ),
        );
      };
      // Every call gets requestTimeoutMs. A server heard from since is working on it (a big scan), so the call waits
      // on, for another stretch of silence at most, until the ceiling; judged once what arrived meanwhile was read.
      const msLeft = (): number =>
        Math.max(startedAt + requestTimeoutMs, Math.min(lastAliveAt + requestTimeoutMs, startedAt + requestCeilingMs)) - Date.now();
      const entry: Pending = { resolve, reject, timeout: lateTimeout(msLeft, expired), text, sent: false };
      pending.set(id, entry);
      if (socket && socket.readyState === OPEN) {
        socket.send(text);
        entry.sent = true;
      }
    });
  };

  return {
    ...remoteMethods(call),
    subscribe(listener) {
      listeners.add(listener);
      connect();
      return () => {
        listeners.delete(listener);
      };
    },
    close() {
      closedForGood = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      for (const p of pending.values()) {
        p.timeout.cancel();
        p.reject(new KeyringApiError('disconnected', 'the connection is closed'));
      }
      pending.clear();
      const ws = socket;
      socket = null;
      ws?.close();
    },
    noteServerAlive() {
      if (socket) lastAliveAt = Date.now();
    },
    get connected() {
      return socket !== null && socket.readyState === OPEN;
    },
  };
}

/** The WebSocket URL of the serve instance that served this page. */
export function serveWsUrl(pageUrl: string, token: string): string {
  const url = new URL('/ws', pageUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = new URLSearchParams({ token }).toString();
  return url.toString();
}
