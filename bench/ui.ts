// The UI's cost in Debian's chromium: the bench build of the renderer (dist/renderer-bench: the same app
// plus its development tools, renderer/src/dev/buildMode.ts) opened with generated keys
// (`?fake=N&bench=1`, see renderer/src/bench.ts), timed by the page itself: first render of the tree, one
// key's delta and one search at 10k and 40k keys, the page's memory after them, and the graph's layout and
// frame time (and CPU per frame) at 2,000 nodes: keyrings that are trees but for a few shared keys, and keyrings
// where many keys are shared (`&shared=1`), each with elkjs's time for the same graph beside (laid out here, in
// Node: bench/elkLayout.ts).
import { chromium, type Browser, type Page } from '@playwright/test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHROMIUM_ARGS, chromiumPath } from '../electron/cli/chromium';
import { elkLayoutMs, type ElkBenchRequest } from './elkLayout';
import { median, ms, type BenchRow } from './table';

const CHROMIUM = chromiumPath();
const RUNS = 3;
const TRACED_RUNS = 2;

interface TreeBench {
  firstRenderMs: number;
  wholeTreeMs: number;
  pageLoadMs: number;
  searchMs: number;
  searchRowCount: number;
  searchRowsInDom: number;
  deltaMs: number[];
  deltaLogMs: number[];
  searchIndexMs: number | null;
}

/** The page's memory once its measurements are done, through chromium's DevTools protocol. */
interface PageMemory {
  /** V8's heap of the page's main thread after a full collection (Runtime.getHeapUsage): the JS objects alone. */
  jsHeapUsed: number;
  /** DOM nodes alive (Performance.getMetrics). */
  domNodes: number;
}

async function pageMemory(page: Page): Promise<PageMemory> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    await cdp.send('Performance.enable');
    const { metrics } = await cdp.send('Performance.getMetrics');
    return { jsHeapUsed: heap.usedSize, domNodes: metrics.find((m) => m.name === 'Nodes')?.value ?? 0 };
  } finally {
    await cdp.detach();
  }
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

interface GraphBench {
  thread: string;
  layoutMs: number;
  layoutKind: string;
  nodes: number;
  edges: number;
  frameMs: number;
  frames: number;
  wholeNodes: number;
  wholeEdges: number;
  wholeMs: number;
  wholeKind: string;
  wholeRequest?: ElkBenchRequest;
}

/**
 * Waits until the page sets `global`, asking through a DevTools session of our own every 100 ms. Not Playwright's
 * waitForFunction: its first call compiles Playwright's injected script in the page (≈ 100 ms of the page's main
 * thread at 40k keys, most of it on the clock) and then polls in every animation frame, and that landed inside the
 * first render it was waiting for: a trace showed the page's setTimeout after the painted frame held back by the
 * script's compile and one more frame, ~190 ms of the 775 ms measured at load 3. A one-line Runtime.evaluate is a
 * task of a few µs; the page's own result is read with page.evaluate once it is done.
 */
async function waitForGlobal(page: Page, global: string, timeoutMs: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const expression = `globalThis[${JSON.stringify(global)}] !== undefined`;
    const until = Date.now() + timeoutMs;
    for (;;) {
      const { result } = await cdp.send('Runtime.evaluate', { expression, returnByValue: true });
      if (result.value === true) return;
      if (Date.now() > until) throw new Error(`bench: ${global} not set within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await cdp.detach();
  }
}

/**
 * Waits until chromium's own processes have been quiet for a moment (at most 10 ms of CPU, all processes together,
 * in each of 3 running 100 ms polls; 10 s at most). Each new page is a new window of the browser, and a new window
 * starts the browser's own omnibox popup (a WebUI page in a renderer of its own, chrome://omnibox-popup.top-chrome):
 * about 2 s of CPU over the next 2-4 s, measured here with SystemInfo.getProcessInfo. Navigating at once ran the
 * page's load and first render beside it on this 2-core machine (a trace of one first render at 40k keys: 250 ms of
 * that renderer's main thread and 99 ms of its workers inside the 726 ms measured). The desktop app's window has
 * no omnibox: the bench measures the app, not the browser's window.
 */
async function browserQuiet(browser: Browser): Promise<void> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const cpuSeconds = async (): Promise<number> => {
      const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
      return processInfo.reduce((sum, p) => sum + p.cpuTime, 0);
    };
    const until = Date.now() + 10_000;
    let last = await cpuSeconds();
    for (let quiet = 0; quiet < 3 && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 100));
      const now = await cpuSeconds();
      quiet = now - last <= 0.011 ? quiet + 1 : 0;
      last = now;
    }
  } finally {
    await cdp.detach();
  }
}

/** A new page, navigated once the browser's own work for its new window is done (browserQuiet). */
async function openPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await browserQuiet(browser);
  return page;
}

async function measure<T>(browser: Browser, url: string, global: string, timeoutMs: number): Promise<(T & { memory: PageMemory }) | null> {
  const page = await openPage(browser);
  try {
    await page.goto(url);
    await waitForGlobal(page, global, timeoutMs);
    const result = (await page.evaluate((g) => (globalThis as unknown as Record<string, unknown>)[g], global)) as T;
    return { ...result, memory: await pageMemory(page) };
  } catch {
    return null;
  } finally {
    await page.close();
  }
}

const TRACE_CATEGORIES = ['blink.user_timing', 'disabled-by-default-devtools.timeline'];

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
}

/**
 * The page's main-thread CPU time in each window between the marks `kb:<phase>:start` and `kb:<phase>:end`
 * (renderer/src/bench.ts), from a trace: the thread time (`tdur`) of the tasks that ran in it, a task that
 * straddles an end counted for its share. On a shared machine this is what the page cost, while wall time
 * also counts the other processes it waited for.
 */
export function phaseCpuMs(events: readonly TraceEvent[], phase: string): number[] {
  const marks = events.filter((e) => e.name === `kb:${phase}:start` || e.name === `kb:${phase}:end`).sort((a, b) => a.ts - b.ts);
  const main = marks[0];
  if (main === undefined) return [];
  const tasks = events.filter((e) => e.name === 'RunTask' && e.ph === 'X' && e.pid === main.pid && e.tid === main.tid && e.dur !== undefined && e.tdur !== undefined);
  const out: number[] = [];
  for (let i = 0; i + 1 < marks.length; i++) {
    const [from, to] = [marks[i]!, marks[i + 1]!];
    if (from.name.endsWith(':end') || to.name.endsWith(':start')) continue;
    let cpu = 0;
    for (const t of tasks) {
      const overlap = Math.min(to.ts, t.ts + t.dur!) - Math.max(from.ts, t.ts);
      if (overlap > 0) cpu += (t.tdur! * overlap) / Math.max(t.dur!, 1);
    }
    out.push(cpu / 1000);
  }
  return out;
}

/**
 * The CPU time of every thread of the browser (the page's main thread, its raster and compositor threads, the GPU
 * process) in the first window between `kb:<phase>:start` and `kb:<phase>:end`: top-level tasks, each counted for
 * its share inside the window. Drawing without a GPU (as here) is raster work on other threads than the page's.
 */
export function phaseAllThreadsCpuMs(events: readonly TraceEvent[], phase: string): number | null {
  const from = events.find((e) => e.name === `kb:${phase}:start`);
  const to = events.find((e) => e.name === `kb:${phase}:end`);
  if (!from || !to) return null;
  let cpu = 0;
  for (const t of events) {
    if ((t.name !== 'RunTask' && t.name !== 'ThreadPool_RunTask') || t.ph !== 'X' || t.dur === undefined || t.tdur === undefined) continue;
    const overlap = Math.min(to.ts, t.ts + t.dur) - Math.max(from.ts, t.ts);
    if (overlap > 0) cpu += (t.tdur * overlap) / Math.max(t.dur, 1);
  }
  return cpu / 1000;
}

/** One page load traced: its result, the main thread's CPU per phase, and with `allThreads` every thread's in the first window of each phase. */
async function traced(
  browser: Browser,
  url: string,
  global: string,
  phases: readonly string[],
  timeoutMs: number,
  allThreads = false,
): Promise<{ main: Record<string, number[]>; all: Record<string, number | null> } | null> {
  const page = await openPage(browser);
  try {
    await browser.startTracing(page, { categories: allThreads ? [...TRACE_CATEGORIES, 'toplevel'] : TRACE_CATEGORIES });
    await page.goto(url);
    await waitForGlobal(page, global, timeoutMs);
    const { traceEvents } = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] };
    return {
      main: Object.fromEntries(phases.map((p) => [p, phaseCpuMs(traceEvents, p)])),
      all: Object.fromEntries(phases.map((p) => [p, allThreads ? phaseAllThreadsCpuMs(traceEvents, p) : null])),
    };
  } catch {
    return null;
  } finally {
    await page.close();
  }
}

/** Returns the UI table's rows, or a sentence saying why it could not run. */
export interface UiTable {
  title: string;
  columns: string[];
  rows: BenchRow[];
}

/** `graphOnly`: just the graph's table (BENCH_ONLY=graph). */
export async function runUiBench(root: string, sizes: number[], graphOnly = false): Promise<UiTable[] | string> {
  const index = join(root, 'dist', 'renderer-bench', 'index.html');
  if (!existsSync(index)) return 'UI bench skipped: dist/renderer-bench is not built (npm run build:web:bench).';
  if (!existsSync(CHROMIUM)) return `UI bench skipped: no chromium at ${CHROMIUM} (set CHROMIUM_PATH).`;
  const base = pathToFileURL(index).href;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const columns = sizes.map((n) => `${n / 1000}k keys`);
    const render: BenchRow = { name: 'tree: first render (snapshot → painted rows)', values: {} };
    // A large tree's first render leaves the sections below its first screen for the idle time after it (tree/useTreeRows.ts).
    const whole: BenchRow = { name: '  every section painted (snapshot → painted)', values: {} };
    const search: BenchRow = { name: 'tree: search "bench:3" (typed → rows drawn)', values: {} };
    const matches: BenchRow = { name: "tree: that search's rows in the list / in the DOM", values: {} };
    const index: BenchRow = { name: 'tree: search index build (idle time, once per structure)', values: {} };
    // The clock runs from the delta reaching the page to the task after the frame that shows it: the delta's script,
    // then the wait for the next frame (the display's, 0-16.7 ms at 60 Hz, whenever the script ends), then that
    // frame's style, layout and paint. The runs' deltas arrive at phases spread evenly over a frame (a poll's delta
    // comes whenever its scan ends), so the median counts an average wait; until session 10 they all arrived just
    // after a frame had begun and waited nearly a whole one (renderer/src/bench.ts, timeDeltas).
    const delta: BenchRow = {
      name: "tree: one keyring's permissions changed (delta → painted)",
      values: {},
      note: 'wall includes the wait for the next frame (0-16.7 ms; arrivals spread over a frame)',
    };
    const deltaLog: BenchRow = { name: "  the change log's line painted too (a frame after the row)", values: {} };
    const heap: BenchRow = { name: 'page: JS heap used after GC (CDP Runtime.getHeapUsage)', values: {} };
    const nodes: BenchRow = { name: 'page: DOM nodes', values: {} };
    const cpuRows = {
      'first-render': { name: '  main-thread CPU of the first render', values: {} } as BenchRow,
      'one-delta': { name: '  main-thread CPU of one delta (to the row painted)', values: {} } as BenchRow,
      'one-delta-log': { name: "  main-thread CPU of one delta (to the log's line painted)", values: {} } as BenchRow,
      search: { name: '  main-thread CPU of the search', values: {} } as BenchRow,
    };
    for (const [i, n] of graphOnly ? [] : sizes.entries()) {
      const runs: (TreeBench & { memory: PageMemory })[] = [];
      for (let r = 0; r < RUNS; r++) {
        const b = await measure<TreeBench>(browser, `${base}?fake=${n}&bench=1`, '__kbBench', 120_000);
        if (b) runs.push(b);
      }
      const col = columns[i] as string;
      if (!runs.length) {
        render.values[col] = 'failed';
        continue;
      }
      render.values[col] = ms(median(runs.map((b) => b.firstRenderMs)));
      whole.values[col] = ms(median(runs.map((b) => b.wholeTreeMs)));
      search.values[col] = ms(median(runs.map((b) => b.searchMs)));
      matches.values[col] = `${runs[0]!.searchRowCount} / ${runs[0]!.searchRowsInDom}`;
      const built = runs.flatMap((b) => (b.searchIndexMs === null ? [] : [b.searchIndexMs]));
      index.values[col] = built.length ? ms(median(built)) : 'not built';
      // Every delta of every page load: the median of 3 × 9.
      delta.values[col] = ms(median(runs.flatMap((b) => b.deltaMs)));
      deltaLog.values[col] = ms(median(runs.flatMap((b) => b.deltaLogMs)));
      heap.values[col] = mb(median(runs.map((b) => b.memory.jsHeapUsed)));
      nodes.values[col] = String(Math.round(median(runs.map((b) => b.memory.domNodes))));
      // CPU from TRACED_RUNS more loads, traced (tracing slows the page a little: wall figures come from the others).
      const cpu: Record<string, number[]> = {};
      for (let r = 0; r < TRACED_RUNS; r++) {
        const t = await traced(browser, `${base}?fake=${n}&bench=1`, '__kbBench', Object.keys(cpuRows), 120_000);
        for (const [phase, values] of Object.entries(t?.main ?? {})) (cpu[phase] ??= []).push(...values);
      }
      for (const [phase, row] of Object.entries(cpuRows)) row.values[col] = cpu[phase]?.length ? ms(median(cpu[phase]!)) : 'failed';
    }
    const tables: UiTable[] = graphOnly ? [] : [
      {
        title: `UI in chromium (wall: median of ${RUNS} page loads, the delta's of all its runs; CPU: of ${TRACED_RUNS} more, traced)`,
        columns,
        rows: [render, cpuRows['first-render'], whole, delta, cpuRows['one-delta'], deltaLog, cpuRows['one-delta-log'], search, cpuRows.search, matches, index, heap, nodes],
      },
    ];
    tables.push(...(await graphTables(browser, base)));
    return tables;
  } finally {
    await browser.close();
  }
}

/**
 * Where the graph's layouts ran, for its row's label: the bench page is a file:// page, where chromium refuses
 * workers, so layoutClient.ts runs them on the page's main thread (served over HTTP, as by `serve`, they run in its
 * layout worker). Said from what every run reported, never assumed.
 */
export function layoutWhere(threads: ReadonlySet<string>): string {
  if (threads.size !== 1) return `(where: ${[...threads].sort().join(', ') || 'no run'})`;
  const [thread] = threads;
  if (thread === 'worker') return 'in the layout worker';
  if (thread === 'main') return "on the page's main thread";
  return `(where: ${thread})`;
}

/** Graph shapes the bench lays out: `query` is added to the bench page's URL. */
const GRAPH_SHAPES = [
  { name: 'tree-like', query: '' },
  { name: 'many shared', query: '&shared=1' },
] as const;

/** The graph's table: each shape's view and whole graph, the layout chosen and its time, ELK's for the same graph, the pan. */
async function graphTables(browser: Browser, base: string): Promise<UiTable[]> {
  const columns: string[] = [];
  const rows = {
    kind: { name: 'graph: layout the app chose (this process\'s cluster)', values: {} } as BenchRow,
    ms: { name: '', values: {} } as BenchRow,
    elk: { name: '', values: {} } as BenchRow,
    frame: { name: 'graph: median frame time while panning/zooming', values: {} } as BenchRow,
    panMain: { name: '  main-thread CPU per frame of that pan', values: {} } as BenchRow,
    panAll: { name: "  all threads' CPU per frame (raster, compositor, GPU process)", values: {} } as BenchRow,
  };
  /** Where each measured layout ran (renderer/src/graph/layoutClient.ts layoutThread), over every run of every shape. */
  const threads = new Set<string>();
  for (const shape of GRAPH_SHAPES) {
    const url = `${base}?fake=2000${shape.query}&view=graph&bench=1`;
    const graph: GraphBench[] = [];
    // The first load hands over its whole graph for elkjs (once per shape: seconds to tens of seconds here).
    for (let r = 0; r < RUNS; r++) {
      const g = await measure<GraphBench>(browser, r === 0 ? `${url}&elk=1` : url, '__kbGraphBench', 300_000);
      if (g) graph.push(g);
    }
    if (!graph.length) {
      columns.push(`${shape.name}: failed`);
      continue;
    }
    const g0 = graph[0]!;
    const view = `${shape.name} view: ${g0.nodes} nodes`;
    const whole = `${shape.name} whole: ${g0.wholeNodes} nodes, ${g0.wholeEdges} edges`;
    columns.push(view, whole);
    const median_ = (f: (g: GraphBench) => number) => ms(median(graph.map(f)));
    for (const g of graph) threads.add(g.thread);
    rows.kind.values[view] = g0.layoutKind;
    rows.kind.values[whole] = g0.wholeKind;
    rows.ms.values[view] = median_((g) => g.layoutMs);
    rows.ms.values[whole] = median_((g) => g.wholeMs);
    rows.elk.values[whole] = g0.wholeRequest ? ms(await elkLayoutMs(g0.wholeRequest)) : 'failed';
    rows.frame.values[view] = median_((g) => g.frameMs);
    // The pan once more, traced: CPU per frame (on a shared machine a frame's wall time is mostly waiting).
    const panCpu: { main: number[]; all: number[] } = { main: [], all: [] };
    for (let r = 0; r < TRACED_RUNS; r++) {
      const t = await traced(browser, url, '__kbGraphBench', ['graph-pan'], 300_000, true);
      const main = t?.main['graph-pan']?.[0];
      const all = t?.all['graph-pan'];
      if (main != null) panCpu.main.push(main / g0.frames);
      if (all != null) panCpu.all.push(all / g0.frames);
    }
    rows.panMain.values[view] = panCpu.main.length ? ms(median(panCpu.main)) : 'failed';
    rows.panAll.values[view] = panCpu.all.length ? ms(median(panCpu.all)) : 'failed';
  }
  rows.ms.name = `graph: that layout's time ${layoutWhere(threads)}`;
  rows.elk.name = "graph: elkjs's layered layout of the same graph (in Node, once)";
  return [
    {
      title: 'Graph view in chromium (generated keys, ?fake=2000 and &shared=1, every keyring unfolded; the view keeps 1,000 nodes)',
      columns,
      rows: Object.values(rows),
    },
  ];
}
