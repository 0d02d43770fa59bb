// Poller status at a glance, with pause/resume and refresh. What every delta changes (the key count, the
// snapshot's time and seq) is drawn by a component of its own, so a delta does not render the bar's controls again.
import { memo, useCallback, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApi } from '../apiContext';
import type { DataOrigin, ScannerRestarts } from '../../../shared/api';
import { useKb } from '../store';
import { formatDateTime } from '../../../shared/expiryText';
import { formatClock, formatDuration } from '../util/format';
import { useAfterPaint } from '../util/afterPaint';
import { KeyCount } from './ProcessOnlyToggle';

const INTERVALS = [250, 500, 1000, 2000, 5000, 10_000, 30_000];

/** The usual choices, plus the current interval when it is something else (set with --interval). */
function intervalChoices(current: number): number[] {
  return INTERVALS.includes(current) ? INTERVALS : [...INTERVALS, current].sort((a, b) => a - b);
}

export function StatusBar() {
  const api = useApi();
  const { status, connection, origin } = useKb(useShallow((s) => ({ status: s.status, connection: s.connection, origin: s.origin })));
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const act = useCallback((fn: () => Promise<unknown>) => {
    setBusy(true);
    setActionError(null);
    fn()
      .then((st) => st && typeof st === 'object' && 'intervalMs' in st && useKb.getState().setStatus(st as never))
      .catch((e: unknown) => setActionError(e instanceof Error ? e.message : String(e)))
      .finally(() => setBusy(false));
  }, []);
  const pickInterval = useCallback((ms: number) => act(() => api.setPollInterval(ms)), [act, api]);
  const paused = status?.paused ?? false;
  if (origin?.kind === 'file') return <SavedFileStatus origin={origin} />;
  return (
    <footer className="statusbar" role="status" aria-live="off">
      <span className={`conn conn-${connection}`}>
        <span className="conn-dot" aria-hidden="true" />
        {connection === 'open' ? (paused ? 'Paused' : 'Live') : connection === 'connecting' ? 'Connecting…' : 'Disconnected'}
      </span>
      {status && <IntervalSelect intervalMs={status.intervalMs} disabled={busy} onPick={pickInterval} />}
      {status?.lastScan && <span title="Wall time of the last scan">last scan {formatDuration(status.lastScan.durationMs)}</span>}
      <SnapshotFacts />
      {status?.lastError && (
        <span className="status-error" title={status.lastError}>
          {status.lastError}
        </span>
      )}
      {status?.restarts && <ScannerRestarted restarts={status.restarts} />}
      {actionError && <span className="status-error" title={actionError}>{actionError}</span>}
      <span className="grow" />
      <button type="button" className="btn" disabled={busy || !status} onClick={() => act(() => (paused ? api.resume() : api.pause()))}>
        {paused ? 'Resume' : 'Pause'}
      </button>
      <button type="button" className="btn" disabled={busy} onClick={() => act(() => api.refresh())}>
        Refresh
      </button>
    </footer>
  );
}

/** The poll interval's choice; memoised, as a poll's status renders the bar again. */
const IntervalSelect = memo(function IntervalSelect({ intervalMs, disabled, onPick }: { intervalMs: number; disabled: boolean; onPick(ms: number): void }) {
  return (
    <label className="interval">
      poll every{' '}
      <select aria-label="Poll interval" value={intervalMs} disabled={disabled} onChange={(e) => onPick(Number(e.target.value))}>
        {intervalChoices(intervalMs).map((ms) => (
          <option key={ms} value={ms}>
            {formatDuration(ms)}
          </option>
        ))}
      </select>
    </label>
  );
});

/** "40,000 keys  as of 12:00:01 · seq 12": what each delta changes. */
function SnapshotFacts() {
  // A frame after the rows: the tree's change is painted first (util/afterPaint.ts).
  const { count, seq, takenAt } = useAfterPaint(useKb(useShallow((s) => ({ count: s.keys.size, seq: s.seq, takenAt: s.meta?.takenAt }))));
  return (
    <>
      <KeyCount count={count} />
      {takenAt != null && <span className="muted">as of {formatClock(takenAt)} · seq {seq}</span>}
    </>
  );
}

/** A saved file instead of "Live": its name and when it was taken; nothing polls, so no poll controls. */
function SavedFileStatus({ origin }: { origin: Extract<DataOrigin, { kind: 'file' }> }) {
  const { count, takenAt } = useKb(useShallow((s) => ({ count: s.keys.size, takenAt: s.meta?.takenAt })));
  return (
    <footer className="statusbar" role="status" aria-live="off">
      <span className="conn conn-file" title="A saved file: nothing here is live and nothing can be changed">
        <span className="conn-dot" aria-hidden="true" />
        {origin.recording ? 'Recording' : 'Saved snapshot'}: {origin.name}
      </span>
      <span>taken {formatDateTime(origin.takenAt)}</span>
      {origin.recording && takenAt != null && takenAt !== origin.takenAt && <span className="muted">showing {formatDateTime(takenAt)}</span>}
      <KeyCount count={count} />
      {origin.truncated && <span className="status-error">{origin.truncated}</span>}
    </footer>
  );
}

/** The scan thread died and a fresh one took over: the view went on, but a person should know it happened. */
function ScannerRestarted({ restarts }: { restarts: ScannerRestarts }) {
  const times = restarts.count === 1 ? '' : ` ${restarts.count} times`;
  return (
    <span className="status-warn" title={`The scan thread died (${restarts.lastReason}) and a fresh one took over; nothing was missed, the next scan read everything again.`}>
      scanner restarted{times} (last at {formatClock(restarts.lastAt)})
    </span>
  );
}
