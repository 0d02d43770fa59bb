// Wires a KeyringApi to the store. Push events are queued and applied together (several deltas in one
// `set`): an event after a quiet spell at once (in a microtask, so the events of one message go together),
// and the ones that follow within a frame in the next animation frame, so a burst of changes costs a render
// per frame while a lone delta is painted in the very next frame. A gap in the delta sequence, or a change
// for a key the store never saw, triggers one full resync (getSnapshot).
import type { KeyringApi, KeyringEvent, SnapshotDelta } from '../../../shared/api';
import { framesDrawn } from '../util/afterPaint';
import { useKb } from './index';
import { HIGHLIGHT_MS } from './liveEvents';

export interface FrameScheduler {
  request(cb: () => void): void;
  /**
   * The time in ms, when events after a quiet spell may be applied at once: without it every event waits for
   * `request`'s frame.
   */
  now?(): number;
}

/** How long after a failed getSnapshot it is asked again. */
export const SNAPSHOT_RETRY_MS = 5000;

/** A frame at 60 Hz: events this soon after the last applied ones wait for the next frame. */
const FRAME_MS = 1000 / 60;

/** requestAnimationFrame, except in a hidden tab (where rAF stops) fall back to a timer. */
export const animationFrames: FrameScheduler = {
  request(cb) {
    if (framesDrawn()) requestAnimationFrame(() => cb());
    else setTimeout(cb, 16);
  },
  now: () => performance.now(),
};

export function connectStore(api: KeyringApi, frames: FrameScheduler = animationFrames): () => void {
  const store = useKb;
  let queue: KeyringEvent[] = [];
  let scheduled = false;
  let lastFlushAt = -Infinity;
  let resyncing = false;
  let closed = false;
  let pruneTimer: ReturnType<typeof setTimeout> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  const fail = (what: string, e: unknown) => {
    if (closed) return;
    const reason = e instanceof Error ? e.message : String(e);
    store.getState().setConnection('error', `${what}: ${reason}`);
  };

  const resync = () => {
    if (resyncing || closed) return;
    resyncing = true;
    api
      .getSnapshot()
      .then((v) => {
        if (!closed) store.getState().loadSnapshot(v);
      })
      .then(
        () => {
          resyncing = false;
          // Deltas that arrived while we waited may continue from the snapshot we just loaded.
          if (queue.length) schedule();
        },
        (e: unknown) => {
          resyncing = false;
          fail('Could not load the keyrings', e);
          // Asked again, not given up: a server's first scan of 100k keys on a loaded machine outlasts the call's
          // minute of silence, and the page said "cannot reach" for good while serve went on polling.
          if (!closed) retryTimer = setTimeout(resync, SNAPSHOT_RETRY_MS);
        },
      );
  };

  const schedulePrune = () => {
    if (pruneTimer) return;
    pruneTimer = setTimeout(() => {
      pruneTimer = null;
      const s = store.getState();
      s.pruneLive();
      if (store.getState().highlights.size || store.getState().ghosts.size) schedulePrune();
    }, HIGHLIGHT_MS / 2);
  };

  const flush = () => {
    scheduled = false;
    if (closed) return;
    lastFlushAt = frames.now?.() ?? 0;
    const events = queue;
    queue = [];
    let deltas: SnapshotDelta[] = [];
    const applyPending = () => {
      if (!deltas.length) return;
      const s = store.getState();
      if (s.seq < 0 || resyncing) {
        queue.unshift(...deltas.map((delta): KeyringEvent => ({ type: 'delta', delta })));
      } else {
        const out = s.applyDeltas(deltas);
        if (out.applied) schedulePrune();
        if (out.resync) resync();
      }
      deltas = [];
    };
    for (const ev of events) {
      if (ev.type === 'delta') deltas.push(ev.delta);
      else {
        applyPending();
        if (ev.type === 'snapshot') store.getState().loadSnapshot(ev.snapshot);
        else if (ev.type === 'status') store.getState().setStatus(ev.status);
        // 'command': the desktop app's menu, for Root.tsx, not the store.
      }
    }
    applyPending();
  };

  const schedule = () => {
    if (scheduled || closed) return;
    scheduled = true;
    // Waiting for the next animation frame to apply a lone delta made it paint a frame late: the frame's
    // time went to applying it. Applied now, the next frame only draws it.
    const now = frames.now?.();
    if (now !== undefined && now - lastFlushAt >= FRAME_MS) queueMicrotask(flush);
    else frames.request(flush);
  };

  const unsubscribe = api.subscribe((ev) => {
    queue.push(ev);
    schedule();
  });

  store.getState().setConnection('connecting');
  resync();
  api.getStatus().then((st) => !closed && store.getState().setStatus(st), () => {});
  api.getIdentityNames().then((n) => !closed && store.getState().setIdentity(n), () => {});
  api.getCapabilities().then((c) => !closed && store.getState().setOrigin(c.origin ?? { kind: 'live' }), () => {});

  return () => {
    closed = true;
    unsubscribe();
    if (pruneTimer) clearTimeout(pruneTimer);
    if (retryTimer) clearTimeout(retryTimer);
  };
}
