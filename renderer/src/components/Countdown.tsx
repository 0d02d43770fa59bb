import { expiryCountdown } from '../../../shared/expiryText';
import type { Expiry } from '../../../shared/expiry';
import { useNow } from '../util/clock';

/**
 * Time left until expiry, ticking every second; only mounted for keys that have an expiry. As precise as the
 * window is (shared/expiryText.ts): `4m 05s` when known exactly, `≈9h 30m ±30m` while /proc/keys' rounding is
 * all that is known; the tooltip gives the window's bounds.
 */
export function Countdown({ expiry }: { expiry: Expiry }) {
  const now = useNow();
  const countdown = expiryCountdown(expiry, now);
  const soon = typeof expiry === 'object' && expiry !== null && expiry.to - now < 60_000;
  const cls = countdown.state === 'expired' ? 'countdown expired' : soon ? 'countdown soon' : countdown.state === 'exact' ? 'countdown' : 'countdown window';
  const at = typeof expiry === 'object' && expiry !== null ? new Date(expiry.to).toISOString() : undefined;
  return (
    <time className={cls} dateTime={at} title={countdown.title}>
      {countdown.text}
    </time>
  );
}

/** The details panel's expiry: the live countdown and, in words, what is known (exact time or window). */
export function ExpiryDetails({ expiry }: { expiry: Expiry }) {
  const now = useNow();
  const countdown = expiryCountdown(expiry, now);
  return (
    <span className="expiry-details">
      <Countdown expiry={expiry} /> <span className="muted">{countdown.title}</span>
    </span>
  );
}
