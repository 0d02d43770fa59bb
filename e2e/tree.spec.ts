// The live keyring tree in chromium against `serve`, with real keys made by keyutils' keyctl in this
// worker's own session keyring.
import { expect, test, type Page } from '@playwright/test';
import WebSocket from 'ws';
import { joinOwnSession, keyctl } from './support/session';
import { startServe, type RunningServer } from './support/serve';
import { CHANGE_SEEN_MS, FIRST_SCAN_MS } from './support/page';

// A change reaches the screen at a later poll: within two polls and a render (2.3 s) on a quiet machine, but a poll
// among another session's 40k keys at load 12 takes seconds, so each change is given CHANGE_SEEN_MS.
const INTERVAL_MS = 400;

let server: RunningServer;
let ring: number;
let early: number;

test.beforeAll(async () => {
  joinOwnSession();
  ring = Number(keyctl('newring', 'e2e-ring', '@s'));
  early = Number(keyctl('add', 'user', 'e2e-early', 'payload-early', String(ring)));
  server = await startServe(['--interval', String(INTERVAL_MS)]);
});

test.afterAll(async () => {
  await server?.stop();
});

function row(page: Page, id: number) {
  return page.locator(`[data-key-id="${id}"]`).first();
}

async function openApp(page: Page) {
  await page.goto(server.url);
  await expect(row(page, early)).toBeVisible({ timeout: FIRST_SCAN_MS });
}

test('shows keys that exist when it opens', async ({ page }) => {
  await openApp(page);
  await expect(row(page, ring)).toBeVisible();
  await expect(row(page, ring)).toContainText('e2e-ring');
  await expect(row(page, early)).toHaveAttribute('data-key-flags', /^I/);
});

test('a key added with keyctl appears at a later poll', async ({ page }) => {
  await openApp(page);
  const added = Number(keyctl('add', 'user', 'e2e-added-later', 'x', '@s'));
  await expect(row(page, added)).toBeVisible({ timeout: CHANGE_SEEN_MS });
});

test('a revoked key is marked revoked', async ({ page }) => {
  const victim = Number(keyctl('add', 'user', 'e2e-to-revoke', 'x', '@s'));
  await openApp(page);
  await expect(row(page, victim)).toBeVisible({ timeout: CHANGE_SEEN_MS });
  keyctl('revoke', String(victim));
  await expect(row(page, victim)).toHaveAttribute('data-key-flags', /^.R/, { timeout: CHANGE_SEEN_MS });
  await expect(row(page, victim)).toContainText(/revoked/i);
});

test('an unlinked key disappears', async ({ page }) => {
  const gone = Number(keyctl('add', 'user', 'e2e-to-unlink', 'x', '@s'));
  await openApp(page);
  await expect(row(page, gone)).toBeVisible({ timeout: CHANGE_SEEN_MS });
  keyctl('unlink', String(gone), '@s');
  await expect(page.locator(`[data-key-id="${gone}"]`)).toHaveCount(0, { timeout: CHANGE_SEEN_MS });
});

test('finds a key by its decimal id', async ({ page }) => {
  const needle = Number(keyctl('add', 'user', 'e2e-needle', 'x', String(ring)));
  await openApp(page);
  await page.getByRole('searchbox').fill(String(needle));
  await expect(row(page, needle)).toBeVisible({ timeout: CHANGE_SEEN_MS });
  await expect(row(page, needle)).toContainText('e2e-needle');
});

test('Enter and F3 step through the matches in tree order, Shift goes back; the counter reads "2 of 3"', async ({ page }) => {
  // Named after this worker: root's search also finds other sessions' keys, and another run of this spec may be
  // going on beside it.
  const prefix = `e2e-stop-${process.pid}-`;
  const stops = ['one', 'two', 'three'].map((n) => Number(keyctl('add', 'user', `${prefix}${n}`, 'x', String(ring))));
  await openApp(page);
  for (const id of stops) await expect(row(page, id)).toBeVisible({ timeout: CHANGE_SEEN_MS });
  const box = page.getByRole('searchbox');
  const counter = page.locator('.search-count');
  const details = page.getByRole('complementary', { name: /details/i });
  await box.fill(prefix);
  await expect(counter).toHaveText('1 of 3');
  // The tree's order is the kernel's (a keyring is not kept in the order keys were added).
  const drawn = await page.locator('[data-key-id]').evaluateAll((rows, ids) =>
    rows.map((r) => Number(r.getAttribute('data-key-id'))).filter((id, i, all) => ids.includes(id) && all.indexOf(id) === i), stops);
  expect([...drawn].sort()).toEqual([...stops].sort());
  const hex = (id: number) => id.toString(16).padStart(8, '0');
  await box.press('Enter');
  await expect(counter).toHaveText('2 of 3');
  await expect(details).toContainText(hex(drawn[1]!));
  await box.press('Enter');
  await expect(details).toContainText(hex(drawn[2]!));
  await box.press('Enter'); // wraps
  await expect(counter).toHaveText('1 of 3');
  await expect(details).toContainText(hex(drawn[0]!));
  await box.press('Shift+Enter');
  await expect(details).toContainText(hex(drawn[2]!));
  await page.keyboard.press('F3');
  await expect(details).toContainText(hex(drawn[0]!));
  await page.keyboard.press('Shift+F3');
  await expect(counter).toHaveText('3 of 3');
});

test('a decimal id column on request, remembered; ids copied for keyctl from the details and the row menu', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(server.url).origin });
  await openApp(page);
  await expect(row(page, early).locator('.col-dec')).toHaveCount(0);
  await page.getByRole('button', { name: 'Decimal ids' }).click();
  await expect(row(page, early).locator('.col-dec')).toHaveText(String(early));
  await page.reload();
  await expect(row(page, early).locator('.col-dec')).toHaveText(String(early));

  await row(page, early).click();
  const details = page.getByRole('complementary', { name: /details/i });
  await details.getByRole('button', { name: 'Copy decimal' }).click();
  expect(await page.evaluate('navigator.clipboard.readText()')).toBe(String(early));
  await row(page, early).click({ button: 'right' });
  await page.getByRole('menuitem', { name: /Copy id \(0x/ }).click();
  expect(await page.evaluate('navigator.clipboard.readText()')).toBe(`0x${early.toString(16).padStart(8, '0')}`);
  // keyctl takes what was copied.
  expect(keyctl('describe', `0x${early.toString(16).padStart(8, '0')}`)).toContain('e2e-early');

  await page.getByRole('button', { name: 'Decimal ids' }).click();
  await expect(row(page, early).locator('.col-dec')).toHaveCount(0);
});

test('selecting a key shows its details', async ({ page }) => {
  await openApp(page);
  await row(page, early).click();
  const details = page.getByRole('complementary', { name: /details/i });
  await expect(details).toContainText('e2e-early');
  await expect(details).toContainText(early.toString(16).padStart(8, '0'));
  await expect(details).not.toContainText('payload-early');
});

test('without the token no keyring data is served', async ({ page, request }) => {
  const bare = server.origin + '/';
  // The page itself may load, but it must show no keys.
  await page.goto(bare);
  await page.waitForTimeout(1000);
  await expect(page.locator('[data-key-id]')).toHaveCount(0);
  // The WebSocket upgrade is refused without the token, and with a wrong one.
  for (const url of [server.origin.replace('http', 'ws') + '/ws', server.origin.replace('http', 'ws') + '/ws?token=wrong']) {
    const outcome = await new Promise<string>((resolve) => {
      const ws = new WebSocket(url, { headers: { Origin: server.origin } });
      ws.on('open', () => {
        ws.close();
        resolve('open');
      });
      ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
      ws.on('error', () => resolve('error'));
    });
    expect(outcome === '401' || outcome === '403' || outcome === 'error').toBe(true);
  }
  void request;
});
