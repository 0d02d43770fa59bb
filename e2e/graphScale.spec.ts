// The graph at 20,000 keys (issue 15, item 4): something useful drawn within 2 s of opening the graph (on a quiet
// machine; the bound grows with the load on a shared one), a bounded number of nodes laid out, and the search
// filter and the neighbourhood shrinking it.
// 400 keyrings of exactly 50 user keys each (the fold threshold: they must fold), made with the
// engine's add_key binding in this worker's own session keyring (20,000 keyctl processes would take
// minutes), checked against /proc/keys, and cleared afterwards so later specs in this worker do not
// carry them.
import { expect, test, type Page } from '@playwright/test';
import { hexId } from '../shared/keyIds';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { addKey } from '../electron/keyring/keyctl';
import { joinOwnSession, keyctl } from './support/session';
import { startServe, type RunningServer } from './support/serve';
import { TEST_MS } from './support/scanTime';

const RINGS = 400;
const PER_RING = 50;
/** The requirement on a quiet machine: from the moment the graph view is asked for to nodes on screen (~0.2 s measured). */
const FIRST_PICTURE_MS = 2000;

/**
 * How much longer the page's work takes on this machine now: with more runnable processes than cores (the load
 * average), the page's main thread gets its share of a core, so its wall time grows by load ÷ cores. CI shares a
 * 2-core machine with other sessions' benches: at load 12 the first nodes took 2.3 s, the same work as 0.2 s quiet.
 */
function slowdown(): number {
  return Math.max(1, loadavg()[0]! / availableParallelism());
}

let server: RunningServer;
let top: number;
const rings: number[] = [];
const keysOf = new Map<number, number[]>();

test.describe.configure({ timeout: TEST_MS });

test.beforeAll(async () => {
  test.setTimeout(TEST_MS);
  const session = joinOwnSession();
  top = addKey('keyring', 'e2e-scale', null, session);
  const payload = Buffer.from('x');
  for (let r = 0; r < RINGS; r++) {
    const ring = addKey('keyring', `e2e-scale-${r}`, null, top);
    rings.push(ring);
    const ids: number[] = [];
    for (let i = 0; i < PER_RING; i++) ids.push(addKey('user', `e2e-scale-${r}-${i}`, payload, ring));
    keysOf.set(ring, ids);
  }
  // The oracle: /proc/keys lists every one of them (by id: another run of this spec may be going on beside it).
  const ours = new Set([...keysOf.values()].flat().map(hexId));
  const listed = readFileSync('/proc/keys', 'utf8').split('\n').filter((l) => ours.has(l.slice(0, 8)) && / e2e-scale-\d+-\d+: 1$/.test(l)).length;
  expect(listed).toBe(RINGS * PER_RING);
  server = await startServe(['--interval', '1000']);
});

test.afterAll(async () => {
  await server?.stop();
  if (top) {
    keyctl('clear', String(top));
    keyctl('unlink', String(top), '@s');
  }
});

/** The tree view with the whole snapshot loaded (the e2e-scale keyring's row is there). */
async function openTree(page: Page) {
  await page.goto(server.url);
  await expect(page.locator(`[data-view="tree"] [data-key-id="${top}"]`).first()).toBeVisible({ timeout: 60_000 });
}

const graph = (page: Page) => page.locator('[data-view="graph"]');

/** The viewport's scale (xyflow writes it as a CSS transform). */
async function zoom(page: Page): Promise<number> {
  const transform = (await graph(page).locator('.react-flow__viewport').getAttribute('style')) ?? '';
  return Number(/scale\(([\d.]+)\)/.exec(transform)?.[1] ?? 0);
}

test('the graph of 20,000 keys draws nodes within 2 s of opening it, lays out at most 1,000, finishes, and opens readable on its roots', async ({ page }, testInfo) => {
  await openTree(page);
  // Measured in the page, from the click on the Graph tab to the first frame with a key node on screen.
  const ms = await page.evaluate(async () => {
    // This spec is type-checked without the DOM library: the little of it used here, typed.
    type Box = { left: number; right: number; top: number; bottom: number; width: number };
    type El = { click(): void; getBoundingClientRect(): Box };
    const w = globalThis as unknown as {
      document: { getElementById(id: string): El; querySelector(s: string): El | null; querySelectorAll(s: string): ArrayLike<El> };
      getComputedStyle(e: El): { visibility: string };
      requestAnimationFrame(cb: () => void): number;
    };
    const t0 = performance.now();
    w.document.getElementById('kb-tab-graph').click();
    return new Promise<number>((resolve) => {
      const check = () => {
        const pane = w.document.querySelector('[data-view="graph"] .react-flow')?.getBoundingClientRect();
        const drawn = Array.from(w.document.querySelectorAll('[data-view="graph"] .react-flow__node-key')).some((n) => {
          const r = n.getBoundingClientRect();
          return !!pane && r.width > 0 && r.right > pane.left && r.left < pane.right && r.bottom > pane.top && r.top < pane.bottom && w.getComputedStyle(n).visibility !== 'hidden';
        });
        if (drawn) resolve(performance.now() - t0);
        else w.requestAnimationFrame(check);
      };
      check();
    });
  });
  const bound = FIRST_PICTURE_MS * slowdown();
  console.log(`graph of ${RINGS * PER_RING} keys: first nodes drawn ${Math.round(ms)} ms after opening the graph view (bound ${Math.round(bound)} ms at load ${loadavg()[0]!.toFixed(1)})`);
  expect(ms).toBeLessThan(bound);

  // Bounded: keyrings of exactly 50 fold, so the 20,400 keys are about 800 nodes.
  const summary = graph(page).locator('[data-graph-summary]');
  await expect(summary).toContainText(/^\d{3} nodes for 20,4\d\d of 20,4\d\d keys/);
  const nodes = Number(/^(\d+)/.exec((await summary.textContent()) ?? '')![1]);
  expect(nodes).toBeLessThanOrEqual(1000);
  // The worker's layout finishes (before, "Laying out 20,491 nodes…" never did).
  await expect(graph(page).getByRole('status')).toHaveCount(0, { timeout: 120_000 });
  await page.screenshot({ path: testInfo.outputPath('graph-20k-first-view.png') });
  await testInfo.attach('first view of the 20k-key graph', { path: testInfo.outputPath('graph-20k-first-view.png'), contentType: 'image/png' });

  // The first view reads: fitting 400 member keyrings whole would be one column some 19,000 px tall at
  // zoom 0.03, so it opens at a readable zoom on the roots (graph/fit.ts MAP_MIN_ZOOM).
  await expect.poll(() => zoom(page)).toBeGreaterThanOrEqual(0.75);
  expect((await graph(page).locator('.graph-line1').first().boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(12);
  await expect(graph(page).locator('.react-flow__node-process')).toBeInViewport();
  await expect(graph(page).locator(`[data-key-id="${top}"]`)).toBeInViewport();
  // The rest is a search, the overview or the fit button away. A search centres on its match, readable:
  // ring 7's folded keys (e2e-scale-7-1, -7-10 … -7-19) are its group node.
  await page.getByRole('searchbox', { name: 'Search keys' }).fill('e2e-scale-7-1');
  const group7 = graph(page).locator(`[data-group-of="${rings[7]}"]`);
  await expect(group7).toBeInViewport();
  await expect(group7).toContainText('50 user keys');
  await expect.poll(() => zoom(page)).toBeGreaterThanOrEqual(0.75);
  await page.getByRole('searchbox', { name: 'Search keys' }).fill('');
  await expect(graph(page).getByRole('img', { name: 'Graph overview' })).toBeVisible();
  await graph(page).getByRole('button', { name: 'Fit the whole graph' }).click();
  await expect.poll(() => zoom(page)).toBeLessThan(0.12);
  await page.screenshot({ path: testInfo.outputPath('graph-20k-fit-view.png') });
});

test('Only matches shrinks the graph to the match and its keyrings; the neighbourhood shows a key with its keyrings', async ({ page }) => {
  await openTree(page);
  await page.getByRole('tab', { name: 'Graph' }).click();
  const target = keysOf.get(rings[123]!)![45]!;
  await page.getByRole('searchbox', { name: 'Search keys' }).fill('e2e-scale-123-45');
  await page.getByLabel('Only matches').check();
  await expect(graph(page).locator(`[data-key-id="${target}"]`)).toHaveCount(1, { timeout: 30_000 });
  await expect(graph(page).locator(`[data-key-id="${rings[123]}"]`)).toHaveCount(1);
  await expect(graph(page).locator(`[data-key-id="${rings[124]}"]`)).toHaveCount(0);
  await expect(graph(page).locator('[data-graph-summary]')).toContainText(/^\d nodes for \d of \d keys \(matches only\)/);

  // Select it, drop the search: the neighbourhood of the selection is the key, its keyrings up to the session.
  await graph(page).locator(`[data-key-id="${target}"]`).click();
  await page.getByLabel('Only matches').uncheck();
  await page.getByRole('searchbox', { name: 'Search keys' }).fill('');
  await graph(page).getByRole('button', { name: 'Neighbourhood', exact: true }).click();
  await expect(graph(page).locator(`[data-key-id="${target}"]`)).toHaveCount(1, { timeout: 30_000 });
  await expect(graph(page).locator(`[data-key-id="${rings[123]}"]`)).toHaveCount(1);
  await expect(graph(page).locator(`[data-key-id="${top}"]`)).toHaveCount(1);
  await expect(graph(page).locator(`[data-key-id="${rings[124]}"]`)).toHaveCount(0);
  expect(await graph(page).locator('.react-flow__node-key').count()).toBeLessThan(10);
});
