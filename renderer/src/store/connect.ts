// Wires a KeyringApi to the store. Push events are queued and applied at most once per animation
// frame (several deltas in one `set`), so a burst of changes costs one render. A gap in the delta
// sequence, or a change for a key the store never saw, triggers one full resync (getSnapshot).
import type { KeyringApi, KeyringEvent, SnapshotDelta } from '../../../shared/api';
import { useKb } from './index';
import { HIGHLIGHT_MS } from './liveEvents';

export interface FrameScheduler {
  request(cb: () => void): void;
}

/** requestAnimationFrame, except in a hidden tab (where rAF stops) fall back to a timer. */
export const animationFrames: FrameScheduler = {
  request(cb) {
    if (typeof requestAnimationFrame === 'function' && typeof document !== 'undefined' && !document.hidden) {
      requestAnimationFrame(() => cb());
    } else setTimeout(cb, 16);
  },
};

export function connectStore(api: KeyringApi, frames: FrameScheduler = animationFrames): () => void {
  const store = useKb;
  let queue: KeyringEvent[] = [];
  let scheduled = false;
  let resyncing = false;
  let closed = false;
  let pruneTimer: ReturnType<typeof setTimeout> | null = null;

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
      .catch((e) => fail('Could not load the keyrings', e))
      .finally(() => {
        resyncing = false;
        // Deltas that arrived while we waited may continue from the snapshot we just loaded.
        if (queue.length) schedule();
      });
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
    frames.request(flush);
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
  };
}
