// The names of the contract's methods (shared/contract.ts), without their schemas: what the preload needs
// to expose one function per method. The preload must not carry the argument schemas (zod): it only
// forwards, and the engine's side validates every call. shared/contract.ts checks at compile time that
// this list and the table name the same methods, and contract.test.ts that they are in the same order.
//
// Pure: no imports at run time.
import type { MethodName } from './contract';

/** Every method of CONTRACT, in the table's order. */
export const METHOD_NAMES = [
  'getSnapshot',
  'getStatus',
  'setPollInterval',
  'pause',
  'resume',
  'refresh',
  'getKeyDetails',
  'getIdentityNames',
  'getCapabilities',
  'setReadOnly',
  'setScope',
  'startHelper',
  'addKey',
  'updateKey',
  'readPayload',
  'linkKey',
  'unlinkKey',
  'moveKey',
  'revokeKey',
  'invalidateKey',
  'clearKeyring',
  'setKeyTimeout',
  'setKeyPerm',
  'chownKey',
  'searchKey',
  'getPersistentKeyring',
] as const satisfies readonly MethodName[];

/** The names this list holds; contract.ts requires it to be every MethodName. */
export type ListedMethodName = (typeof METHOD_NAMES)[number];

/**
 * An object with one function per method, made by `make`: complete by construction, since its keys are
 * the contract's own. Stand-ins use it (every method fails the same way), and so does the preload.
 */
export function eachMethod<F>(make: (method: MethodName) => F): Record<MethodName, F> {
  return Object.fromEntries(METHOD_NAMES.map((method) => [method, make(method)])) as Record<MethodName, F>;
}
