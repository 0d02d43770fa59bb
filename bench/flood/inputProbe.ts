// Input latency in the page, measured by the page: installed before the app's own scripts (Playwright's
// addInitScript, a plain function with no imports: it is sent as its source). The driver announces an input and
// the effect that shows it was handled (`__kbProbe.expect`), then sends the real input (CDP, as a person's). The
// capture listener stamps the input's own time (Event.timeStamp: when the browser took it, before it waited in
// the page's queue), and a check in every animation frame stops the clock at the first frame whose DOM shows the
// effect (that frame paints it). The WebSocket's messages are counted too, and the page's long tasks summed.

export interface ProbeResult {
  /** ms from the input's timeStamp to the frame that shows its effect, one per input. */
  latencies: { kind: string; ms: number }[];
  /** ms from the input's timeStamp to its first handler (the queueing delay alone). */
  delays: { kind: string; ms: number }[];
  wsMessages: number;
  wsBytes: number;
  longTaskMs: number;
  longTasks: number;
  longestTaskMs: number;
  /** The long tasks' start (ms since the page's time origin) and length. */
  longTaskList: [number, number][];
}

export interface ProbeApi {
  expect(kind: string, effect: { selector: string; text?: string; gone?: boolean }): void;
  /** True once the last expected effect was seen (or there is none). */
  done(): boolean;
  /** Starts the counts again (the measured window begins). */
  reset(): void;
  result(): ProbeResult;
}

/** The page's globals the probe uses (the bench is compiled without the DOM's types). */
interface PageGlobals {
  __kbProbe: ProbeApi;
  WebSocket: new (url: string, protocols?: string | string[]) => { addEventListener(type: 'message', f: (e: { data: unknown }) => void): void };
  addEventListener(type: string, f: (e: { timeStamp: number }) => void, capture: boolean): void;
  requestAnimationFrame(f: () => void): void;
  document: { querySelector(selector: string): { textContent: string | null } | null };
  PerformanceObserver: new (f: (list: { getEntries(): { duration: number; startTime: number }[] }) => void) => { observe(o: { type: string; buffered: boolean }): void };
}

export function installInputProbe(): void {
  const w = globalThis as unknown as PageGlobals;
  let result: ProbeResult = { latencies: [], delays: [], wsMessages: 0, wsBytes: 0, longTaskMs: 0, longTasks: 0, longestTaskMs: 0, longTaskList: [] };
  let pending: { kind: string; selector: string; text?: string; gone?: boolean; t0: number | null } | null = null;
  const stamp = (e: { timeStamp: number }): void => {
    if (pending && pending.t0 === null) {
      pending.t0 = e.timeStamp;
      result.delays.push({ kind: pending.kind, ms: performance.now() - e.timeStamp });
      w.requestAnimationFrame(frame);
    }
  };
  w.addEventListener('pointerdown', stamp, true);
  w.addEventListener('keydown', stamp, true);
  const seen = (p: NonNullable<typeof pending>): boolean => {
    const el = w.document.querySelector(p.selector);
    if (p.gone) return el === null;
    return el !== null && (p.text === undefined || (el.textContent ?? '').includes(p.text));
  };
  // Checked only while an input waits for its effect: a check in every frame of the run was the page's own work too.
  function frame(): void {
    if (!pending || pending.t0 === null) return;
    if (!seen(pending)) return w.requestAnimationFrame(frame);
    result.latencies.push({ kind: pending.kind, ms: performance.now() - pending.t0 });
    pending = null;
  }
  try {
    new w.PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        result.longTasks++;
        result.longTaskMs += e.duration;
        result.longestTaskMs = Math.max(result.longestTaskMs, e.duration);
        result.longTaskList.push([Math.round(e.startTime), Math.round(e.duration)]);
      }
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // no long task timing in this browser
  }
  const Native = w.WebSocket;
  w.WebSocket = class extends Native {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (e) => {
        result.wsMessages++;
        result.wsBytes += typeof e.data === 'string' ? e.data.length : 0;
      });
    }
  };
  w.__kbProbe = {
    expect(kind, effect) {
      pending = { kind, ...effect, t0: null };
    },
    done: () => pending === null,
    reset() {
      result = { latencies: [], delays: [], wsMessages: 0, wsBytes: 0, longTaskMs: 0, longTasks: 0, longestTaskMs: 0, longTaskList: [] };
    },
    result: () => result,
  };
}
