// The UI's cost in Debian's chromium: the bench build of the renderer (dist/renderer-bench: the same app
// plus its development tools, renderer/src/dev/buildMode.ts) opened with generated keys
// (`?fake=N&bench=1`, see renderer/src/bench.ts), timed by the page itself: first render of the tree, one
// key's delta and one search at 10k and 40k keys, the page's memory after them, and the graph's layout and
// frame time at 2,000 nodes.
import { chromium, type Browser, type Page } from '@playwright/test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHROMIUM_ARGS, chromiumPath } from '../electron/cli/chromium';
import { median, ms, type BenchRow } from './table';

const CHROMIUM = chromiumPath();
const RUNS = 3;

interface TreeBench {
  firstRenderMs: number;
  pageLoadMs: number;
  searchMs: number;
  searchRowCount: number;
  deltaMs: number[];
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
  layoutMs: number;
  nodes: number;
  edges: number;
  frameMs: number;
}

async function measure<T>(browser: Browser, url: string, global: string, timeoutMs: number): Promise<(T & { memory: PageMemory }) | null> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await page.goto(url);
    await page.waitForFunction((g) => (globalThis as unknown as Record<string, unknown>)[g] !== undefined, global, { timeout: timeoutMs });
    const result = (await page.evaluate((g) => (globalThis as unknown as Record<string, unknown>)[g], global)) as T;
    return { ...result, memory: await pageMemory(page) };
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

export async function runUiBench(root: string, sizes: number[]): Promise<UiTable[] | string> {
  const index = join(root, 'dist', 'renderer-bench', 'index.html');
  if (!existsSync(index)) return 'UI bench skipped: dist/renderer-bench is not built (npm run build:web:bench).';
  if (!existsSync(CHROMIUM)) return `UI bench skipped: no chromium at ${CHROMIUM} (set CHROMIUM_PATH).`;
  const base = pathToFileURL(index).href;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const columns = sizes.map((n) => `${n / 1000}k keys`);
    const render: BenchRow = { name: 'tree: first render (snapshot → painted rows)', values: {} };
    const search: BenchRow = { name: 'tree: search "bench:3" (typed → rows drawn)', values: {} };
    const matches: BenchRow = { name: 'tree: rows drawn by that search', values: {} };
    const index: BenchRow = { name: 'tree: search index build (idle time, once per structure)', values: {} };
    const delta: BenchRow = { name: "tree: one keyring's permissions changed (delta → painted)", values: {} };
    const heap: BenchRow = { name: 'page: JS heap used after GC (CDP Runtime.getHeapUsage)', values: {} };
    const nodes: BenchRow = { name: 'page: DOM nodes', values: {} };
    for (const [i, n] of sizes.entries()) {
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
      search.values[col] = ms(median(runs.map((b) => b.searchMs)));
      matches.values[col] = String(runs[0]!.searchRowCount);
      const built = runs.flatMap((b) => (b.searchIndexMs === null ? [] : [b.searchIndexMs]));
      index.values[col] = built.length ? ms(median(built)) : 'not built';
      // Every delta of every page load: the median of 3 × 9.
      delta.values[col] = ms(median(runs.flatMap((b) => b.deltaMs)));
      heap.values[col] = mb(median(runs.map((b) => b.memory.jsHeapUsed)));
      nodes.values[col] = String(Math.round(median(runs.map((b) => b.memory.domNodes))));
    }
    const tables: UiTable[] = [
      { title: `UI in chromium (median of ${RUNS} page loads; the delta's, of all its runs)`, columns, rows: [render, delta, search, matches, index, heap, nodes] },
    ];
    const graph: GraphBench[] = [];
    for (let r = 0; r < RUNS; r++) {
      const g = await measure<GraphBench>(browser, `${base}?fake=2000&view=graph&bench=1`, '__kbGraphBench', 120_000);
      if (g) graph.push(g);
    }
    if (graph.length) {
      const g0 = graph[0]!;
      const col = `${g0.nodes} nodes, ${g0.edges} edges`;
      tables.push({
        title: 'Graph view in chromium (generated keys, ?fake=2000)',
        columns: [col],
        rows: [
          { name: 'graph: elkjs layout in the worker', values: { [col]: ms(median(graph.map((g) => g.layoutMs))) } },
          { name: 'graph: median frame time while panning/zooming', values: { [col]: ms(median(graph.map((g) => g.frameMs))) } },
        ],
      });
    }
    return tables;
  } finally {
    await browser.close();
  }
}
