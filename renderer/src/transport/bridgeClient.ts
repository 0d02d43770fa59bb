// KeyringApi over Electron's preload bridge (`window.keyringApi`). The bridge answers with
// RpcResult envelopes because contextBridge would strip an error's code; here they become
// KeyringApiError again, so both transports fail the same way.
import type { KeyringApi } from '../../../shared/api';
import { remoteMethods } from '../../../shared/contract';
import { KeyringApiError, type KeyringBridge } from '../../../shared/protocol';

export function createBridgeApi(bridge: KeyringBridge): KeyringApi {
  const methods = remoteMethods(async (method, args) => {
    const answer = await bridge[method](...args);
    if (!answer.ok) throw new KeyringApiError(answer.error.code, answer.error.message);
    return answer.result;
  });
  return { ...methods, subscribe: (listener) => bridge.subscribe(listener) };
}
