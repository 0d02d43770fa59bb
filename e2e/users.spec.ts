// The system view in chromium against `serve --all-users` (as root, as CI runs): two throwaway users make
// keys as themselves, and the Users section must show them with their names, a quota gauge at the
// percentage /proc/key-users gives, and a search that finds another user's key.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { quotaPercent } from '../shared/quota';
import { addThrowawayUser, fillQuotaTo, quotaBytes, quotaKeys, removeThrowawayUser, runAs, type ThrowawayUser } from '../electron/test/throwawayUsers';
import { joinOwnSession } from './support/session';
import { startServe, type RunningServer } from './support/serve';
import { FIRST_SCAN_MS, scrollTreeTo } from './support/page';

let server: RunningServer;
let alice: ThrowawayUser | null = null;
let bob: ThrowawayUser | null = null;
let secret: number;
const SECRET = `e2e-alice-secret-${process.pid}`;
/** 170 of 200 on a default kernel (85 %); the same share of whatever maxkeys this kernel has. */
let bobKeys: number;
let maxkeys: number;

test.beforeAll(async () => {
  joinOwnSession();
  alice = addThrowawayUser('kbea');
  bob = addThrowawayUser('kbeb');
  secret = Number(runAs(alice.uid, 'keyctl', 'add', 'user', SECRET, 'not-a-real-secret', '@u'));
  maxkeys = Number(readFileSync('/proc/sys/kernel/keys/maxkeys', 'utf8').trim());
  fillQuotaTo(bob.uid, Math.floor((maxkeys * 85) / 100), 'e2e-bob-');
  bobKeys = quotaKeys(bob.uid);
  server = await startServe(['--all-users', '--interval', '500']);
});

test.afterAll(async () => {
  await server?.stop();
  for (const u of [alice, bob]) {
    removeThrowawayUser(u);
  }
});

const userRow = (page: Page, uid: number) => page.locator(`[role="treeitem"][data-user-uid="${uid}"]`);

test('the Users section lists each user by name and uid', async ({ page }) => {
  await page.goto(server.url);
  await expect(page.getByRole('treeitem', { name: /^Users/ })).toBeVisible({ timeout: FIRST_SCAN_MS });
  for (const u of [alice!, bob!]) {
    await scrollTreeTo(page, userRow(page, u.uid));
    await expect(userRow(page, u.uid)).toContainText(`${u.name} (uid ${u.uid})`);
  }
});

test("a user's keys gauge shows its share of maxkeys, amber from 80 %, and a click breaks it down by keyring", async ({ page }) => {
  await page.goto(server.url);
  const row = userRow(page, bob!.uid);
  await scrollTreeTo(page, row);
  const meter = row.getByRole('meter', { name: `${bob!.name} (uid ${bob!.uid}): keys quota` });
  const percent = quotaPercent(bobKeys, maxkeys);
  await expect(meter).toHaveAttribute('aria-valuenow', String(bobKeys));
  await expect(meter).toHaveAttribute('aria-valuemax', String(maxkeys));
  await expect(meter).toHaveAttribute('data-quota-level', 'warn');
  await expect(meter).toContainText(`${bobKeys} / ${maxkeys} keys, ${percent} %`);
  if (maxkeys === 200) expect(percent).toBe(85);
  await row.click();
  const details = page.getByRole('complementary', { name: 'User details' });
  await expect(details.getByRole('heading', { name: `${bob!.name} (uid ${bob!.uid})` })).toBeVisible();
  const top = details.getByRole('table', { name: /By keys/ }).getByRole('row').nth(1);
  await expect(top).toContainText(`_uid.${bob!.uid}`); // its user keyring holds nearly all of them
  // By bytes, from the payload lengths /proc/keys states: bob's keys are user keys and keyrings, so every
  // charge is known and they add up to what /proc/key-users charges him (the kernel is the oracle).
  const byBytes = details.getByRole('table', { name: /By bytes/ }).getByRole('row').nth(1);
  await expect(byBytes).toContainText(`_uid.${bob!.uid}`);
  await expect(byBytes).not.toContainText('at least');
  await expect(details.getByTestId('bytes-explained')).toContainText(`Its ${bobKeys} visible keys cost ${quotaBytes(bob!.uid).toLocaleString('en-US')} bytes: all of the`);
});

test("search finds another user's key and reveals it under that user", async ({ page }) => {
  await page.goto(server.url);
  await expect(page.getByRole('treeitem', { name: /^Users/ })).toBeVisible({ timeout: FIRST_SCAN_MS });
  await page.getByPlaceholder(/^Search/).fill(SECRET);
  const found = page.locator(`[data-view="tree"] [data-key-id="${secret}"]`).first();
  await expect(found).toBeVisible();
  await expect(found).toHaveAttribute('data-row-id', `u:${alice!.uid}/${await userKeyringOf(page, alice!.uid)}/${secret}`);
  await found.click();
  const details = page.getByRole('complementary', { name: /details/i });
  await expect(details).toContainText(`in ${alice!.name} (uid ${alice!.uid}) › _uid.${alice!.uid}`);
});

/** The id of `_uid.<uid>` as the page shows it. */
async function userKeyringOf(page: Page, uid: number): Promise<number> {
  const id = await page.locator(`[data-view="tree"] [data-row-id^="u:${uid}/"]`).first().getAttribute('data-key-id');
  return Number(id);
}
