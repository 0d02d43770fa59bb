// The graph as an administrator reads it, in chromium against `serve`: labels cut in the middle to the room
// a node has, so keys of one realm still read apart (issue 15, item 10).
import { expect, test, type Page } from '@playwright/test';
import { joinOwnSession, keyctl } from './support/session';
import { startServe, type RunningServer } from './support/serve';

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

async function openGraph(page: Page) {
  const url = new URL(server.url);
  url.searchParams.set('view', 'graph');
  await page.goto(url.toString());
  await expect(page.locator('[data-view="graph"] [data-layout-thread]')).toBeAttached({ timeout: 20_000 });
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

/** A node's top-left corner on screen. */
async function screenAt(page: Page, id: number): Promise<{ x: number; y: number }> {
  const box = await page.locator(`[data-view="graph"] [data-key-id="${id}"]`).boundingBox();
  expect(box, `node ${id} on screen`).not.toBeNull();
  return { x: box!.x, y: box!.y };
}

test('the view stays put: a group opens with its keyring where it was, and a live change does not move the view', async ({ page }) => {
  // A keyring of 60 keys folds into a group node.
  const big = Number(keyctl('newring', 'e2e-gv-big', '@s'));
  for (let i = 0; i < 60; i++) keyctl('add', 'user', `e2e-gv-member-${i}`, 'x', String(big));
  await openGraph(page);
  const group = page.locator(`[data-view="graph"] [data-group-of="${big}"]`);
  await expect(group).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('[data-view="graph"]').getByRole('status')).toHaveCount(0, { timeout: 30_000 });
  const before = await screenAt(page, big);
  await group.click();
  await expect(page.locator('[data-view="graph"] [data-group-of]')).toHaveCount(0, { timeout: 30_000 });
  await expect(page.locator('[data-view="graph"]').getByRole('status')).toHaveCount(0, { timeout: 30_000 });
  const after = await screenAt(page, big);
  expect(Math.abs(after.x - before.x), 'x').toBeLessThan(3);
  expect(Math.abs(after.y - before.y), 'y').toBeLessThan(3);

  // A key added elsewhere relays the graph out: the view is where the person left it.
  const still = await screenAt(page, big);
  keyctl('add', 'user', 'e2e-gv-late', 'x', String(ccache));
  await expect(page.locator('[data-view="graph"] .key-desc', { hasText: 'e2e-gv-late' })).toHaveCount(1, { timeout: 20_000 });
  await expect(page.locator('[data-view="graph"]').getByRole('status')).toHaveCount(0, { timeout: 30_000 });
  const later = await screenAt(page, big);
  expect(Math.abs(later.x - still.x), 'x').toBeLessThan(3);
  expect(Math.abs(later.y - still.y), 'y').toBeLessThan(3);
});
