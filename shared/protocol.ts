// The wire protocol both transports share: the WebSocket of `serve` and Electron's IPC.
// Everything that arrives from the other side is `unknown` until a schema here says otherwise.
// Pure: zod only, no Node, Electron or DOM.
import { z } from 'zod';
import {
  ADDABLE_KEY_TYPES,
  MAX_POLL_INTERVAL_MS,
  METHOD_NAMES,
  MIN_POLL_INTERVAL_MS,
  type KeyringEvent,
  type KeyringMethods,
  type MethodName,
} from './api';
import type { RpcError, RpcErrorCode } from './ipcChannels';
import {
  base64ToBytes,
  checkDescription,
  checkKeyId,
  checkKeyType,
  checkPayloadSize,
  checkPermMask,
  checkTimeout,
  parseIdentity,
  type Checked,
} from './validate';

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

/** A zod schema that runs one of shared/validate's checks, so the service refuses with the UI's reason. */
function checkedBy<T extends z.ZodType>(base: T, check: (v: z.infer<T>) => Checked<unknown>): T {
  return base.superRefine((value, ctx) => {
    const result = check(value);
    if (!result.ok) ctx.addIssue({ code: 'custom', message: result.reason });
  }) as unknown as T;
}

/** A keyring argument: a serial, or @t/@p/@s/@u/@us as -1..-5. */
const keyringIdSchema = checkedBy(z.number(), (v) => checkKeyId(v, true));
/** A key argument of an action: a serial, with shared/validate's reason when it is not one. */
const keyIdSchema = checkedBy(z.number(), (v) => checkKeyId(v));
const base64PayloadSchema = z.string().max(64 * 1024).superRefine((value, ctx) => {
  const bytes = base64ToBytes(value);
  if (!bytes.ok) ctx.addIssue({ code: 'custom', message: bytes.reason });
});
/** uid/gid by number or name; names are resolved by the service. null leaves it unchanged. */
const identitySchema = z.union([z.number(), z.string().max(256), z.null()]).superRefine((value, ctx) => {
  if (typeof value === 'string') return; // names are looked up by the service
  const r = parseIdentity(value, {}, 'user');
  if (!r.ok) ctx.addIssue({ code: 'custom', message: r.reason });
});
const addKeyRequestSchema = z
  .object({
    type: z.enum(ADDABLE_KEY_TYPES),
    description: checkedBy(z.string(), checkDescription),
    payloadBase64: z.union([base64PayloadSchema, z.null()]),
    keyring: keyringIdSchema,
  })
  .strict()
  .superRefine((req, ctx) => {
    const bytes = req.payloadBase64 === null ? new Uint8Array() : base64ToBytes(req.payloadBase64);
    const length = bytes instanceof Uint8Array ? bytes.length : bytes.ok ? bytes.value.length : 0;
    const size = checkPayloadSize(req.type, length);
    if (!size.ok) ctx.addIssue({ code: 'custom', path: ['payloadBase64'], message: size.reason });
  });

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
  getCapabilities: noArgs,
  addKey: z.tuple([addKeyRequestSchema]),
  updateKey: z.tuple([keyIdSchema, base64PayloadSchema]),
  linkKey: z.tuple([keyIdSchema, keyringIdSchema]),
  unlinkKey: z.tuple([keyIdSchema, keyringIdSchema]),
  moveKey: z.tuple([keyIdSchema, keyringIdSchema, keyringIdSchema, z.boolean()]),
  revokeKey: z.tuple([keyIdSchema]),
  invalidateKey: z.tuple([keyIdSchema]),
  clearKeyring: z.tuple([keyringIdSchema]),
  setKeyTimeout: z.tuple([keyIdSchema, checkedBy(z.number(), checkTimeout)]),
  setKeyPerm: z.tuple([keyIdSchema, checkedBy(z.number(), checkPermMask)]),
  chownKey: z.tuple([keyIdSchema, identitySchema, identitySchema]),
  readPayload: z.tuple([keyIdSchema]),
  searchKey: z.tuple([keyringIdSchema, checkedBy(z.string(), checkKeyType), checkedBy(z.string(), checkDescription)]),
  getPersistentKeyring: z.tuple([z.union([checkedBy(z.number(), (v) => parseIdentity(v, {}, 'user')), z.null()]), keyringIdSchema]),
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
  getCapabilities: 'read',
  addKey: 'action',
  updateKey: 'action',
  linkKey: 'action',
  unlinkKey: 'action',
  moveKey: 'action',
  revokeKey: 'action',
  invalidateKey: 'action',
  clearKeyring: 'action',
  setKeyTimeout: 'action',
  setKeyPerm: 'action',
  chownKey: 'action',
  // A payload is a secret: a read-only connection never hands one out.
  readPayload: 'action',
  // KEYCTL_SEARCH without a destination changes nothing, and only finds what the key permissions let it.
  searchKey: 'read',
  // Links a keyring and renews its expiry: a change.
  getPersistentKeyring: 'action',
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
