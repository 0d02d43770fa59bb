// The content of a user node in the tree's Users section: who (name and uid), its two quota gauges, the worse
// level in words when it is not ok ("full: the next add_key gets EDQUOT"), and, when what its visible keys cost
// leaves a material part of its bytes unexplained, how much (the sentence why in its title; shared/quotaGap.ts).
import { QUOTA_LEVEL_WORDS, worstQuotaLevel } from '../../../shared/quota';
import { quotaGapSentence, unaccountedShort, type QuotaGap } from '../../../shared/quotaGap';
import type { UserGroup } from '../../../shared/userGroups';
import { QuotaGauge } from './QuotaGauge';

export function UserIcon() {
  return (
    <span className="key-icon user-icon" aria-hidden="true">
      <svg viewBox="0 0 16 16" width="14" height="14">
        <circle cx="8" cy="5.2" r="2.8" fill="none" strokeWidth="1.5" />
        <path d="M2.8 14c.5-3 2.6-4.6 5.2-4.6s4.7 1.6 5.2 4.6" fill="none" strokeWidth="1.5" strokeLinecap="round" />
      </svg>
    </span>
  );
}

/** The bytes gauge's hatched part: what no visible key accounts for, when the gap is material. */
export function unseenOf(gap: QuotaGap | null): { amount: number; words: string } | null {
  return gap?.material ? { amount: gap.unaccounted, words: unaccountedShort(gap) } : null;
}

export function UserRowContent({ group, gap, label }: { group: UserGroup; gap: QuotaGap | null; label: string }) {
  const q = group.quota;
  const level = q ? worstQuotaLevel(q) : 'ok';
  const unseen = unseenOf(gap);
  return (
    <>
      <UserIcon />
      <span className="row-main">
        <span className="user-label">{label}</span>
        {q ? (
          <span className="user-gauges">
            <QuotaGauge unit="keys" used={q.qnkeys} max={q.maxkeys} owner={label} />
            <QuotaGauge unit="bytes" used={q.qnbytes} max={q.maxbytes} owner={label} unseen={unseen} />
          </span>
        ) : (
          <span className="none-label">no quota line in /proc/key-users</span>
        )}
        {level !== 'ok' && <span className={`badge quota-badge quota-${level}`}>{QUOTA_LEVEL_WORDS[level]}</span>}
        {unseen && gap && (
          <span className="badge quota-badge quota-unseen" data-testid="quota-unseen" title={quotaGapSentence(gap, group.uid) ?? undefined}>
            {unseen.words}
          </span>
        )}
      </span>
    </>
  );
}
