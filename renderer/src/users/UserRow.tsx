// The content of a user node in the tree's Users section: who (name and uid), its two quota gauges, and
// the worse level in words when it is not ok ("full: the next add_key gets EDQUOT").
import { QUOTA_LEVEL_WORDS, worstQuotaLevel } from '../../../shared/quota';
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

export function UserRowContent({ group, label }: { group: UserGroup; label: string }) {
  const q = group.quota;
  const level = q ? worstQuotaLevel(q) : 'ok';
  return (
    <>
      <UserIcon />
      <span className="row-main">
        <span className="user-label">{label}</span>
        {q ? (
          <span className="user-gauges">
            <QuotaGauge unit="keys" used={q.qnkeys} max={q.maxkeys} owner={label} />
            <QuotaGauge unit="bytes" used={q.qnbytes} max={q.maxbytes} owner={label} />
          </span>
        ) : (
          <span className="none-label">no quota line in /proc/key-users</span>
        )}
        {level !== 'ok' && <span className={`badge quota-badge quota-${level}`}>{QUOTA_LEVEL_WORDS[level]}</span>}
      </span>
    </>
  );
}
