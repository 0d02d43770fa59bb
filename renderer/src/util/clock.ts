// One shared one-second clock for every live countdown: rows with an expiry subscribe, rows without
// never re-render for time, and the interval runs only while someone listens. A saved file or a replay
// is not now: its countdowns and expiry windows count from the moment it shows (the snapshot's takenAt,
// which follows the replay's slider), and do not tick.
import { useSyncExternalStore } from 'react';
import { useKb } from '../store';

const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      listeners.forEach((l) => l());
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (!listeners.size && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

const noSubscription = () => () => {};

/** The instant the view shows: the wall clock, ticking, when live; the snapshot's time for a saved file. */
export function useNow(): number {
  const shownAt = useKb((s) => (s.origin?.kind === 'file' ? (s.meta?.takenAt ?? null) : null));
  const wall = useSyncExternalStore(shownAt === null ? subscribe : noSubscription, () => now);
  return shownAt ?? wall;
}
