// The change log: what changed in the keys, newest first, with its time, in plain words. Never payloads.
// It leaves out what is not news (store/liveEvents.ts: usage counts, pins, countdowns) and sums up
// bursts, so a real change stays in sight. Filters: this process's keys or all, and by kind; Clear.
import { memo, useCallback, useMemo, useState } from 'react';
import { useKb, type LogEntry } from '../store';
import { LOG_FILTERS, type LogFilter, type LogKind } from '../store/liveEvents';
import { revealKey } from '../tree/reveal';
import { formatClock } from '../util/format';
import { useAfterPaint } from '../util/afterPaint';
import { counted, cutMiddle, SHORT_TEXT } from '../../../shared/text';

/** A subject or detail is cut in the middle to this many characters (keeping the key's id at its end); the tooltip has it whole. */
const LOG_TEXT = SHORT_TEXT + 32;
const SHOWN = 200;
const FILTER_NAMES = Object.keys(LOG_FILTERS) as LogFilter[];

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

/**
 * The log's filters and its Clear button. Memoised: a delta adds a line to the log but changes none of them, and
 * React writes a controlled input's type and name back to the DOM each time it renders it again (three checkboxes
 * re-rendered with every delta).
 */
const LogFilters = memo(function LogFilters({
  scope,
  setScope,
  kinds,
  toggle,
  clearLog,
}: {
  scope: 'process' | 'all';
  setScope(scope: 'process' | 'all'): void;
  kinds: ReadonlySet<LogFilter>;
  toggle(f: LogFilter): void;
  clearLog(): void;
}) {
  return (
    <>
      <select aria-label="Change log scope" value={scope} onChange={(e) => setScope(e.target.value as 'process' | 'all')}>
        <option value="all">All keys</option>
        <option value="process">This process's keys</option>
      </select>
      {FILTER_NAMES.map((f) => (
        <label key={f} className="log-filter">
          <input type="checkbox" checked={kinds.has(f)} onChange={() => toggle(f)} />
          {f}
        </label>
      ))}
      <button type="button" className="btn btn-small" onClick={clearLog} title="Empty the change log; new changes are logged as usual">
        Clear
      </button>
    </>
  );
});

/** Resyncs and summaries are always shown: they say what the filters cannot split. */
const ALWAYS: ReadonlySet<LogKind> = new Set(['resync', 'summary']);

export function ChangeLog() {
  // A frame after the rows: the tree's change is painted first (util/afterPaint.ts).
  const log = useAfterPaint(useKb((s) => s.log));
  const clearLog = useKb((s) => s.clearLog);
  const [open, setOpen] = useState(true);
  const [scope, setScope] = useState<'process' | 'all'>('all');
  const [kinds, setKinds] = useState<ReadonlySet<LogFilter>>(() => new Set(FILTER_NAMES));
  const shown = useMemo(() => {
    const wanted = new Set<LogKind>([...ALWAYS, ...[...kinds].flatMap((f) => LOG_FILTERS[f])]);
    const out: LogEntry[] = [];
    for (let i = log.length - 1; i >= 0 && out.length < SHOWN; i--) {
      const e = log[i]!;
      if (wanted.has(e.kind) && (scope === 'all' || e.thisProcess)) out.push(e);
    }
    return out;
  }, [log, kinds, scope]);
  const empty = log.length === 0;
  const toggle = useCallback(
    (f: LogFilter) =>
      setKinds((now) => {
        const next = new Set(now);
        if (!next.delete(f)) next.add(f);
        return next;
      }),
    [],
  );
  const filtered = scope !== 'all' || kinds.size !== FILTER_NAMES.length;
  return (
    <section className={`changelog${open && !empty ? '' : ' closed'}`} aria-label="Change log">
      <header className="panel-head">
        <button type="button" className="panel-toggle" aria-expanded={open && !empty} disabled={empty} onClick={() => setOpen(!open)}>
          <span className={`chevron${open && !empty ? ' open' : ''}`} aria-hidden="true">
            <svg viewBox="0 0 16 16" width="12" height="12">
              <path d="M6 3.5 10.5 8 6 12.5" fill="none" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
            </svg>
          </span>
          Change log
        </button>
        <span className="muted">
          {empty ? 'no changes yet' : filtered ? `${shown.length === SHOWN ? `latest ${SHOWN}` : shown.length} of ${counted(log.length, 'event')}` : counted(log.length, 'event')}
        </span>
        {!empty && open && (
          <span className="log-filters">
            <LogFilters scope={scope} setScope={setScope} kinds={kinds} toggle={toggle} clearLog={clearLog} />
          </span>
        )}
      </header>
      {open && !empty && (
        <ol className="log-list" aria-live="off">
          {shown.length ? shown.map((e) => <LogLine key={e.n} e={e} />) : <li className="muted log-empty">No change matches these filters.</li>}
        </ol>
      )}
    </section>
  );
}
