// The IPC half of the wire protocol (preload ↔ electron/ipc), kept free of zod so the bundled
// preload stays small. shared/protocol.ts re-exports all of it.
import type { KeyringEvent, KeyringMethods, MethodName } from './api';

/**
 * Error codes that cross the boundary. Kernel refusals keep their errno name ('EACCES',
 * 'ENOKEY', ...) so the UI can say what happened; the rest are the transport's own.
 */
export type RpcErrorCode =
  | 'bad-json' // the message was not JSON
  | 'bad-request' // JSON, but not a request
  | 'unknown-method'
  | 'bad-args'
  | 'forbidden' // an action while actions are not allowed, or an untrusted IPC sender
  | 'disconnected' // the transport went away before the answer came
  | 'internal'
  | `E${string}`;

export interface RpcError {
  code: RpcErrorCode;
  message: string;
}

/**
 * IPC answers carry errors as values: Electron would flatten a thrown error to its message and
 * lose the errno code the UI needs.
 */
export type RpcResult<T> = { ok: true; result: T } | { ok: false; error: RpcError };

/** Channel of each method; nothing else names an IPC channel. */
export function ipcChannel(method: MethodName): string {
  return `keyring:${method}`;
}
/** main → renderer pushes. */
export const IPC_EVENT_CHANNEL = 'keyring:event';
/** renderer → main: the renderer listens now; queued pushes may flow. */
export const IPC_READY_CHANNEL = 'keyring:ready';

/** What the preload exposes as `window.keyringApi`: the methods, answering with RpcResult envelopes. */
export type KeyringBridge = {
  [M in MethodName]: (...args: KeyringMethods[M]['args']) => Promise<RpcResult<KeyringMethods[M]['result']>>;
} & {
  subscribe(listener: (event: KeyringEvent) => void): () => void;
};
