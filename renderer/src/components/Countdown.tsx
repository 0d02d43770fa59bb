import { formatDateTime, formatRemaining } from '../util/format';
import { useNow } from '../util/clock';

/** Time left until expiry, ticking every second; only mounted for keys that have an expiry. */
export function Countdown({ expiresAt }: { expiresAt: number }) {
  const now = useNow();
  const left = expiresAt - now;
  const cls = left <= 0 ? 'countdown expired' : left < 60_000 ? 'countdown soon' : 'countdown';
  return (
    <time className={cls} dateTime={new Date(expiresAt).toISOString()} title={`Expires ${formatDateTime(expiresAt)}`}>
      {formatRemaining(expiresAt, now)}
    </time>
  );
}
