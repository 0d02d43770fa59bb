// Talks to the layout worker: one worker for the page, one layout at a time. Where the page may not
// start a worker (Chromium refuses them on file:// pages, an opaque origin), the same bundle is
// loaded as a classic <script> and runs on the main thread: slower for big graphs, same picture.
//
// The graph view asks for a new layout whenever its structure changes, which on a busy host is every
// poll. A layout can take longer than a poll, so a view request that is still waiting when the next
// one comes is answered `dropped: 'superseded'` instead of run: the worker never works through a
// backlog of pictures nobody will see. The one running is never discarded (its answer may still be
// the best picture there is; useGraphLayout decides). Exports ask with `replaceable: false`.
import workerUrl from './layout.worker.ts?worker&url';
import type { LayoutRequest, LayoutResult } from './layout';

type Runner = (req: LayoutRequest) => Promise<LayoutResult>;

let runner: Promise<Runner> | null = null;
/** Stops the worker's current layout (terminates it); null when nothing can be stopped. */
let stopWorker: (() => void) | null = null;

/** Where the layout ran, for the bench and for a tooltip. */
export let layoutThread: 'worker' | 'main' | 'unknown' = 'unknown';

interface Waiting {
  req: LayoutRequest;
  replaceable: boolean;
  done: (r: LayoutResult) => void;
}
const queue: Waiting[] = [];
let running: Waiting | null = null;

const dropped = (id: number, why: 'superseded' | 'cancelled'): LayoutResult => ({ id, positions: {}, boxes: [], ms: 0, dropped: why });

export function requestLayout(req: LayoutRequest, opts: { replaceable?: boolean } = {}): Promise<LayoutResult> {
  const replaceable = opts.replaceable ?? false;
  return new Promise((done) => {
    if (replaceable) dropWaiting('superseded');
    queue.push({ req, replaceable, done });
    pump();
  });
}

/** Abandons the view's running and waiting layouts (the user chose a smaller picture). */
export function cancelLayouts(): void {
  dropWaiting('cancelled');
  if (running?.replaceable) stopWorker?.();
}

function dropWaiting(why: 'superseded' | 'cancelled'): void {
  for (let i = queue.length - 1; i >= 0; i--) {
    const w = queue[i]!;
    if (!w.replaceable) continue;
    queue.splice(i, 1);
    w.done(dropped(w.req.id, why));
  }
}

function pump(): void {
  if (running || !queue.length) return;
  const job = queue.shift()!;
  running = job;
  runner ??= startWorker().catch(() => startInPage());
  runner
    .then((run) => run(job.req))
    .catch((e: unknown): LayoutResult => ({ id: job.req.id, positions: {}, boxes: [], ms: 0, error: e instanceof Error ? e.message : String(e) }))
    .then((result) => {
      running = null;
      job.done(result);
      pump();
    });
}

function startWorker(): Promise<Runner> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(workerUrl, { name: 'keyring-layout' });
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    const pending = new Map<number, (r: LayoutResult) => void>();
    let started = false;
    const end = (answer: (id: number) => LayoutResult) => {
      worker.terminate();
      for (const [id, done] of pending) done(answer(id));
      pending.clear();
      if (stopWorker === stop) stopWorker = null;
      runner = null; // the next request starts afresh
    };
    const stop = () => end((id) => dropped(id, 'cancelled'));
    worker.onmessage = (ev: MessageEvent<LayoutResult>) => {
      started = true;
      pending.get(ev.data.id)?.(ev.data);
      pending.delete(ev.data.id);
    };
    worker.onerror = (ev) => {
      ev.preventDefault();
      if (!started) {
        worker.terminate();
        reject(new Error(ev.message || 'layout worker failed to start'));
      } else end((id) => ({ id, positions: {}, boxes: [], ms: 0, error: ev.message || 'layout worker crashed' }));
    };
    // Ping with a two-node graph: a worker that cannot load fails here, before real requests depend
    // on it, and the layout code's first (slowest, unoptimised) run is spent on nothing.
    const ping: LayoutRequest = {
      id: -1,
      nodes: [
        { id: 'a', cluster: 'process', width: 10, height: 10 },
        { id: 'b', cluster: 'process', width: 10, height: 10 },
      ],
      edges: [{ source: 'a', target: 'b' }],
    };
    pending.set(-1, () => {
      layoutThread = 'worker';
      stopWorker = stop;
      resolve((req) => new Promise((done) => {
        pending.set(req.id, done);
        worker.postMessage(req);
      }));
    });
    worker.postMessage(ping);
  });
}

function startInPage(): Promise<Runner> {
  return new Promise((resolve, reject) => {
    if (window.__kbLayout) {
      resolve(window.__kbLayout);
      return;
    }
    const script = document.createElement('script');
    script.src = workerUrl;
    script.onload = () => {
      if (!window.__kbLayout) {
        reject(new Error('layout script loaded without registering'));
        return;
      }
      layoutThread = 'main';
      resolve(window.__kbLayout);
    };
    script.onerror = () => reject(new Error('cannot load the layout script'));
    document.head.appendChild(script);
  });
}
