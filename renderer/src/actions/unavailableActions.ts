// For KeyringApi stand-ins that cannot act (no token, no engine, the ?fake demo): every action fails
// with the stand-in's reason, and getCapabilities says actions are off, so the UI stays read-only.
import type { KeyringApi } from '../../../shared/api';

type ActionPart = Pick<
  KeyringApi,
  | 'getCapabilities'
  | 'addKey'
  | 'updateKey'
  | 'linkKey'
  | 'unlinkKey'
  | 'moveKey'
  | 'revokeKey'
  | 'invalidateKey'
  | 'clearKeyring'
  | 'setKeyTimeout'
  | 'setKeyPerm'
  | 'chownKey'
  | 'readPayload'
  | 'searchKey'
  | 'getPersistentKeyring'
>;

export function unavailableActions(fail: () => Promise<never>): ActionPart {
  return {
    getCapabilities: async () => ({ actionsAllowed: false }),
    addKey: fail,
    updateKey: fail,
    linkKey: fail,
    unlinkKey: fail,
    moveKey: fail,
    revokeKey: fail,
    invalidateKey: fail,
    clearKeyring: fail,
    setKeyTimeout: fail,
    setKeyPerm: fail,
    chownKey: fail,
    readPayload: fail,
    searchKey: fail,
    getPersistentKeyring: fail,
  };
}
