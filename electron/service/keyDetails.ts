// Details of one key that the snapshot does not carry, read on request (KEYCTL_GET_SECURITY).
import type { KeyDetails } from '../../shared/api';
import { getSecurity } from '../keyring/keyctl';

export function readKeyDetails(id: number): KeyDetails {
  try {
    return { id, security: getSecurity(id) };
  } catch (err) {
    // A refusal (EACCES, ENOKEY, ...) is part of the answer, not a failure of the request.
    return { id, security: null, securityError: err instanceof Error ? err.message : String(err) };
  }
}
