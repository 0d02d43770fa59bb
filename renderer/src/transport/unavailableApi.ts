// A KeyringApi for when there is no engine to talk to (no access token, no bridge, the ?fake demo's
// actions): every method fails with the reason, and getCapabilities says actions are off, so the UI
// stays read-only and shows the reason in words instead of failing obscurely.
import type { KeyringApi } from '../../../shared/api';
import { eachMethod } from '../../../shared/contract';

export function unavailableApi(fail: () => Promise<never>): KeyringApi {
  return {
    ...eachMethod(() => fail),
    getCapabilities: async () => ({ actionsAllowed: false, readOnly: true }),
    setReadOnly: async () => ({ actionsAllowed: false, readOnly: true }),
    subscribe: () => () => {},
  };
}
