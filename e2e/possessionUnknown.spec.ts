// A key this process may possess through a keyring it may not view, drawn as unknown in chromium against `serve`:
// real keys made by keyutils' keyctl in this worker's own session keyring, one keyring granting its possessor
// SEARCH only (hidden from /proc/keys and DESCRIBE; the kernel's `keyctl search @s` still finds what it holds).
import { expect, test } from '@playwright/test';
import { joinOwnSession, keyctl } from './support/session';
import { startServe, type RunningServer } from './support/serve';
import { details, FIRST_SCAN_MS, row } from './support/page';

let server: RunningServer;
let inside: number;

test.beforeAll(async () => {
  joinOwnSession();
  const hidden = keyctl('newring', 'e2e-hidden', '@s');
  inside = Number(keyctl('add', 'user', 'e2e-inside', 'x', hidden));
  keyctl('setperm', String(inside), '0x3f010000'); // possessor: all; user (us): view
  keyctl('setperm', hidden, '0x08000000');
  expect(Number(keyctl('search', '@s', 'user', 'e2e-inside'))).toBe(inside);
  server = await startServe();
});

test.afterAll(async () => {
  await server?.stop();
});

test('a key reached only through a keyring this process may not view is shown as possession unknown, not unreachable', async ({ page }) => {
  await page.goto(server.url);
  await expect(page.getByRole('treeitem', { name: /Session keyring/ })).toBeVisible({ timeout: FIRST_SCAN_MS });
  // As root every session's keyrings are listed, and other sessions' keyrings (held by their processes' credentials,
  // which no member list shows) may be in the hidden keyring too: tens of thousands of rows on a busy machine. Find ours.
  await page.getByRole('searchbox', { name: 'Search keys' }).fill('e2e-inside');
  await page.getByRole('checkbox', { name: 'Only matches' }).check();
  const r = row(page, inside);
  await expect(r).toBeVisible();
  // What only the possessor's bits would grant is '?', not '-'; the dot is hollow.
  await expect(r.locator('.col-perm')).toHaveText('?????v');
  await expect(r.locator('.poss-dot.unknown')).toHaveCount(1);
  await expect(page.getByText(/^No path this process can see/)).toBeVisible();
  await expect(page.getByText('Not reachable from this process', { exact: true })).toHaveCount(0);
  await r.click();
  await expect(details(page)).toContainText('unknown: a keyring this process possesses links one it may not view');
  await expect(details(page)).toContainText('it may be reached through a keyring this process may not view');
  await expect(details(page)).not.toContainText('not reachable');
  await page.screenshot({ path: 'test-results/possession-unknown.png' });
});
