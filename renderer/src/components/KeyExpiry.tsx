// A key's expiry cell in the tree and the graph: the live countdown, except for a revoked key, whose
// expiry the kernel set to the moment of revocation (/proc/keys prints `expd`): counting "expired" there
// would report the revocation a second time, as if the key had timed out.
import { BADGE_TITLES, decodeFlags } from '../../../shared/flags';
import type { KeyInfo } from '../../../shared/snapshot';
import { Countdown } from './Countdown';

export function KeyExpiry({ k }: { k: Pick<KeyInfo, 'flags' | 'timeout' | 'expiry'> }) {
  if (k.expiry === null) return null;
  if (decodeFlags(k.flags, k.timeout).revoked) {
    return (
      <span className="countdown revoked-expiry" title={BADGE_TITLES.revoked}>
        expd
      </span>
    );
  }
  return <Countdown expiry={k.expiry} />;
}
