// The replay of a recording (`keyring-browser open FILE.jsonl`): a time slider over its changes, play and
// pause, and step by change. It moves the store (replaySeek.ts); the tree, graph and change log follow.
// Shown only when the engine serves a recording.
import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { formatDateTime } from '../../../shared/expiryText';
import { useApi } from '../apiContext';
import { useKb } from '../store';
import { replayTimeline, seekReplay, timeAt, type ReplayTimeline } from './replaySeek';

/** How long playback shows each change. */
export const PLAY_STEP_MS = 700;
/** PageUp/PageDown move this many changes. */
const PAGE = 10;

export function ReplayBar() {
  const origin = useKb((s) => s.origin);
  if (origin?.kind !== 'file' || !origin.recording) return null;
  return <Replay />;
}

function Replay() {
  const api = useApi();
  const [loaded, setLoaded] = useState<ReplayTimeline | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [playing, setPlaying] = useState(false);
  const seq = useKb((s) => s.seq);

  useEffect(() => {
    let stale = false;
    Promise.all([api.getSnapshot(), api.getRecordedChanges()]).then(
      ([start, recorded]) => !stale && setLoaded(replayTimeline(start, recorded.deltas)),
      (err: unknown) => !stale && setProblem(`cannot load the recording's changes: ${err instanceof Error ? err.message : String(err)}`),
    );
    return () => {
      stale = true;
    };
  }, [api]);

  const total = loaded?.changes.length ?? 0;
  const step = Math.max(0, Math.min(total, seq));

  const seek = useCallback(
    (target: number) => {
      if (!loaded) return;
      const why = seekReplay(useKb.getState, loaded, target);
      setProblem(why === null ? null : `the recording cannot be replayed past this point: ${why}`);
    },
    [loaded],
  );

  // Playback: one change per PLAY_STEP_MS, stopping at the end.
  useEffect(() => {
    if (!playing) return;
    if (step >= total) {
      setPlaying(false);
      return;
    }
    const timer = setTimeout(() => seek(step + 1), PLAY_STEP_MS);
    return () => clearTimeout(timer);
  }, [playing, step, total, seek]);

  if (!loaded) {
    return (
      <div className="replay" role="group" aria-label="Replay">
        <span className="muted">{problem ?? 'Loading the recording…'}</span>
      </div>
    );
  }
  const time = formatDateTime(timeAt(loaded.start, loaded.changes, step));
  const play = () => {
    // Play from the start when at the end, as a player does.
    if (step >= total) seek(0);
    setPlaying(true);
  };
  return (
    <div className="replay" role="group" aria-label="Replay">
      <button type="button" className="btn" onClick={() => (playing ? setPlaying(false) : play())} disabled={total === 0}>
        {playing ? 'Pause' : 'Play'}
      </button>
      <button type="button" className="btn" aria-label="Previous change" title="Previous change (←)" disabled={step === 0} onClick={() => seek(step - 1)}>
        ◀
      </button>
      <button type="button" className="btn" aria-label="Next change" title="Next change (→)" disabled={step >= total} onClick={() => seek(step + 1)}>
        ▶
      </button>
      <TimeSlider step={step} total={total} valueText={`${time}, change ${step} of ${total}`} onSeek={(n) => (setPlaying(false), seek(n))} />
      <span className="replay-time">
        {time} · change {step} of {total}
      </span>
      {problem && <span className="status-error">{problem}</span>}
    </div>
  );
}

/** The ARIA slider: arrows step one change, PageUp/PageDown ten, Home and End jump to the ends; click or drag. */
function TimeSlider({ step, total, valueText, onSeek }: { step: number; total: number; valueText: string; onSeek: (step: number) => void }) {
  const track = useRef<HTMLDivElement>(null);
  const onKeyDown = (e: KeyboardEvent) => {
    const to: Record<string, number> = {
      ArrowRight: step + 1,
      ArrowUp: step + 1,
      ArrowLeft: step - 1,
      ArrowDown: step - 1,
      PageUp: step + PAGE,
      PageDown: step - PAGE,
      Home: 0,
      End: total,
    };
    const target = to[e.key];
    if (target === undefined) return;
    e.preventDefault();
    onSeek(Math.max(0, Math.min(total, target)));
  };
  const fromPointer = (e: PointerEvent) => {
    const box = track.current?.getBoundingClientRect();
    if (!box || box.width === 0 || total === 0) return;
    onSeek(Math.round(Math.max(0, Math.min(1, (e.clientX - box.left) / box.width)) * total));
  };
  const percent = total === 0 ? 0 : (step / total) * 100;
  return (
    <div
      ref={track}
      className="replay-slider"
      role="slider"
      tabIndex={0}
      aria-label="Time"
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={step}
      aria-valuetext={valueText}
      onKeyDown={onKeyDown}
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture?.(e.pointerId);
        fromPointer(e);
      }}
      onPointerMove={(e) => e.buttons === 1 && fromPointer(e)}
    >
      <div className="replay-track" aria-hidden="true">
        <div className="replay-fill" style={{ width: `${percent}%` }} />
        <div className="replay-thumb" style={{ left: `${percent}%` }} />
      </div>
    </div>
  );
}
