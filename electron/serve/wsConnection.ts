// One browser's WebSocket: requests in, answers and pushed events out.
// Every message is validated; a bad one gets an error answer and the connection stays usable.
// A peer that does not read its answers, asks faster than it is answered, or stops answering pings
// is closed (code 1008, one log line): what it costs serve is bounded by its limits.
// pause/resume/setPollInterval act on this connection only (any token holder may call them).
import type { RawData, WebSocket } from 'ws';
import type { KeyringApi, KeyringEvent, PollerStatus } from '../../shared/api';
import {
  describeZodError,
  wsRequestSchema,
  type RpcError,
  type WsRequestId,
  type WsServerMessage,
} from '../../shared/protocol';
import { lateTimeout, type LateTimeout } from '../../shared/lateTimeout';
import { dispatchCall, readOnlySwitch } from '../service/dispatch';
import { WS_CLOSE_LIMIT, type ServeLimits } from './limits';

/**
 * Past this much unsent data the client is not keeping up: deltas are dropped and it gets one full
 * `snapshot` event once it has drained, instead of an ever-growing queue of deltas.
 */
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** Every client gets the same event object: serialize it once, not once per connection. */
const serializedEvents = new WeakMap<KeyringEvent, string>();
function serializeEvent(event: KeyringEvent): string {
  let text = serializedEvents.get(event);
  if (text === undefined) {
    text = JSON.stringify({ event } satisfies WsServerMessage);
    serializedEvents.set(event, text);
  }
  return text;
}

export interface ConnectionOptions {
  allowActions: boolean;
  limits: Pick<ServeLimits, 'wsMaxBufferedBytes' | 'wsStallMs' | 'wsMaxRequestsInFlight' | 'wsPingIntervalMs'>;
  /** Who this is, for log lines (the peer's address). */
  peer: string;
  log: (line: string) => void;
}

/** How long a closed-for-a-limit peer gets to take the close frame before its socket is dropped. */
const CLOSE_GRACE_MS = 1000;
/** How often a backlog over the limit is looked at: held messages go out, or a peer that took nothing is closed. */
const DRAIN_CHECK_MS = 100;

export function attachConnection(ws: WebSocket, service: KeyringApi, options: ConnectionOptions): void {
  const { limits } = options;
  let behind = false;
  let inFlight = 0;
  let closedForLimit = false;
  // Each connection starts read-only, even under --allow-actions; its page switches it off (no one to
  // ask here: --allow-actions was the decision), and another viewer's switch never opens this one.
  const readOnly = readOnlySwitch();

  const closeForLimit = (reason: string): void => {
    if (closedForLimit) return;
    closedForLimit = true;
    options.log(`serve: closed the WebSocket of ${options.peer}: ${reason}`);
    ws.close(WS_CLOSE_LIMIT, reason.slice(0, 120));
    // A peer that does not read will not read the close frame either; its backlog is freed with the socket.
    setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
  };
  // Past the limit of unsent bytes, what this peer is to get waits here as objects (an answer holds the service's
  // own snapshot, not a copy), in order, and goes out as the backlog drains. A peer is closed when its backlog
  // stays over the limit without shrinking for wsStallMs, or when more answers wait than it may have requests in
  // flight. Before, a backlog over the limit closed the peer at once: one answer bigger than the limit (a
  // snapshot of 108k keys is 29 MB) then did, and the page reconnected and asked for the same snapshot for ever.
  const held: (() => string)[] = [];
  let drainWatch: NodeJS.Timeout | null = null;
  /** The backlog at the last check (or the last send), and when it last shrank. */
  let lastBacklog = 0;
  let lastProgressAt = 0;
  const overLimit = (): boolean => ws.bufferedAmount > limits.wsMaxBufferedBytes;
  const stopDrainWatch = (): void => {
    if (drainWatch) clearInterval(drainWatch);
    drainWatch = null;
    held.length = 0;
  };
  const drain = (): void => {
    if (ws.readyState !== ws.OPEN || closedForLimit) return stopDrainWatch();
    const now = Date.now();
    if (ws.bufferedAmount < lastBacklog) lastProgressAt = now;
    while (held.length && !overLimit()) ws.send(held.shift()!());
    lastBacklog = ws.bufferedAmount;
    if (!held.length && !overLimit()) return stopDrainWatch();
    if (now - lastProgressAt >= limits.wsStallMs) {
      closeForLimit(`not reading: ${mebibytes(ws.bufferedAmount)} unsent for ${limits.wsStallMs / 1000} s, the limit is ${mebibytes(limits.wsMaxBufferedBytes)}`);
    }
  };
  /** Sends now, or holds the message (made into text when it goes) behind a backlog over the limit. */
  const sendOrHold = (text: () => string): void => {
    if (ws.readyState !== ws.OPEN || closedForLimit) return;
    if (!drainWatch && !overLimit()) return ws.send(text());
    if (held.length >= limits.wsMaxRequestsInFlight) {
      return closeForLimit(`not reading: ${held.length} messages wait behind ${mebibytes(ws.bufferedAmount)} unsent`);
    }
    held.push(text);
    if (!drainWatch) {
      lastBacklog = ws.bufferedAmount;
      lastProgressAt = Date.now();
      drainWatch = setInterval(drain, DRAIN_CHECK_MS);
      drainWatch.unref();
    }
  };
  const sendText = (text: string): void => sendOrHold(() => text);

  const send = (message: WsServerMessage): void => sendOrHold(() => JSON.stringify(message));
  const reply = (id: WsRequestId | null, outcome: { ok: true; result: unknown } | { ok: false; error: RpcError }) =>
    send(outcome.ok ? { id, result: outcome.result } : { id, error: outcome.error });

  const push = (event: KeyringEvent): void => {
    if (ws.readyState === ws.OPEN) sendText(serializeEvent(event));
  };

  // This connection's own view of the poller: pause, resume and setPollInterval from one viewer must not
  // change what the others see. The engine keeps polling at serve's --interval; a paused connection gets
  // no deltas, a slower one at most one update per its interval, and either catches up with one snapshot.
  let paused = false;
  let ownIntervalMs: number | null = null;
  let lastDelivered = 0;
  let catchUp: NodeJS.Timeout | null = null;
  const statusFor = (status: PollerStatus): PollerStatus => ({
    ...status,
    paused,
    intervalMs: Math.max(ownIntervalMs ?? 0, status.intervalMs),
  });
  const resync = (): Promise<void> => {
    // One snapshot replaces every delta it missed (including the one that triggered this).
    behind = false;
    lastDelivered = Date.now();
    return service.getSnapshot().then(
      (snapshot) => send({ event: { type: 'snapshot', snapshot } }),
      () => {
        behind = true;
      },
    );
  };
  const catchUpIn = (ms: number): void => {
    if (catchUp) return;
    catchUp = setTimeout(() => {
      catchUp = null;
      if (behind && !paused && !drainWatch && ws.bufferedAmount <= MAX_BUFFERED_BYTES) resync();
    }, ms);
    catchUp.unref();
  };
  const onEvent = (event: KeyringEvent): void => {
    if (event.type === 'status') return push({ type: 'status', status: statusFor(event.status) });
    if (paused || drainWatch || ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      behind = true;
      return;
    }
    const wait = ownIntervalMs === null ? 0 : lastDelivered + ownIntervalMs - Date.now();
    if (wait > 0) {
      behind = true;
      return catchUpIn(wait);
    }
    if (behind) return void resync();
    lastDelivered = Date.now();
    push(event);
  };
  const pushOwnStatus = async (): Promise<PollerStatus> => {
    const status = statusFor(await service.getStatus());
    push({ type: 'status', status });
    return status;
  };
  /** The service as this connection sees it: its poller controls act on this connection only. */
  const connectionService: KeyringApi = new Proxy(service, {
    get(target, property, receiver) {
      switch (property) {
        case 'pause':
          return async () => {
            paused = true;
            return pushOwnStatus();
          };
        case 'resume':
          return async () => {
            paused = false;
            if (behind) void resync();
            return pushOwnStatus();
          };
        case 'setPollInterval':
          return async (ms: number) => {
            ownIntervalMs = ms;
            return pushOwnStatus();
          };
        case 'getStatus':
          return async () => statusFor(await target.getStatus());
        case 'refresh':
          // Refresh is the viewer asking to see now: a paused or slower connection gets what it missed,
          // this poll's change included, before the answer (and stays paused: the next poll waits again).
          return async () => {
            const status = await target.refresh();
            if (behind) await resync();
            return statusFor(status);
          };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  // A client receives events from the moment it connects; it asks getSnapshot for the state so far
  // and ignores deltas whose seq its snapshot already includes.
  const unsubscribe = service.subscribe(onEvent);

  // Liveness: a peer that has not answered a ping within wsPingIntervalMs of its sending is gone, judged once a turn
  // of the loop has read the sockets (shared/lateTimeout.ts): a check that runs late because serve's own loop was
  // blocked (a long synchronous scan or snapshot at 40k+ keys) would otherwise find the answer waiting unread in the
  // socket and drop a peer that answered in time. The next ping goes out when the last one's time is up.
  let awaitingPong = false;
  let pinger: LateTimeout | null = null;
  ws.on('pong', () => {
    awaitingPong = false;
  });
  const pingIn = (from: number): void => {
    pinger = lateTimeout(() => from + limits.wsPingIntervalMs - performance.now(), check, { unref: true });
  };
  const check = (): void => {
    if (ws.readyState !== ws.OPEN) return;
    if (awaitingPong) {
      options.log(`serve: dropped the WebSocket of ${options.peer}: no answer to a ping in ${limits.wsPingIntervalMs} ms`);
      return ws.terminate();
    }
    awaitingPong = true;
    ws.ping();
    pingIn(performance.now());
  };
  pingIn(performance.now());

  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (inFlight >= limits.wsMaxRequestsInFlight) {
      closeForLimit(`more than ${limits.wsMaxRequestsInFlight} requests waiting for their answers`);
      return;
    }
    inFlight++;
    handleMessage(data, isBinary)
      .catch((err: unknown) => reply(null, fail('internal', err instanceof Error ? err.message : String(err))))
      .finally(() => inFlight--);
  });
  ws.on('close', () => {
    pinger?.cancel();
    stopDrainWatch();
    if (catchUp) clearTimeout(catchUp);
    unsubscribe();
  });
  ws.on('error', () => ws.terminate());

  async function handleMessage(data: RawData, isBinary: boolean): Promise<void> {
    if (isBinary) return reply(null, fail('bad-request', 'messages must be JSON text'));
    let json: unknown;
    try {
      json = JSON.parse(rawToString(data));
    } catch {
      return reply(null, fail('bad-json', 'the message is not valid JSON'));
    }
    const request = wsRequestSchema.safeParse(json);
    if (!request.success) {
      return reply(idOf(json), fail('bad-request', `not a request {id, method, args}: ${describeZodError(request.error)}`));
    }
    const { id, method, args } = request.data;
    reply(id, await dispatchCall(connectionService, method, args, { allowActions: options.allowActions, readOnly }));
  }
}

function fail(code: RpcError['code'], message: string): { ok: false; error: RpcError } {
  return { ok: false, error: { code, message } };
}

/** The id of a malformed request, when it has a usable one, so the client can match the error to its call. */
function idOf(json: unknown): WsRequestId | null {
  const id = (json as { id?: unknown } | null)?.id;
  return typeof id === 'number' && Number.isInteger(id) ? id : typeof id === 'string' && id.length <= 64 ? id : null;
}

function mebibytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
