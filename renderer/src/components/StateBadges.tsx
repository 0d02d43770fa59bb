import { memo } from 'react';
import { BADGE_LABELS, BADGE_TITLES, stateBadges } from '../../../shared/flags';

/** Badges for the states an administrator must notice (revoked, invalidated, dead, expired, negative, under construction). */
export const StateBadges = memo(function StateBadges({ flags, timeout }: { flags: string; timeout: string }) {
  const badges = stateBadges(flags, timeout);
  if (!badges.length) return null;
  return (
    <>
      {badges.map((b) => (
        <span key={b} className={`badge badge-${b}`} title={BADGE_TITLES[b]}>
          {BADGE_LABELS[b]}
        </span>
      ))}
    </>
  );
});
