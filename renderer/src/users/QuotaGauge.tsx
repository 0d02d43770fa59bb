// A quota gauge: keys or bytes charged to a user against its limit, as a meter (role="meter" with its
// values and a text label, so a screen reader hears "170 of 200 keys, 85 %, nearly full"). Levels and
// words are shared/quota.ts's: amber from 80 %, red from 95 %, full at 100 %. The bytes gauge may set apart
// the part of the charge no visible key accounts for (shared/quotaGap.ts): hatched in the bar, said in the text.
import { QUOTA_LEVEL_WORDS, quotaLevel, quotaPercent } from '../../../shared/quota';
import { formatCount } from '../../../shared/text';

export interface QuotaGaugeProps {
  /** 'keys' or 'bytes'. */
  unit: 'keys' | 'bytes';
  used: number;
  max: number;
  /** Whose quota, for the accessible name ("alice (uid 1000)"). */
  owner: string;
  /** Larger, with the level in words below (the details panel). */
  large?: boolean;
  /** Short text ("keys 85 %"), for a graph node; the full text stays in its title and aria-valuetext. */
  compact?: boolean;
  /** Of `used`, what no visible key accounts for ("12,000 bytes in no visible key"): drawn hatched, named in the text. */
  unseen?: { amount: number; words: string } | null;
}

export function QuotaGauge({ unit, used, max, owner, large = false, compact = false, unseen = null }: QuotaGaugeProps) {
  const level = quotaLevel(used, max);
  const percent = quotaPercent(used, max);
  const words = QUOTA_LEVEL_WORDS[level];
  const shownText = `${formatCount(used)} / ${formatCount(max)} ${unit}, ${percent} %`;
  const text = unseen ? `${shownText}, ${unseen.words}` : shownText;
  // Widths in % of the bar: the whole fill, and the part of it no visible key accounts for.
  const filled = Math.min(100, percent);
  const unseenPart = unseen && used > 0 ? (filled * Math.min(unseen.amount, used)) / used : 0;
  return (
    <span
      role="meter"
      aria-label={`${owner}: ${unit} quota`}
      aria-valuemin={0}
      aria-valuemax={max}
      // A limit lowered below the usage: the meter stays in range, the text says the truth.
      aria-valuenow={Math.min(used, max)}
      aria-valuetext={level === 'ok' ? text : `${text}, ${words}`}
      className={`gauge gauge-${level}${large ? ' gauge-large' : ''}`}
      data-quota-unit={unit}
      data-quota-level={level}
      title={`${text}: ${words}`}
    >
      <span className="gauge-bar" aria-hidden="true">
        <span className="gauge-fill" style={{ width: `${filled - unseenPart}%` }} />
        {unseenPart > 0 && <span className="gauge-fill gauge-unseen" style={{ width: `${unseenPart}%` }} />}
      </span>
      <span className="gauge-text">{compact ? `${unit} ${percent} %` : shownText}</span>
      {large && level !== 'ok' && <span className="gauge-words">{words}</span>}
    </span>
  );
}
