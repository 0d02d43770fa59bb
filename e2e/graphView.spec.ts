// The graph as an administrator reads it, in chromium against `serve`: labels cut in the middle to the room
// a node has, so keys of one realm still read apart (issue 15, item 10).
import { expect, test, type Page } from '@playwright/test';
import { joinOwnSession, keyctl } from './support/session';
import { startServe, type RunningServer } from './support/serve';
import { CHANGE_SEEN_MS, FIRST_SCAN_MS } from './support/page';

let server: RunningServer;
let ccache: number;
const tickets = new Map<string, number>();
const NAMES = [
  'krbtgt/EXAMPLE.TEST@EXAMPLE.TEST',
  'krbtgt/OLD.EXAMPLE.TEST@OLD.EXAMPLE.TEST',
  'nfs/files.example.test@EXAMPLE.TEST',
  'HTTP/intranet.example.test@EXAMPLE.TEST',
  'kadmin/admin@EXAMPLE.TEST',
];

test.beforeAll(async () => {
  joinOwnSession();
  ccache = Number(keyctl('newring', 'e2e-gv-ccache', '@s'));
  for (const name of NAMES) tickets.set(name, Number(keyctl('add', 'user', name, 'x', String(ccache))));
  server = await startServe(['--interval', '500']);
});

test.afterAll(async () => {
  await server?.stop();
});

// Each test waits for layouts in chromium: at load 11-15 on this machine each has taken over the default 60 s.
test.describe.configure({ timeout: 150_000 });

async function openGraph(page: Page) {
  const url = new URL(server.url);
  url.searchParams.set('view', 'graph');
  await page.goto(url.toString());
  await expect(page.locator('[data-view="graph"] [data-layout-thread]')).toBeAttached({ timeout: FIRST_SCAN_MS });
}

const label = (page: Page, id: number) => page.locator(`[data-view="graph"] [data-key-id="${id}"] .mid-ellipsis > .key-desc`);

test('long names are cut in the middle to the room a node has, whole in the tooltip, and keys of one realm read apart', async ({ page }) => {
  await openGraph(page);
  const shown: string[] = [];
  for (const name of NAMES) {
    const id = tickets.get(name)!;
    await expect(label(page, id)).toContainText('…');
    const text = (await label(page, id).textContent())!;
    shown.push(text);
    // Start and end kept, the middle dropped: what is shown is the name's own start and end.
    const [head, tail] = text.split('…') as [string, string];
    expect(name.startsWith(head), `${text} starts ${name}`).toBe(true);
    expect(name.endsWith(tail), `${text} ends ${name}`).toBe(true);
    expect(head.length).toBeGreaterThanOrEqual(4);
    // The cut fits: CSS never cuts it a second time.
    const fits = await label(page, id).evaluate((el) => el.scrollWidth <= el.clientWidth + 0.5);
    expect(fits, text).toBe(true);
    await expect(page.locator(`[data-view="graph"] [data-key-id="${id}"]`)).toHaveAttribute('title', `user “${name}” (${id.toString(16).padStart(8, '0')})`);
  }
  expect(new Set(shown).size, shown.join(' | ')).toBe(NAMES.length);
  console.log(`graph labels: ${shown.join(' | ')}`);
  // A short name is never cut.
  await expect(page.locator(`[data-view="graph"] [data-key-id="${ccache}"] .mid-ellipsis > .key-desc`)).toHaveText('e2e-gv-ccache');
});

/** What the functions run in the page use of it (the e2e code is compiled without the DOM's types). */
interface PageGlobals {
  document: { querySelector(selector: string): { getBoundingClientRect(): { x: number; y: number }; click(): void } | null };
  requestAnimationFrame(run: () => void): number;
  setTimeout(run: () => void, ms: number): number;
}

/**
 * Where the graph's view shows a node: its top-left corner relative to the graph's pane (what the view promises
 * to keep; the page around the pane may reflow as the toolbar's counts change). With `clickGroupOf`, that
 * keyring's group node is clicked in the same task of the page, so no layout or fit falls between the read
 * and the click.
 */
async function viewAt(page: Page, id: number, clickGroupOf?: number): Promise<{ x: number; y: number }> {
  const at = await page.evaluate(
    ([id, ring]) => {
      const { document } = globalThis as unknown as PageGlobals;
      const node = document.querySelector(`[data-view="graph"] [data-key-id="${id}"]`);
      const pane = document.querySelector('[data-view="graph"] .react-flow');
      if (!node || !pane) return null;
      const n = node.getBoundingClientRect();
      const p = pane.getBoundingClientRect();
      if (ring !== undefined) document.querySelector(`[data-view="graph"] [data-group-of="${ring}"]`)?.click();
      return { x: n.x - p.x, y: n.y - p.y };
    },
    [id, clickGroupOf] as const,
  );
  expect(at, `node ${id} in the view`).not.toBeNull();
  return at!;
}

/** No layout under way: the status line (Laying out… / Updating layout…) is gone. */
async function laidOut(page: Page): Promise<void> {
  await expect(page.locator('[data-view="graph"]').getByRole('status'), 'no layout under way').toHaveCount(0, { timeout: 30_000 });
}

/**
 * The node's place once the view has stopped moving: a fit follows a layout a frame or more later (longer on
 * a loaded machine), so one read right after the status line goes can be the view before it. Two reads a few
 * frames apart must agree.
 */
async function settledAt(page: Page, id: number): Promise<{ x: number; y: number }> {
  let at = { x: NaN, y: NaN };
  await expect(async () => {
    await laidOut(page);
    const first = await viewAt(page, id);
    await page.evaluate(() => new Promise<void>((done) => {
      const { requestAnimationFrame, setTimeout } = globalThis as unknown as PageGlobals;
      let frames = 4;
      const next = () => (--frames > 0 ? requestAnimationFrame(next) : setTimeout(done, 100));
      requestAnimationFrame(next);
    }));
    at = await viewAt(page, id);
    expect(Math.abs(at.x - first.x) + Math.abs(at.y - first.y), 'the view moved').toBeLessThan(1);
  }).toPass({ timeout: 60_000 });
  return at;
}

test('the view stays put: a group opens with its keyring where it was, and a live change does not move the view', async ({ page }) => {
  // A keyring of 60 keys folds into a group node.
  const big = Number(keyctl('newring', 'e2e-gv-big', '@s'));
  for (let i = 0; i < 60; i++) keyctl('add', 'user', `e2e-gv-member-${i}`, 'x', String(big));
  await openGraph(page);
  const group = page.locator(`[data-view="graph"] [data-group-of="${big}"]`);
  await expect(group).toBeVisible({ timeout: 30_000 });
  // Where the keyring is when the person clicks its group (a layout or fit may land at any frame: polls every
  // 500 ms, frames late on a loaded machine).
  const before = await viewAt(page, big, big);
  await expect(group, 'the group opened').toHaveCount(0, { timeout: 30_000 });
  const after = await settledAt(page, big);
  expect(Math.abs(after.x - before.x), 'x').toBeLessThan(3);
  expect(Math.abs(after.y - before.y), 'y').toBeLessThan(3);

  // A key added elsewhere relays the graph out: the view is where the person left it.
  const still = await settledAt(page, big);
  keyctl('add', 'user', 'e2e-gv-late', 'x', String(ccache));
  await expect(page.locator('[data-view="graph"] .key-desc', { hasText: 'e2e-gv-late' })).toHaveCount(1, { timeout: CHANGE_SEEN_MS });
  const later = await settledAt(page, big);
  expect(Math.abs(later.x - still.x), 'x').toBeLessThan(3);
  expect(Math.abs(later.y - still.y), 'y').toBeLessThan(3);
});
