// One browser's WebSocket: requests in, answers and pushed events out.
// Every message is validated; a bad one gets an error answer and the connection stays usable.
import type { RawData, WebSocket } from 'ws';
import type { KeyringApi, KeyringEvent } from '../../shared/api';
import {
  describeZodError,
  wsRequestSchema,
  type RpcError,
  type WsRequestId,
  type WsServerMessage,
} from '../../shared/protocol';
import { dispatchCall } from '../service/dispatch';

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
}

export function attachConnection(ws: WebSocket, service: KeyringApi, options: ConnectionOptions): void {
  let behind = false;

  const send = (message: WsServerMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const reply = (id: WsRequestId | null, outcome: { ok: true; result: unknown } | { ok: false; error: RpcError }) =>
    send(outcome.ok ? { id, result: outcome.result } : { id, error: outcome.error });

  const push = (event: KeyringEvent): void => {
    if (ws.readyState === ws.OPEN) ws.send(serializeEvent(event));
  };
  const onEvent = (event: KeyringEvent): void => {
    if (event.type === 'status') return push(event);
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      behind = true;
      return;
    }
    if (!behind) return push(event);
    // Caught up again: one snapshot replaces every delta it missed (including this one).
    behind = false;
    service.getSnapshot().then(
      (snapshot) => send({ event: { type: 'snapshot', snapshot } }),
      () => {
        behind = true;
      },
    );
  };
  // A client receives events from the moment it connects; it asks getSnapshot for the state so far
  // and ignores deltas whose seq its snapshot already includes.
  const unsubscribe = service.subscribe(onEvent);

  ws.on('message', (data: RawData, isBinary: boolean) => {
    void handleMessage(data, isBinary);
  });
  ws.on('close', unsubscribe);
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
    reply(id, await dispatchCall(service, method, args, options));
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

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
