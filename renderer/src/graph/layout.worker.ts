// The layout worker: lays graphs out off the main thread. Built by Vite as its own classic (iife)
// script, so the same file also works as a plain <script> where the page may not start workers
// (Chromium refuses workers on file:// pages): there it registers `__kbLayout` on the window instead.
// No eval, no blob: URLs, so CSP `worker-src 'self'` / `script-src 'self'` suffices.
import { computeLayout, type LayoutRequest, type LayoutResult } from './layout';

const now = () => performance.now();

async function run(req: LayoutRequest): Promise<LayoutResult> {
  try {
    return computeLayout(req, now);
  } catch (e) {
    return { id: req.id, positions: {}, boxes: [], ms: 0, error: e instanceof Error ? e.message : String(e) };
  }
}

declare global {
  interface Window {
    __kbLayout?: (req: LayoutRequest) => Promise<LayoutResult>;
  }
}

if (typeof document === 'undefined') {
  // In a worker.
  const scope = self as unknown as { onmessage: ((ev: MessageEvent<LayoutRequest>) => void) | null; postMessage(m: unknown): void };
  scope.onmessage = (ev) => {
    void run(ev.data).then((result) => scope.postMessage(result));
  };
} else {
  window.__kbLayout = run;
}
