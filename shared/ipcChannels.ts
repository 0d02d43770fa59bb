// The IPC half of the wire protocol (preload ↔ electron/ipc). shared/protocol.ts re-exports all of it.
import type { KeyringEvent } from './api';
import type { MethodName } from './contract';

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
/**
 * preload → main, synchronously, once: the contract's method names. The preload asks rather than carries the
 * list, so it needs nothing of the contract's table (its zod schemas stay out of the 2 kB preload) and the
 * table stays the one place a method is named.
 */
export const IPC_METHODS_CHANNEL = 'keyring:methods';

/**
 * What the preload exposes as `window.keyringApi`: every contract method by name, answering with an
 * RpcResult envelope. Untyped per method on purpose: the preload only forwards, the main process
 * validates, and the renderer's bridgeClient turns it back into the typed KeyringApi.
 */
export type KeyringBridge = Record<MethodName, (...args: readonly unknown[]) => Promise<RpcResult<unknown>>> & {
  subscribe(listener: (event: KeyringEvent) => void): () => void;
};
