// Sortable columns in the tree (issue 15, item 7): description, type, expiry, uses and id, both ways, from the
// keyboard; the kernel's order is a choice of its own, and is the order keyctl lists; the choice is remembered.
import { expect, test, type Page } from '@playwright/test';
import { joinOwnSession, keyctl } from './support/session';
import { startServe, type RunningServer } from './support/serve';
import { CHANGE_SEEN_MS, FIRST_SCAN_MS, openApp } from './support/page';

let server: RunningServer;
let ring = 0;
const ids = new Map<string, number>();

test.beforeAll(async () => {
  joinOwnSession();
  ring = Number(keyctl('newring', 'e2e-sort', '@s'));
  // Made in this order, with timeouts that sort otherwise: c 300 s, a 100 s, b never, d 200 s.
  for (const [name, timeout] of [['c-key', 300], ['a-key', 100], ['b-key', 0], ['d-key', 200]] as const) {
    const id = Number(keyctl('add', 'user', name, 'x', String(ring)));
    if (timeout) keyctl('timeout', String(id), String(timeout));
    ids.set(name, id);
  }
  server = await startServe(['--interval', '500']);
});

test.afterAll(async () => {
  await server?.stop();
});

/** Waits until the ring's member rows read `names`, top to bottom (a click re-sorts on the next render). */
async function expectOrder(page: Page, names: () => string[]): Promise<void> {
  await expect.poll(() => shownOrder(page)).toEqual(names());
}

/** The names of the ring's member rows, top to bottom. */
async function shownOrder(page: Page): Promise<string[]> {
  const rows = page.locator(`[data-row-id^="a:session/${ring}/"]`);
  await expect(rows).toHaveCount(4);
  const listed = await rows.evaluateAll((els) => els.map((e) => [Number(e.getAttribute('data-index')), Number(e.getAttribute('data-key-id'))] as const));
  const byId = new Map([...ids].map(([n, id]) => [id, n]));
  return listed.sort((a, b) => a[0] - b[0]).map(([, id]) => byId.get(id)!);
}

/** keyctl's own order of the ring's members: the kernel's. */
function kernelOrder(): string[] {
  const byId = new Map([...ids].map(([n, id]) => [id, n]));
  return keyctl('rlist', String(ring)).split(/\s+/).map((id) => byId.get(Number(id))!);
}

test('column heads sort from the keyboard, both ways; kernel order is what keyctl lists; the choice is remembered', async ({ page }) => {
  await openApp(page, server.url);
  await expect(page.locator(`[data-key-id="${ring}"]`).first()).toBeVisible();
  const kernel = page.getByRole('button', { name: 'kernel order' });
  await expect(kernel).toHaveAttribute('aria-pressed', 'true');
  await expectOrder(page, kernelOrder);

  const expires = page.getByRole('button', { name: 'Expires' });
  await expires.focus();
  await page.keyboard.press('Enter');
  await expect(expires).toHaveAttribute('data-sort', 'asc');
  await expect(kernel).toHaveAttribute('aria-pressed', 'false');
  await expectOrder(page, () => ['a-key', 'd-key', 'c-key', 'b-key']);
  await page.keyboard.press('Space');
  await expect(expires).toHaveAttribute('data-sort', 'desc');
  await expectOrder(page, () => ['b-key', 'c-key', 'd-key', 'a-key']);
  await expect(expires).toHaveAttribute('title', /Sorted by expiry, never first, soonest last\. Click for the kernel's order\./);

  await page.getByRole('button', { name: 'Key', exact: true }).click();
  await expectOrder(page, () => ['a-key', 'b-key', 'c-key', 'd-key']);
  await page.getByRole('button', { name: 'ID', exact: true }).click();
  await expectOrder(page, () => [...ids].sort((a, b) => a[1] - b[1]).map(([n]) => n));

  // Uses: a key linked from a second keyring has one more reference.
  keyctl('link', String(ids.get('c-key')), '@s');
  await page.getByRole('button', { name: 'Uses' }).click();
  await page.getByRole('button', { name: 'Uses' }).click();
  await expect.poll(() => shownOrder(page).then((o) => o[0]), { timeout: CHANGE_SEEN_MS }).toBe('c-key');

  await page.reload();
  await expect(page.getByRole('tree')).toBeVisible({ timeout: FIRST_SCAN_MS });
  await expect(page.getByRole('button', { name: 'Uses' })).toHaveAttribute('data-sort', 'desc');
  await expect.poll(() => shownOrder(page).then((o) => o[0])).toBe('c-key');
  await page.getByRole('button', { name: 'kernel order' }).click();
  await expect(kernel).toHaveAttribute('aria-pressed', 'true');
  await expectOrder(page, kernelOrder);
});
