// The wire protocol both transports share: the WebSocket of `serve` and Electron's IPC.
// Everything that arrives from the other side is `unknown` until a schema here says otherwise.
// Pure: zod only, no Node, Electron or DOM.
import { z } from 'zod';
import {
  MAX_POLL_INTERVAL_MS,
  METHOD_NAMES,
  MIN_POLL_INTERVAL_MS,
  type KeyringEvent,
  type KeyringMethods,
  type MethodName,
} from './api';
import type { RpcError, RpcErrorCode } from './ipcChannels';

// ---------------------------------------------------------------------------------------------
// Method arguments and kinds

/** A key serial as the kernel hands it out: a positive 32-bit number. */
export const keySerialSchema = z.number().int().min(1).max(0x7fff_ffff);

const pollIntervalSchema = z
  .number()
  .int()
  .min(MIN_POLL_INTERVAL_MS, `the poll interval must be at least ${MIN_POLL_INTERVAL_MS} ms`)
  .max(MAX_POLL_INTERVAL_MS, `the poll interval must be at most ${MAX_POLL_INTERVAL_MS} ms`);

const noArgs = z.tuple([]);

/**
 * One schema per method for its argument tuple. Typed as a complete map, so a method added to
 * KeyringMethods does not compile until it says what it accepts.
 */
export const METHOD_ARGS: { [M in MethodName]: z.ZodType<KeyringMethods[M]['args']> } = {
  getSnapshot: noArgs,
  getStatus: noArgs,
  setPollInterval: z.tuple([pollIntervalSchema]),
  pause: noArgs,
  resume: noArgs,
  refresh: noArgs,
  getKeyDetails: z.tuple([keySerialSchema]),
  getIdentityNames: noArgs,
};

/**
 * 'read' methods observe; 'action' methods change a key. Actions are refused unless the transport
 * was started with actions allowed (`serve --allow-actions`; the app's read-only switch).
 * A complete map for the same reason as METHOD_ARGS: a new method must be classified.
 */
export const METHOD_KINDS: { [M in MethodName]: 'read' | 'action' } = {
  getSnapshot: 'read',
  getStatus: 'read',
  setPollInterval: 'read',
  pause: 'read',
  resume: 'read',
  refresh: 'read',
  getKeyDetails: 'read',
  getIdentityNames: 'read',
};

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && (METHOD_NAMES as readonly string[]).includes(name);
}

export function isActionMethod(method: MethodName): boolean {
  return METHOD_KINDS[method] === 'action';
}

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
 * Checks one method call from the other side. Returns the typed arguments or the RpcError to answer with.
 * The single place where a transport decides whether a call may go ahead.
 */
export function validateCall(
  method: unknown,
  args: unknown,
  allowActions: boolean,
): { ok: true; method: MethodName; args: unknown[] } | { ok: false; error: RpcError } {
  if (!isMethodName(method)) {
    return { ok: false, error: { code: 'unknown-method', message: `unknown method ${JSON.stringify(method)}` } };
  }
  if (isActionMethod(method) && !allowActions) {
    return {
      ok: false,
      error: { code: 'forbidden', message: `${method} changes keys and this connection is read-only` },
    };
  }
  const parsed = METHOD_ARGS[method].safeParse(args);
  if (!parsed.success) {
    return { ok: false, error: { code: 'bad-args', message: `${method}: ${describeZodError(parsed.error)}` } };
  }
  return { ok: true, method, args: parsed.data as unknown[] };
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
