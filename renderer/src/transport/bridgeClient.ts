// KeyringApi over Electron's preload bridge (`window.keyringApi`). The bridge answers with
// RpcResult envelopes because contextBridge would strip an error's code; here they become
// KeyringApiError again, so both transports fail the same way.
import { METHOD_NAMES, type KeyringApi } from '../../../shared/api';
import { KeyringApiError, type KeyringBridge, type RpcResult } from '../../../shared/protocol';

export function createBridgeApi(bridge: KeyringBridge): KeyringApi {
  const methods = Object.fromEntries(
    METHOD_NAMES.map((m) => [
      m,
      async (...args: unknown[]) => {
        const invoke = bridge[m] as (...a: unknown[]) => Promise<RpcResult<unknown>>;
        const answer = await invoke(...args);
        if (!answer.ok) throw new KeyringApiError(answer.error.code, answer.error.message);
        return answer.result;
      },
    ]),
  ) as Omit<KeyringApi, 'subscribe'>;
  return { ...methods, subscribe: (listener) => bridge.subscribe(listener) };
}
