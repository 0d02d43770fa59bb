// Talks to the layout worker: one worker for the page, requests answered in order, stale answers
// dropped by the caller (it compares ids). Where the page may not start a worker (Chromium refuses
// them on file:// pages, an opaque origin), the same bundle is loaded as a classic <script> and
// runs on the main thread: slower for big graphs, but the picture is the same.
import workerUrl from './layout.worker.ts?worker&url';
import type { LayoutRequest, LayoutResult } from './layout';

type Runner = (req: LayoutRequest) => Promise<LayoutResult>;

let runner: Promise<Runner> | null = null;

/** Where the layout ran, for the bench and for a tooltip. */
export let layoutThread: 'worker' | 'main' | 'unknown' = 'unknown';

export function requestLayout(req: LayoutRequest): Promise<LayoutResult> {
  runner ??= startWorker().catch(() => startInPage());
  return runner.then((run) => run(req));
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
    worker.onmessage = (ev: MessageEvent<LayoutResult>) => {
      started = true;
      pending.get(ev.data.id)?.(ev.data);
      pending.delete(ev.data.id);
    };
    worker.onerror = (ev) => {
      ev.preventDefault();
      worker.terminate();
      if (!started) reject(new Error(ev.message || 'layout worker failed to start'));
      else for (const [id, done] of pending) done({ id, positions: {}, boxes: [], ms: 0, error: ev.message || 'layout worker crashed' });
      pending.clear();
      runner = null; // the next request starts afresh
    };
    // Ping with an empty graph: a worker that cannot load fails here, before real requests depend on it.
    const ping: LayoutRequest = { id: -1, nodes: [], edges: [] };
    pending.set(-1, () => {
      layoutThread = 'worker';
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
