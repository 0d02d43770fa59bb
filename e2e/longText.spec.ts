// The longest description the kernel takes (4,095 bytes) must never widen the window: tree, change log,
// messages, dialogs and graph cut it with an ellipsis and show the whole text on hover; the details panel
// shows it whole, wrapped. Checked with document.documentElement.scrollWidth against the viewport.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { joinOwnSession, keyctl } from './support/session';
import { startServe, type RunningServer } from './support/serve';
import { row, details, allowChanges, CHANGE_SEEN_MS, FIRST_SCAN_MS } from './support/page';
import { TEST_MS } from './support/scanTime';

const INTERVAL_MS = 400;
// No spaces: the worst case for wrapping. 4,095 bytes is the kernel's limit (4,096 with the NUL).
const LONG_RING = 'ring-' + 'abcdefghij'.repeat(409);
const LONG_KEY = 'key-' + 'klmnopqrst'.repeat(409) + 'u';

let server: RunningServer;
let ring: number;

test.beforeAll(async () => {
  joinOwnSession();
  ring = Number(keyctl('newring', LONG_RING, '@s'));
  server = await startServe(['--interval', String(INTERVAL_MS), '--allow-actions']);
});

test.afterAll(async () => {
  await server?.stop();
});


/** The page's globals these checks read (the e2e project compiles without the DOM library). */
type PageWindow = { innerWidth: number; document: { documentElement: { scrollWidth: number } } };

async function expectNoWidening(page: Page, where: string) {
  const { scrollWidth, viewport } = await page.evaluate(() => {
    const w = globalThis as unknown as PageWindow;
    return { scrollWidth: w.document.documentElement.scrollWidth, viewport: w.innerWidth };
  });
  expect(scrollWidth, `page width ${where}`).toBe(viewport);
  await page.screenshot({ path: test.info().outputPath(`${where.replace(/\W+/g, '-')}.png`) });
}

/** Whether the element's tooltip holds the whole long description. */
const wholeOnHover = (el: Locator) => el.evaluate((e, long) => (e.getAttribute('title') ?? '').includes(long), LONG_KEY);

/** The element lies inside the viewport horizontally (not clipped by it). */
async function expectInsideViewport(page: Page, selector: string) {
  const box = await page.locator(selector).first().boundingBox();
  expect(box).not.toBeNull();
  const width = await page.evaluate(() => (globalThis as unknown as PageWindow).innerWidth);
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(width);
}

test('a 4,095-byte description never widens the page, and its whole text is one hover away', async ({ page }) => {
  test.setTimeout(TEST_MS); // many states, each screenshotted, on a shared machine
  expect(Buffer.byteLength(LONG_KEY)).toBe(4095);
  await page.goto(server.url);
  await expect(row(page, ring)).toBeVisible({ timeout: FIRST_SCAN_MS });
  await expectNoWidening(page, 'tree with a long keyring');
  await allowChanges(page);

  // Added while the window is open, so the change log has a line for it.
  const key = Number(keyctl('add', 'user', LONG_KEY, 'x', String(ring)));
  await expect(row(page, key)).toBeVisible({ timeout: CHANGE_SEEN_MS });
  const log = page.getByRole('region', { name: 'Change log' });
  // Only this process's lines: other processes on this machine may log hundreds of theirs a second.
  await log.getByLabel('Change log scope').selectOption('process');
  const logLine = log.locator('.log-subject', { hasText: 'klmnopqrst' }).first();
  await expect(logLine).toBeVisible();
  expect(await wholeOnHover(logLine), 'the log line shows the whole description on hover').toBe(true);
  expect(await wholeOnHover(row(page, key).locator('.key-desc')), 'the tree row shows the whole description on hover').toBe(true);
  await expectNoWidening(page, 'tree and log with a long key');
  // The read-only switch and the details panel stay on screen.
  await expectInsideViewport(page, '.act-switch');

  // The details panel shows it whole, wrapped inside the panel.
  await row(page, key).click();
  expect(await details(page).getByTestId('whole-description').evaluate((e, long) => e.textContent === long, LONG_KEY), 'the details panel shows it whole').toBe(true);
  expect(await wholeOnHover(details(page).getByRole('heading', { level: 2 })), 'its heading, cut, shows it whole on hover').toBe(true);
  const panel = await details(page).evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
  expect(panel.scroll).toBeLessThanOrEqual(panel.client);
  await expectNoWidening(page, 'details of a long key');

  // The Unlink confirmation fits, and its buttons are on screen.
  await page.keyboard.press('Delete');
  const confirm = page.getByRole('alertdialog');
  await expect(confirm).toBeVisible();
  await expectInsideViewport(page, '[role="alertdialog"]');
  const dialog = await confirm.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
  expect(dialog.scroll).toBeLessThanOrEqual(dialog.client);
  await expect(confirm.getByRole('button', { name: 'Unlink', exact: true })).toBeInViewport();
  await expectNoWidening(page, 'unlink confirmation of a long key');
  await confirm.getByRole('button', { name: 'Cancel' }).click();

  // A dialog with a keyring picker that lists the long keyring.
  await page.keyboard.press('l');
  const link = page.getByRole('dialog');
  await expect(link).toBeVisible();
  await expectInsideViewport(page, '[role="dialog"]');
  const linkBox = await link.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
  expect(linkBox.scroll).toBeLessThanOrEqual(linkBox.client);
  await expectNoWidening(page, 'link dialog listing a long keyring');
  await page.keyboard.press('Escape');

  // A message that names it (the outcome of an action).
  await page.keyboard.press('t');
  await page.getByRole('dialog').getByRole('textbox').fill('3600');
  await page.keyboard.press('Enter');
  await expect(details(page).getByRole('status')).toContainText('klmnopqrst');
  await expectNoWidening(page, 'outcome message naming a long key');

  // The graph: the node's label is cut, the whole text is its tooltip.
  await page.keyboard.press('2');
  const node = page.locator(`.graph-node[data-key-id="${key}"]`);
  await expect(node).toBeVisible({ timeout: 60_000 }); // the layout worker starts slowly on a loaded machine
  expect(await wholeOnHover(node), 'the graph node shows the whole description on hover').toBe(true);
  const nodeBox = await node.boundingBox();
  expect(nodeBox!.width).toBeLessThan(400);
  await expectNoWidening(page, 'graph with a long key');
});

test('at 1024 px: the Read-only switch stays one line and inside the window, and a description keeps its width before badges', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const shared = Number(keyctl('add', 'user', 'narrow-' + 'x'.repeat(60), 'x', String(ring)));
  keyctl('link', String(shared), '@s'); // linked twice: a "shared" badge
  keyctl('revoke', String(shared));
  await page.goto(server.url);
  await expect(row(page, shared)).toBeVisible({ timeout: FIRST_SCAN_MS });
  const sw = page.locator('.act-switch');
  // Measured once the window has settled: the toolbar's labels come with the server's answers, which a
  // loaded machine delivers after the first rows.
  await expect(async () => {
    expect((await sw.boundingBox())!.height).toBeLessThan(30);
    await expectInsideViewport(page, '.act-switch');
    const desc = (await row(page, shared).locator('.key-desc').boundingBox())!.width;
    const badges = await row(page, shared).locator('.badge').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    expect(badges.length).toBeGreaterThanOrEqual(2);
    expect(desc).toBeGreaterThan(Math.max(...badges) * 2);
  }).toPass();
  await expectNoWidening(page, 'at 1024 px');
});

// With changes allowed the switch said "off: changes allowed", which at 1400 px pushed it onto a second
// toolbar row; now "off", in red, its tooltip saying changes are allowed. At every width from 1024 px up,
// read-only or not, it is one line on the brand's row.
for (const width of [1024, 1180, 1320, 1400, 1480]) {
  test(`at ${width} px, with changes allowed, the Read-only switch stays one line on the toolbar's first row`, async ({ page }) => {
    await page.setViewportSize({ width, height: 700 });
    await page.goto(server.url);
    const sw = page.locator('.act-switch');
    const brand = page.locator('.brand');
    await expect(row(page, ring)).toBeVisible({ timeout: FIRST_SCAN_MS });
    for (const state of ['read-only', 'changes allowed'] as const) {
      if (state === 'changes allowed') {
        await allowChanges(page);
        await expect(sw).toHaveClass(/act-switch-live/);
        await expect(sw).toHaveAttribute('title', /Changes are allowed/);
      }
      // Measured once the toolbar has settled (its labels come with the server's answers).
      await expect(async () => {
        const box = (await sw.boundingBox())!;
        const brandBox = (await brand.boundingBox())!;
        expect(box.height, `${state}: one line`).toBeLessThan(30);
        expect(Math.abs(box.y + box.height / 2 - (brandBox.y + brandBox.height / 2)), `${state}: on the brand's row`).toBeLessThan(8);
        await expectInsideViewport(page, '.act-switch');
      }).toPass();
      await expectNoWidening(page, `toolbar at ${width} px, ${state}`);
    }
  });
}
