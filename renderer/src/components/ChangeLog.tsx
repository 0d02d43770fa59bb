// The change log: every event of every delta, newest first, with its time. Never payloads.
import { memo, useState } from 'react';
import { useKb, type LogEntry } from '../store';
import { revealKey } from '../tree/reveal';
import { formatClock } from '../util/format';
import { cutMiddle, SHORT_TEXT } from '../../../shared/text';

/** A subject or detail is cut in the middle to this many characters (keeping the key's id at its end); the tooltip has it whole. */
const LOG_TEXT = SHORT_TEXT + 32;

const LogLine = memo(function LogLine({ e }: { e: LogEntry }) {
  const exists = useKb((s) => e.keyId != null && s.keys.has(e.keyId));
  return (
    <li className={`log-line log-${e.kind}`}>
      <time className="mono">{formatClock(e.at)}</time>
      <span className={`log-kind log-kind-${e.kind}`}>{e.kind}</span>
      {exists ? (
        <button type="button" className="log-subject linklike" onClick={() => revealKey(e.keyId!)} title={e.subject}>
          {cutMiddle(e.subject, LOG_TEXT)}
        </button>
      ) : (
        <span className="log-subject" title={e.subject}>
          {cutMiddle(e.subject, LOG_TEXT)}
        </span>
      )}
      {e.detail && (
        <span className="log-detail" title={e.detail}>
          {cutMiddle(e.detail, LOG_TEXT)}
        </span>
      )}
    </li>
  );
});

const SHOWN = 200;

export function ChangeLog() {
  const log = useKb((s) => s.log);
  const [open, setOpen] = useState(true);
  const shown = log.slice(-SHOWN).reverse();
  return (
    <section className={`changelog${open ? '' : ' closed'}`} aria-label="Change log">
      <header className="panel-head">
        <button type="button" className="panel-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
          <span className={`chevron${open ? ' open' : ''}`} aria-hidden="true">
            <svg viewBox="0 0 16 16" width="12" height="12">
              <path d="M6 3.5 10.5 8 6 12.5" fill="none" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
            </svg>
          </span>
          Change log
        </button>
        <span className="muted">{log.length ? `${log.length} events` : 'no changes yet'}</span>
      </header>
      {open && (
        <ol className="log-list" aria-live="off">
          {shown.length ? shown.map((e) => <LogLine key={e.n} e={e} />) : <li className="muted log-empty">Changes to keys appear here as the poller sees them.</li>}
        </ol>
      )}
    </section>
  );
}
