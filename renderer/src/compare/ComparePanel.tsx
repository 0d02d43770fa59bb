// The differences of an open comparison, in `diff`'s words, one line each (a line names a key that is
// shown: click it to go there); in place of the change log until the comparison is closed. A file that
// could not be compared is said here in one sentence.
import { memo } from 'react';
import { formatDateTime } from '../../../shared/expiryText';
import { differenceText, type Difference } from '../../../shared/snapshotDiff';
import { counted, cutMiddle, SHORT_TEXT } from '../../../shared/text';
import { useKb } from '../store';
import { revealKey } from '../tree/reveal';
import { useCompare } from './compareStore';

const LINE_TEXT = SHORT_TEXT + 64;

/** The key a difference is about, to go to. */
function subjectOf(d: Difference): number | null {
  if (d.kind === 'linked' || d.kind === 'unlinked') return d.member.id;
  if (d.kind === 'added' || d.kind === 'changed') return d.key.id;
  if (d.kind === 'removed') return d.keyrings[0]?.id ?? null;
  return null;
}

const DifferenceLine = memo(function DifferenceLine({ d }: { d: Difference }) {
  const goTo = subjectOf(d);
  const exists = useKb((s) => goTo !== null && s.keys.has(goTo));
  const text = differenceText(d);
  return (
    <li className={`log-line cmp-line cmp-${d.kind}`}>
      <span className={`log-kind log-kind-${d.kind}`}>{d.kind}</span>
      {exists ? (
        <button type="button" className="log-subject linklike" onClick={() => revealKey(goTo!)} title={text}>
          {cutMiddle(text, LINE_TEXT)}
        </button>
      ) : (
        <span className="log-subject" title={text}>
          {cutMiddle(text, LINE_TEXT)}
        </span>
      )}
    </li>
  );
});

export function ComparePanel() {
  const { file, result, error, close } = useCompare();
  const origin = useKb((s) => s.origin);
  const shownAt = useKb((s) => s.meta?.takenAt);
  if (!file && !error) return null;
  const after = origin?.kind === 'file' ? `${origin.name}${origin.recording && shownAt != null ? ` at ${formatDateTime(shownAt)}` : ''}` : 'now';
  const count = result?.differences.length ?? 0;
  return (
    <section className="changelog compare-panel" aria-label="Differences">
      <header className="panel-head">
        <span className="panel-toggle">Differences</span>
        {file ? (
          <span className="compare-summary">
            from <strong>{file.name}</strong> (taken {formatDateTime(file.before.takenAt)}) to {after}:{' '}
            {count === 0 ? 'no differences' : counted(count, 'difference')}
            {file.note && <span className="muted"> · {file.note}</span>}
          </span>
        ) : (
          <span className="compare-summary">Compare with…</span>
        )}
        <button type="button" className="btn btn-small compare-close" onClick={close}>
          Close comparison
        </button>
      </header>
      {error && (
        <p className="status-error compare-error" role="alert">
          {error}
        </p>
      )}
      {result && count > 0 && (
        <ol className="log-list">
          {result.differences.map((d, i) => (
            <DifferenceLine key={i} d={d} />
          ))}
        </ol>
      )}
    </section>
  );
}
