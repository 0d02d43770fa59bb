// The wire protocol both transports share: the WebSocket of `serve` and Electron's IPC.
// Everything that arrives from the other side is `unknown` until a schema here says otherwise.
// Pure: zod only, no Node, Electron or DOM.
import { z } from 'zod';
import type { KeyringEvent } from './api';
import { argsSchema, isActionMethod, isMethodName, type MethodArgs, type MethodName } from './contract';
import type { RpcError, RpcErrorCode } from './ipcChannels';

// ---------------------------------------------------------------------------------------------
// Errors

// RpcErrorCode, RpcError and RpcResult live in ipcChannels.ts (re-exported at the end of this file).

/** What both transports throw to the renderer: the message in words plus a machine-readable code. */
export class KeyringApiError extends Error {
  readonly code: RpcErrorCode;
  constructor(code: RpcErrorCode, message: string) {
    super(message);
    this.name = 'KeyringApiError';
    this.code = code;
  }
}

/** Turns anything a method threw into the RpcError sent over the wire (errno names survive). */
export function toRpcError(err: unknown): RpcError {
  if (err instanceof KeyringApiError) return { code: err.code, message: err.message };
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) return { code: code as RpcErrorCode, message };
  return { code: 'internal', message };
}

/** Explains a failed parse in one line a person can act on. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/**
 * Checks one method call from the other side: the method is in the contract, it is not an action on a
 * read-only connection, and its arguments match the method's schema. Returns the typed arguments or the
 * RpcError to answer with. The single place where a transport decides whether a call may go ahead.
 */
/** `readOnlyReason` says why actions are off, when not because the connection forbids them ("the read-only switch is on"). */
export function validateCall(
  method: unknown,
  args: unknown,
  allowActions: boolean,
  readOnlyReason = 'this connection is read-only',
): ValidCall<MethodName> | { ok: false; error: RpcError } {
  if (!isMethodName(method)) {
    return { ok: false, error: { code: 'unknown-method', message: `unknown method ${JSON.stringify(method)}` } };
  }
  return validateArgs(method, args, allowActions, readOnlyReason);
}

export interface ValidCall<M extends MethodName> {
  ok: true;
  method: M;
  args: MethodArgs<M>;
}

function validateArgs<M extends MethodName>(
  method: M,
  args: unknown,
  allowActions: boolean,
  readOnlyReason: string,
): ValidCall<M> | { ok: false; error: RpcError } {
  if (isActionMethod(method) && !allowActions) {
    return {
      ok: false,
      error: { code: 'forbidden', message: `${method} changes keys and ${readOnlyReason}` },
    };
  }
  const parsed = argsSchema(method).safeParse(args);
  if (!parsed.success) {
    return { ok: false, error: { code: 'bad-args', message: `${method}: ${describeZodError(parsed.error)}` } };
  }
  return { ok: true, method, args: parsed.data };
}

// ---------------------------------------------------------------------------------------------
// WebSocket messages (serve)

/** Largest message either side accepts, in bytes. Requests are tiny; snapshots are not (server → client only). */
export const WS_MAX_REQUEST_BYTES = 64 * 1024;

export const wsRequestSchema = z
  .object({
    id: z.union([z.number().int(), z.string().max(64)]),
    method: z.string().max(64),
    args: z.array(z.unknown()).max(16),
  })
  .strict();

export type WsRequest = z.infer<typeof wsRequestSchema>;
export type WsRequestId = WsRequest['id'];

export type WsResponse = { id: WsRequestId | null; result: unknown } | { id: WsRequestId | null; error: RpcError };
export type WsPush = { event: KeyringEvent };
export type WsServerMessage = WsResponse | WsPush;

/** The query parameter that carries the access token, on the page URL and on the WebSocket URL. */
export const TOKEN_QUERY_PARAM = 'token';
/** The WebSocket endpoint of `serve`. */
export const WS_PATH = '/ws';

// Electron IPC: channel names and the bridge type live in ipcChannels.ts, which the preload bundles
// without pulling zod in.
export * from './ipcChannels';
